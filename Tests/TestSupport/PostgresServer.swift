import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL server on 127.0.0.1 for the store tests: `initdb` in a temporary
/// directory (as the `postgres` user when the tests run as root, which PostgreSQL refuses), a free
/// port, trust authentication, `fsync` off; stopped (`pg_ctl stop -m fast`) and removed when the
/// test process exits. One server shared by the test process (``shared``; each test takes a fresh
/// database of it), and private ones for tests that stop and restart theirs (``makePrivate()``).
///
/// Needs PostgreSQL's server binaries (`apt-get install postgresql`), found through
/// `pg_config --bindir` or `/usr/lib/postgresql/*/bin`.
public final class PostgresServer: Sendable {
    /// The server of this test process, started on first use; or why it could not be started.
    public static let shared: Result<PostgresServer, PostgresUnavailable> = {
        do { return .success(try PostgresServer()) } catch let e as PostgresUnavailable { return .failure(e) } catch {
            return .failure(PostgresUnavailable(reason: "\(error)"))
        }
    }()

    /// Set to `1` to leave the PostgreSQL cases out (a machine without PostgreSQL); otherwise a
    /// server that cannot be started fails those cases.
    public static let skipVariable = "SLUICE_SKIP_POSTGRES"
    public static var skipped: Bool { ProcessInfo.processInfo.environment[skipVariable] == "1" }

    public let port: Int
    /// The password of the `postgres` user when the server asks for one (``makePrivate(password:)``);
    /// `nil`: it trusts every login.
    public let password: String?
    let directory: String
    let bin: String
    let asPostgresUser: Bool

    /// A server of the calling test alone (a test that stops and restarts it: ``stop()``,
    /// ``start()``), on a port of its own; stopped and removed by ``remove()``, or when the test
    /// process exits.
    public static func makePrivate() throws -> PostgresServer { try PostgresServer() }

    /// A private server (``makePrivate()``) that asks for a password (`scram-sha-256`): the
    /// `postgres` user's is `password`.
    public static func makePrivate(password: String) throws -> PostgresServer { try PostgresServer(password: password) }

