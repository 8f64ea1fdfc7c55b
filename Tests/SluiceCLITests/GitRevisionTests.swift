import Foundation
import Testing
import SluiceCore

/// Lineage: versions and publications record the manifests' git revision.
@Suite struct GitRevisionTests {
    @Test func theRecordedRevisionMatchesGitRevParse() throws {
        let s = try Sandbox()
        try s.commitAll()
        let head = try s.git("rev-parse", "HEAD")
        #expect(try s.run("apply").status == 0)
        let history = try s.history("iris")
        #expect(history["versions"]?.arrayValue?.first?["revision"] == .string(head))
        #expect(history["publications"]?.arrayValue?.first?["revision"] == .string(head))
        let metadata = try JSONParser.parse(try s.bytes("deploy/iris/metadata.json")).value
        #expect(metadata["lineage"]?["revision"] == .string(head))

        // Uncommitted manifest changes are marked.
        try s.edit("manifests/iris.json") { $0.set("spec.algorithm.params.nEstimators", 20) }
        #expect(try s.run("apply").status == 0)
        let versions = try s.history("iris")["versions"]?.arrayValue ?? []
        #expect(versions.count == 2)
        #expect(versions.contains { $0["revision"] == .string(head + "+dirty") })
    }
}
