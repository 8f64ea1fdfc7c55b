import Foundation
import Testing
import SluiceCore

/// D18: temporary files a killed process left (in deploy directories, the store's artifacts and
/// the download cache) are removed when `apply` or `run` starts, and only orphans: a file whose
/// writer may still be at work stays.
@Suite struct StoreHygieneTests {
    /// The PID of a process that has exited.
    static func deadPID() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    func orphan(_ s: Sandbox, _ relative: String, age: Double) throws {
        try s.write(relative, "partial")
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: s.url(relative).path)
    }

    @Test(arguments: ["apply", "run"])
    func orphanedTemporaryFilesAreRemovedOnStart(_ command: String) throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let dead = try Self.deadPID()
        let digest = SHA256.hex(of: try s.bytes("deploy/iris/model.json"))
        let orphans = [
            "deploy/iris/.model.json.tmp-\(dead)-12345",
            "deploy/iris/.metadata.json.tmp-\(dead)-7",
            "deploy/iris/.sluice-probe-\(dead)-99",
            ".sluice/artifacts/sha256/\(digest.prefix(2))/.\(digest).json.tmp-\(dead)-42",
            ".sluice/downloads/.download.tmp-\(dead)-3",
            "deploy/iris/.model.json.tmp-\(getpid())-5",  // a live PID, but two days old
        ]
        for path in orphans { try orphan(s, path, age: path.contains("-\(getpid())-") ? 2 * 86400 : 600) }
        let kept = [
            "deploy/iris/.model.json.tmp-\(dead)-1",  // just written: within the grace period
            "deploy/iris/.model.json.tmp-\(getpid())-2",  // its writer is alive
            "deploy/iris/notes.tmp-\(dead)-3",  // not a name Sluice uses
        ]
        for path in kept { try orphan(s, path, age: path.hasSuffix("-1") ? 0 : 600) }

        if command == "apply" {
            #expect(try s.run("apply").status == 0)
        } else {
            let c = try ControllerProcess(s, ["--interval", "30", "--listen", "off"])
            #expect(waitUntil(timeout: 30) { c.output.contains("cycle complete") || !s.exists(orphans[0]) }, "\(c.output)")
            #expect(c.signal(SIGTERM)?.status == 0)
        }
        for path in orphans { #expect(!s.exists(path), "\(command) removes \(path)") }
        for path in kept { #expect(s.exists(path), "\(command) keeps \(path)") }
        #expect(s.exists("deploy/iris/model.json") && s.exists("deploy/iris/metadata.json"))
    }

    /// `sluice serve` sweeps its repository the same way when it starts.
    @Test func serveRemovesOrphansInItsRepositoryOnStart() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let dead = try Self.deadPID()
        let orphan = "deploy/iris/.model.json.tmp-\(dead)-8"
        let young = "deploy/iris/.metadata.json.tmp-\(dead)-9"
        try self.orphan(s, orphan, age: 600)
        try self.orphan(s, young, age: 0)
        let server = try ControllerProcess(s, ["--repository", "deploy", "--port", "0"], name: "serve", command: "serve")
        _ = try server.port()
        #expect(!s.exists(orphan), "\(server.output)")
        #expect(s.exists(young))
        #expect(server.output.contains("removed a temporary file left by a killed process"), "\(server.output)")
        #expect(server.signal(SIGTERM)?.status == 0)
    }

    /// Issue 11: a git source whose first clone fails is retried with the controller's backoff,
    /// not on every interval.
    @Test func aFailedFirstCloneBacksOff() throws {
        let s = try Sandbox()
        let c = try ControllerProcess(s, ["--git", s.url("no-such-repository").path, "--interval", "0.1", "--backoff", "30",
                                          "--listen", "off", "--log-level", "debug"])
        #expect(waitUntil(timeout: 30) { c.output.contains("retrying in") }, "\(c.output)")
        // Three seconds of 0.1 s intervals: one attempt, then waiting (30 s before the next).
        Thread.sleep(forTimeInterval: 3)
        let attempts = c.output.components(separatedBy: "git clone").count - 1
        #expect(attempts == 1, "one clone attempt, then backoff: \(c.output)")
        #expect(c.output.contains("cycle skipped"), "\(c.output)")
        #expect(c.signal(SIGTERM)?.status == 0)
    }
}