    private init(password: String? = nil) throws {
        self.password = password
        bin = try Self.binDirectory()
        asPostgresUser = geteuid() == 0
        Self.stopAbandoned(bin: bin, asPostgresUser: asPostgresUser)
        var template = Array((FileManager.default.temporaryDirectory.path + "/sluice-pg-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw PostgresUnavailable(reason: "cannot create a temporary directory") }
        directory = String(cString: made)
        if asPostgresUser {
            guard let pw = getpwnam("postgres") else {
                throw PostgresUnavailable(reason: "running as root and there is no `postgres` user to run the server as")
            }
            chown(directory, pw.pointee.pw_uid, pw.pointee.pw_gid)
        }
        let data = directory + "/data"
        try Data("\(getpid())".utf8).write(to: URL(fileURLWithPath: directory + "/owner.pid"))
        var authentication = ["-A", "trust"]
        if let password {
            try Data(password.utf8).write(to: URL(fileURLWithPath: directory + "/password"))
            authentication = ["-A", "scram-sha-256", "--pwfile", directory + "/password"]
        }
        try Self.run(bin + "/initdb", asPostgresUser: asPostgresUser, ["-D", data, "-U", "postgres"] + authentication + ["-E", "UTF8", "--no-locale", "--no-sync"])
        var lastError = ""
        for _ in 0..<5 {
            let candidate = Self.freePort()
            do {
                try Self.start(bin: bin, directory: directory, port: candidate, asPostgresUser: asPostgresUser)
                port = candidate
                Self.stopAtExit(self)
                return
            } catch {
                lastError = "\(error)"
            }
        }
        throw PostgresUnavailable(reason: "pg_ctl start failed on 5 ports: \(lastError)")
    }

    /// Starts the server in `directory` on `port` and waits until it accepts connections.
    private static func start(bin: String, directory: String, port: Int, asPostgresUser: Bool) throws {
        let options = "-k \(directory) -h 127.0.0.1 -p \(port) -c fsync=off -c full_page_writes=off -c max_connections=200"
        try run(bin + "/pg_ctl", asPostgresUser: asPostgresUser, ["start", "-w", "-t", "60", "-D", directory + "/data", "-l", directory + "/server.log", "-o", options])
    }

    /// Stops the server (`pg_ctl stop -m fast`: connections are cut, as when a database goes
    /// away); its data stays, for ``start()``. Never call it on ``shared``: other tests use it.
    public func stop() throws {
        try Self.run(bin + "/pg_ctl", asPostgresUser: asPostgresUser, ["stop", "-m", "fast", "-w", "-D", directory + "/data"])
    }

    /// Starts the server ``stop()`` stopped again, on the same port, with the same data.
    public func start() throws {
        try Self.start(bin: bin, directory: directory, port: port, asPostgresUser: asPostgresUser)
    }

    /// Stops the server (if it runs) and removes its directory.
    public func remove() {
        Self.running.withLock { $0.removeAll { $0 === self } }
        Self.stopAndRemove(self)
    }

    /// The rows `sql` returns on the database at `uri` (through `psql`), each a list of its
    /// columns as text (`NULL` as the empty string).
    public func query(_ uri: String, _ sql: String) throws -> [[String]] {
        let (status, text) = try Self.spawn([bin + "/psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", sql],
                                            password: password)
        guard status == 0 else { throw PostgresUnavailable(reason: "psql -c \(sql) exited with \(status): \(text)") }
        return text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// A new empty database on the server, as a libpq URI.
    /// - Parameter icuLocale: an ICU collation for it (`en-US`), rather than the server's bytewise `C`.
    public func freshDatabase(icuLocale: String? = nil) throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let collation = icuLocale.map { ["--template=template0", "--locale-provider=icu", "--icu-locale=\($0)"] } ?? []
        try Self.run(bin + "/createdb", asPostgresUser: false, ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres"] + collation + [name], password: password)
        return "postgres://postgres@127.0.0.1:\(port)/\(name)"
    }

    /// Runs a PostgreSQL program (as `postgres` when root), failing with its output.
    private static func run(_ program: String, asPostgresUser: Bool, _ arguments: [String], password: String? = nil) throws {
        let command = asPostgresUser ? ["/usr/sbin/runuser", "-u", "postgres", "--", program] : [program]
        let (status, text) = try spawn(command + arguments, password: password)
        guard status == 0 else {
            throw PostgresUnavailable(reason: "\((program as NSString).lastPathComponent) \(arguments.joined(separator: " ")) exited with \(status): \(text)")
        }
    }

    /// Runs `arguments` with `posix_spawn` and `waitpid` (Foundation's `Process.waitUntilExit`
    /// can miss the exit of `pg_ctl start`, whose server lives on), its output in a temporary file.
    /// - Returns: the exit status (or 128 + the signal) and the output.
    /// - Parameter password: given to the program as `PGPASSWORD`.
    static func spawn(_ arguments: [String], password: String? = nil) throws -> (Int32, String) {
        let log = FileManager.default.temporaryDirectory.path + "/sluice-pg-run-\(UUID().uuidString).log"
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        var environment: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment
            .filter { $0.key != "PGPASSWORD" }.map { strdup("\($0.key)=\($0.value)") } + (password.map { [strdup("PGPASSWORD=\($0)")] } ?? []) + [nil]
        defer { for e in environment { free(e) } }
        let rc = posix_spawn(&pid, arguments[0], &actions, nil, &argv, &environment)
        guard rc == 0 else { throw PostgresUnavailable(reason: "cannot run \(arguments[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let signal = status & 0x7f
        return (signal == 0 ? (status >> 8) & 0xff : 128 + signal, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func binDirectory() throws -> String {
        var candidates: [String] = []
        if let (status, out) = try? spawn(["/usr/bin/pg_config", "--bindir"]), status == 0 { candidates.append(out) }
        let root = "/usr/lib/postgresql"
        for version in ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted().reversed() {
            candidates.append("\(root)/\(version)/bin")
        }
        guard let bin = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }) else {
            throw PostgresUnavailable(reason: "no initdb found (pg_config --bindir, \(root)/*/bin); install the PostgreSQL server (apt-get install postgresql)")
        }
        return bin
    }

    /// A TCP port nobody listens on now (the kernel's pick for port 0).
    private static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Stops the servers of test processes that died without stopping theirs (a crash, a kill).
    private static func stopAbandoned(bin: String, asPostgresUser: Bool) {
        let temp = FileManager.default.temporaryDirectory.path
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temp)) ?? [] where name.hasPrefix("sluice-pg-") {
            let directory = temp + "/" + name
            guard let text = try? String(contentsOfFile: directory + "/owner.pid", encoding: .utf8), let pid = Int32(text),
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            if FileManager.default.fileExists(atPath: directory + "/data/postmaster.pid") {
                try? run(bin + "/pg_ctl", asPostgresUser: asPostgresUser, ["stop", "-m", "immediate", "-w", "-D", directory + "/data"])
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// The servers this test process started and has not removed.
    private static let running = Mutex<[PostgresServer]>([])

    /// Stops the server and removes its directory when the test process exits.
    private static func stopAtExit(_ server: PostgresServer) {
        let first = running.withLock { list in
            defer { list.append(server) }
            return list.isEmpty
        }
        guard first else { return }
        atexit {
            for server in PostgresServer.running.withLock({ list in defer { list = [] }; return list }) {
                PostgresServer.stopAndRemove(server)
            }
        }
    }

    private static func stopAndRemove(_ server: PostgresServer) {
        if FileManager.default.fileExists(atPath: server.directory + "/data/postmaster.pid") {
            try? server.stop()
        }
        try? FileManager.default.removeItem(atPath: server.directory)
    }
}

/// Why the tests' PostgreSQL server could not be started.
public struct PostgresUnavailable: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public var description: String {
        "PostgreSQL for the store tests could not be started: \(reason). Install it (apt-get install postgresql libpq-dev) or set \(PostgresServer.skipVariable)=1 to leave the PostgreSQL cases out"
    }
}
