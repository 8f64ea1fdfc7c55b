import Foundation
import Testing
import SluiceController
import SluiceCore
#if canImport(Glibc)
import Glibc
#endif

/// How `sluice run` and `sluice serve` stop: a clean stop (SIGTERM) exits 0 and logs nothing at
/// error level; work that does not stop is given up after `--shutdown-timeout`, or at once on a
/// second SIGTERM, with exit 1.
@Suite struct ShutdownTests {
    /// The levels of a `--log-format json` log, one a line; a line that is not a JSON object
    /// is a failure (the whole log must be machine-readable).
    static func levels(_ log: String) throws -> [(level: String, message: String)] {
        try log.split(separator: "\n").map { line in
            let json = try JSONParser.parse(String(line)).value
            guard let level = json["level"]?.stringValue, let message = json["message"]?.stringValue else {
                throw TestFailure("a log line without a level or a message: \(line)")
            }
            return (level, message)
        }
    }

    /// The port of a process's HTTP endpoint, from the JSON line that announces it.
    static func port(_ process: ControllerProcess) throws -> Int {
        var found: Int?
        waitUntil(timeout: 20) {
            found = process.output.firstMatch(of: #/"address":"[^"]*:([0-9]+)"/#).flatMap { Int($0.1) }
            return found != nil
        }
        guard let found else { throw TestFailure("the process did not start its HTTP endpoint:\n\(process.output)") }
        return found
    }

    /// The lines at level error or critical.
    static func errors(_ log: String) throws -> [String] {
        try levels(log).filter { ["error", "critical"].contains($0.level) }.map(\.message)
    }

    @Test func sigtermStopsTheControllerAndItsEndpointCleanly() throws {
        let s = try Sandbox()
        let c = try ControllerProcess(s, ["--listen", "127.0.0.1:0", "--interval", "30", "--log-format", "json"])
        let port = try Self.port(c)
        let base = "http://127.0.0.1:\(port)"
        #expect(waitUntil(timeout: 60) { (try? http("GET", base + "/readyz"))?.status == 200 }, "\(c.output)")
        // Connections the endpoint still holds open (URLSession keeps them alive) are closed too.
        #expect(try http("GET", base + "/metrics").status == 200)
        let exit = try #require(c.signal(SIGTERM), "did not exit: \(c.output)")
        #expect(exit.status == 0, "\(c.output)")
        #expect(try Self.errors(c.output).isEmpty, "\(c.output)")
        let messages = try Self.levels(c.output).map(\.message)
        #expect(messages.contains("SIGTERM: stopping; a publish under way finishes, training is abandoned"), "\(c.output)")
        #expect(messages.contains("controller stopped; lease released"), "\(c.output)")
        #expect(try SQLiteStore.leaseHolder(s) == nil)
    }

    @Test func sigtermStopsTheServerCleanly() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let server = try ControllerProcess(s, ["--repository", "deploy", "--port", "0", "--log-format", "json"], name: "serve", command: "serve")
        let port = try Self.port(server)
        #expect(try http("POST", "http://127.0.0.1:\(port)/v2/models/iris/infer", body: ServeTests.infer).status == 200)
        let exit = try #require(server.signal(SIGTERM), "did not exit: \(server.output)")
        #expect(exit.status == 0, "\(server.output)")
        #expect(try Self.errors(server.output).isEmpty, "\(server.output)")
        #expect(try Self.levels(server.output).contains { $0.message == "stopped" }, "\(server.output)")
    }

    /// A controller whose cycle cannot finish: its http target accepts connections and never answers.
    static func stuckController(_ arguments: [String]) throws -> (Sandbox, ControllerProcess, SilentServer) {
        let silent = try SilentServer()
        let s = try Sandbox()
        try s.edit("manifests/iris.json") { m in
            m.set("spec.deploy", ["target": "http", "url": .string("http://127.0.0.1:\(silent.port)/v2/repository/models/iris"), "tokenEnv": "IRIS_TOKEN"])
        }
        let c = try ControllerProcess(s, ["--listen", "off", "--interval", "30", "--log-format", "json"] + arguments,
                                      environment: ["IRIS_TOKEN": "t0ken"])
        #expect(waitUntil(timeout: 30) { c.output.contains("holding the store's writer lease") }, "\(c.output)")
        // The cycle starts right after; give it the time to reach the silent server.
        usleep(500_000)
        return (s, c, silent)
    }

    @Test func workThatDoesNotStopWithinTheShutdownTimeoutExitsOne() throws {
        let (s, c, silent) = try Self.stuckController(["--shutdown-timeout", "1"])
        defer { withExtendedLifetime((s, silent)) {} }
        let exit = try #require(c.signal(SIGTERM, timeout: 15), "did not exit: \(c.output)")
        #expect(exit.status == 1, "\(c.output)")
        #expect(exit.seconds >= 0.9, "it waits for the shutdown timeout first: \(exit.seconds) s")
        #expect(try Self.errors(c.output) == ["work under way did not stop within 1.0 s; exiting without it"], "\(c.output)")
    }

    @Test func aSecondSigtermExitsAtOnce() throws {
        let (s, c, silent) = try Self.stuckController([])
        defer { withExtendedLifetime((s, silent)) {} }
        kill(c.process.processIdentifier, SIGTERM)
        #expect(waitUntil(timeout: 10) { c.output.contains("SIGTERM: stopping") }, "\(c.output)")
        usleep(300_000)
        #expect(c.process.isRunning, "the first SIGTERM waits for the cycle under way: \(c.output)")
        let exit = try #require(c.signal(SIGTERM, timeout: 10), "did not exit: \(c.output)")
        #expect(exit.status == 1, "\(c.output)")
        #expect(exit.seconds < 5, "took \(exit.seconds) s")
        #expect(try Self.levels(c.output).contains { $0.level == "warning" && $0.message == "SIGTERM again: exiting now" }, "\(c.output)")
    }
}

/// A TCP listener on 127.0.0.1 that never accepts: connections complete in the kernel's backlog,
/// and a request sent on one is never answered (until the client's own timeout).
final class SilentServer {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw TestFailure("bind or listen on 127.0.0.1: errno \(errno)")
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}

extension SQLiteStore {
    /// The holder of the writer lease of a sandbox's store.
    static func leaseHolder(_ sandbox: Sandbox) throws -> LeaseHolder? {
        try SQLiteStore(path: sandbox.url(".sluice/state.db").path).leaseHolder()
    }
}
