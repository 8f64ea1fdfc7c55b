import Foundation
import Testing
import SluiceCore
#if canImport(Glibc)
import Glibc
#endif

/// How the manifests directory is read: an empty or missing one is an error, an entry that cannot
/// be read withholds every retirement, and deploy paths outside the root need `--deploy-root`.
@Suite struct ManifestLoadingTests {
    @Test func anEmptyManifestsDirectoryIsAnErrorUnlessAllowEmpty() throws {
        let s = try Sandbox(shipped: false)
        for command in ["validate", "plan", "apply"] {
            let r = try s.run(command)
            #expect(r.status == 1, "\(command): \(r.output)")
            #expect(r.output.contains("manifests: holds no manifest (*.json) file"), "\(command): \(r.output)")
            #expect(!r.output.contains("No changes. The models match"), "\(command): \(r.output)")
            #expect(!r.output.contains("0 manifest(s) valid"), "\(command): \(r.output)")
        }
        let allowed = try s.run("plan", "--allow-empty")
        #expect(allowed.status == 0, "\(allowed.output)")

        let missing = try s.run("validate", "--manifests", "nope")
        #expect(missing.status == 1)
        #expect(missing.output.contains("nope: the manifests directory does not exist"), "\(missing.output)")
    }

    @Test func onlyYAMLManifestsIsAnErrorThatSaysWhy() throws {
        let s = try Sandbox(shipped: false)
        try s.write("manifests/iris.yaml", "apiVersion: sluice.dev/v1\nkind: Model\n")
        let r = try s.run("validate")
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("manifests/iris.yaml: is not read: manifests are JSON files (*.json) only"), "\(r.output)")
    }

    @Test func aDanglingManifestLinkRetiresNothing() throws {
        let s = try Sandbox()
        try s.write("shared/linked.json", s.manifest(name: "linked"))
        try FileManager.default.createSymbolicLink(atPath: s.url("manifests/linked.json").path, withDestinationPath: "../shared/linked.json")
        #expect(try s.run("apply").status == 0)
        #expect(s.exists("deploy/linked/model.json"))
        try FileManager.default.moveItem(at: s.url("shared"), to: s.url("shared.unmounted"))

        let apply = try s.run("apply")
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.output.contains("manifests/linked.json: is a symbolic link to ../shared/linked.json that cannot be followed: No such file or directory"), "\(apply.output)")
        #expect(apply.output.contains("not retiring linked"), "\(apply.output)")
        #expect(s.exists("deploy/linked/model.json"), "a model whose manifest cannot be read is never retired")
        let validate = try s.run("validate")
        #expect(validate.status == 1, "\(validate.output)")
    }

    /// The directory is made unreadable for the user running `sluice`. Root reads everything, so
    /// as root the sandbox is handed to `nobody` and `sluice` runs as `nobody` through `setpriv`.
    @Test func anUnreadableSubdirectoryRetiresNothing() throws {
        let s = try Sandbox()
        try s.write("manifests/team/team.json", s.manifest(name: "team"))
        let asRoot = geteuid() == 0
        if asRoot { try Self.chown(s.root.path) }
        #expect(try Self.run(s, ["apply"], asNobody: asRoot).status == 0)
        #expect(s.exists("deploy/team/model.json"))
        #expect(chmod(s.url("manifests/team").path, 0) == 0)
        defer { chmod(s.url("manifests/team").path, 0o755) }

        let apply = try Self.run(s, ["apply"], asNobody: asRoot)
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.output.contains("manifests/team: cannot read the directory: Permission denied"), "\(apply.output)")
        #expect(apply.output.contains("not retiring team"), "\(apply.output)")
        #expect(s.exists("deploy/team/model.json"), "a model whose manifest cannot be read is never retired")
    }

    @Test func absoluteDeployPathsNeedADeployRoot() throws {
        let s = try Sandbox()
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-deploy-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        try s.write("manifests/far.json", s.manifest(name: "far", deploy: outside.path + "/models/far"))

        let refused = try s.run("validate")
        #expect(refused.status == 1)
        #expect(refused.output.contains("manifests/far.json"), "\(refused.output)")
        #expect(refused.output.contains("spec.deploy.path: \"\(outside.path)/models/far\" is an absolute path"), "\(refused.output)")

        let elsewhere = try s.run("validate", "--deploy-root", outside.path + "/other")
        #expect(elsewhere.status == 1)
        #expect(elsewhere.output.contains("is not below any --deploy-root (\(outside.path)/other)"), "\(elsewhere.output)")

        // Allowed, but not writable: the target's own check still speaks.
        try s.write("manifests/far.json", s.manifest(name: "far", deploy: "/proc/sluice-cannot-write"))
        let unwritable = try s.run("validate", "--deploy-root", "/proc")
        #expect(unwritable.status == 1)
        #expect(unwritable.output.contains("/proc/sluice-cannot-write") && !unwritable.output.contains("spec.deploy.path"), "\(unwritable.output)")

        try s.write("manifests/far.json", s.manifest(name: "far", deploy: outside.path + "/models/far"))
        let apply = try s.run("apply", "--deploy-root", outside.path)
        #expect(apply.status == 0, "\(apply.output)")
        #expect(FileManager.default.fileExists(atPath: outside.path + "/models/far/model.json"))
        #expect(s.exists("deploy/iris/model.json"))
    }

    @Test func runTakesDeployRootsFromItsConfigFile() throws {
        let s = try Sandbox()
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-deploy-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        try s.write("manifests/far.json", s.manifest(name: "far", deploy: outside.path + "/far"))
        try s.write("sluice.json", JSON.object(["deploy-root": .array([.string("/nonexistent/other"), .string(outside.path)])]).canonical())
        let c = try ControllerProcess(s, ["--config", "sluice.json", "--listen", "off", "--interval", "0.3"])
        #expect(waitUntil(timeout: 60) { FileManager.default.fileExists(atPath: outside.path + "/far/metadata.json") }, "\(c.output)")
        #expect(c.signal(SIGTERM)?.status == 0)
    }

    /// Renaming a model keeps its deploy path: the old name is retired, but the directory now
    /// belongs to the new name, and retiring must not delete the files just published there.
    @Test func retiringARenamedModelLeavesTheNewOnesFiles() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        try s.write("manifests/renamed.json", try s.read("manifests/iris.json").replacingOccurrences(of: "\"name\": \"iris\"", with: "\"name\": \"renamed\""))
        try s.remove("manifests/iris.json")
        let apply = try s.run("apply")
        #expect(apply.status == 0, "\(apply.output)")
        #expect(apply.stdout.contains("iris: retired"), "\(apply.output)")
        #expect(apply.stdout.contains("leaving the files to renamed, which deploys there now"), "\(apply.output)")
        #expect(s.exists("deploy/iris/model.json"), "\(apply.output)")
        #expect(s.publishedVersion("deploy/iris") != nil)
        #expect(try JSONParser.parse(s.bytes("deploy/iris/metadata.json")).value["model"]?.stringValue == "renamed")
        let again = try s.run("plan", "--detailed-exitcode")
        #expect(again.status == 0, "converged: \(again.output)")
    }

    /// Runs `sluice` in the sandbox, as `nobody` when asked.
    static func run(_ s: Sandbox, _ arguments: [String], asNobody: Bool) throws -> Sandbox.Result {
        guard asNobody else { return try s.run(arguments) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", Sandbox.binary.path] + arguments
        process.currentDirectoryURL = s.root
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["HOME"] = s.root.path
        process.environment = env
        let out = s.url("nobody.out"), err = s.url("nobody.err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Sandbox.Result(status: process.terminationStatus, stdout: try s.read("nobody.out"), stderr: try s.read("nobody.err"))
    }

    /// Hands a directory tree to `nobody`.
    static func chown(_ path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/chown")
        process.arguments = ["-R", "65534:65534", path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
