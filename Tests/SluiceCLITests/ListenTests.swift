import Foundation
import Testing
import SluiceCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `sluice run --listen`: the controller starts only with its endpoint listening.
@Suite struct ListenTests {
    @Test func aPortInUseExitsOneWithTheBindError() throws {
        let first = try Sandbox()
        let holder = try ControllerProcess(first, ["--listen", "127.0.0.1:0", "--interval", "3600"])
        let port = try holder.port()

        let second = try Sandbox()
        let c = try ControllerProcess(second, ["--listen", "127.0.0.1:\(port)", "--interval", "3600"])
        #expect(waitUntil(timeout: 30) { !c.process.isRunning }, "it must not keep running without its endpoint:\n\(c.output)")
        if c.process.isRunning { _ = c.signal(SIGKILL) }
        #expect(c.process.terminationStatus == 1, "\(c.output)")
        #expect(c.output.contains("cannot listen on --listen 127.0.0.1:\(port)"), "\(c.output)")
        #expect(c.output.lowercased().contains("address already in use"), "\(c.output)")
        #expect(!second.exists("deploy/iris"), "no cycle ran")
        #expect(holder.signal(SIGTERM)?.status == 0)
    }

    @Test func colonPortListensOnLoopback() throws {
        let s = try Sandbox()
        let c = try ControllerProcess(s, ["--listen", ":0", "--interval", "3600"])
        let port = try c.port()
        #expect(c.output.contains("address=127.0.0.1:\(port)"), "\(c.output)")
        #expect(try http("GET", "http://127.0.0.1:\(port)/healthz").status == 200)
        #expect(c.signal(SIGTERM)?.status == 0)
    }
}
