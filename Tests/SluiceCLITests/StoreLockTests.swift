import Foundation
import Testing
import SluiceController

@Suite struct StoreLockTests {
    @Test func aSecondApplyWaitsABoundedTimeThenNamesTheHolder() throws {
        let s = try Sandbox()
        try FileManager.default.createDirectory(at: s.url(".sluice"), withIntermediateDirectories: true)
        let lock = try StoreLock.acquire(path: s.url(".sluice/state.db.lock").path, timeout: .seconds(1), command: "sluice apply (test holder)")
        let start = Date()
        let r = try s.run("apply", "--lock-timeout", "0.5")
        let waited = Date().timeIntervalSince(start)
        #expect(r.status == 1, "\(r.output)")
        #expect(r.stderr.contains("locked by another process"))
        #expect(r.stderr.contains("pid \(getpid())"))
        #expect(r.stderr.contains("sluice apply (test holder)"))
        #expect(waited >= 0.5)
        #expect(!s.exists("deploy/iris/model.json"))
        lock.release()
        #expect(try s.run("apply").status == 0)
    }

    @Test func statusReadsWhileAnotherProcessHoldsTheLock() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let lock = try StoreLock.acquire(path: s.url(".sluice/state.db.lock").path, timeout: .seconds(1), command: "holder")
        defer { lock.release() }
        let status = try s.run("status")
        #expect(status.status == 0, "\(status.output)")
        #expect(status.stdout.contains("iris  ready"))
    }
}
