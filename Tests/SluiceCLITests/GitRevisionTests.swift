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

    /// A version trained from data that the revision does not hold is not recorded as clean.
    @Test func uncommittedDataMarksTheRevisionDirty() throws {
        let s = try Sandbox()
        try s.edit("manifests/iris.json") { $0.set("spec.gate", ["accuracy": ["min": 0.5]]) }  // any data change passes
        try s.commitAll()
        let head = try s.git("rev-parse", "HEAD")
        try s.write("examples/data/iris.csv", try s.read("examples/data/iris.csv") + "5.0,3.4,1.5,0.2,setosa\n")
        #expect(try s.git("status", "--porcelain", "--", "manifests").isEmpty, "the manifests themselves are clean")
        #expect(try s.run("apply").status == 0)
        #expect(try s.history("iris")["versions"]?.arrayValue?.first?["revision"] == .string(head + "+dirty"))
        let metadata = try JSONParser.parse(try s.bytes("deploy/iris/metadata.json")).value
        #expect(metadata["lineage"]?["revision"] == .string(head + "+dirty"))
    }

    @Test func dataThatGitIgnoresMarksTheRevisionDirty() throws {
        let s = try Sandbox()
        try s.commitAll()
        try s.git("rm", "-r", "-q", "--cached", "examples/data")
        try s.write(".gitignore", try s.read(".gitignore") + "examples/data/\n")
        try s.commitAll("data out of git")
        let head = try s.git("rev-parse", "HEAD")
        #expect(try s.run("apply").status == 0)
        #expect(try s.history("iris")["versions"]?.arrayValue?.first?["revision"] == .string(head + "+dirty"))
    }
}
