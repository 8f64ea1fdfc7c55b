import Foundation
import Testing
import SluiceCore

/// Lineage: versions and publications record the manifests' git revision.
@Suite struct GitRevisionTests {
    func git(_ s: Sandbox, _ args: String...) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", s.root.path, "-c", "user.email=test@sluice.invalid", "-c", "user.name=Sluice Test"] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "git \(args)")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theRecordedRevisionMatchesGitRevParse() throws {
        let s = try Sandbox()
        try s.write(".gitignore", ".sluice/\ndeploy/\n")
        _ = try git(s, "init", "-q", "-b", "main")
        _ = try git(s, "add", "-A")
        _ = try git(s, "commit", "-q", "-m", "iris")
        let head = try git(s, "rev-parse", "HEAD")
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
