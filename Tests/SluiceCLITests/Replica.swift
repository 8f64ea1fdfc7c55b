import Foundation
import Testing
import SluiceCore
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// One `sluice run --store postgres://…` replica started by a test: the real binary, its log in
/// the sandbox, its HTTP endpoint on a free loopback port. Short timings, so that takeovers
/// happen within seconds: claims and the leader's lease last 3 s, cycles every second, one model
/// at a time.
final class Replica {
    let name: String
    let process: ControllerProcess
    let base: String

    /// The timings every replica of the tests runs with.
    static let claimLease = 3.0
    static let leaseDuration = 3.0

    init(_ box: Sandbox, store uri: String, name: String, extra: [String] = []) throws {
        self.name = name
        process = try ControllerProcess(box, ["--store", uri, "--interval", "1s", "--listen", "127.0.0.1:0",
                                              "--claim-lease", "\(Int(Self.claimLease))s", "--lease-duration", "\(Int(Self.leaseDuration))s",
                                              "--concurrency", "1", "--backoff", "1s"] + extra, name: name)
        base = "http://127.0.0.1:\(try process.port())"
    }

    var pid: pid_t { process.process.processIdentifier }
    var output: String { process.output }
    var isRunning: Bool { process.process.isRunning }

    /// `/readyz`'s status and body; `nil` when the endpoint does not answer.
    func readiness() -> (status: Int, body: String)? {
        guard let r = try? http("GET", base + "/readyz", timeout: 3) else { return nil }
        return (r.status, r.body)
    }

    var isReady: Bool { readiness()?.status == 200 }

    /// The value of a metric on `/metrics` (the first series whose name and labels start with
    /// `series`, e.g. `sluice_claims_total` or `sluice_claims_finished_total{result="succeeded"}`).
    func metric(_ series: String) -> Double? {
        guard let text = try? http("GET", base + "/metrics", timeout: 3).body else { return nil }
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count >= 2 else { continue }
            let key = String(parts[0])
            let matches = key == series || (key.hasPrefix(series) && (series.contains("{") || key.dropFirst(series.count).hasPrefix("{")))
            if matches, let value = Double(parts[1]) { return value }
        }
        return nil
    }

    /// Whether this replica leads (holds the store's writer lease), by its `/metrics`.
    var leads: Bool { metric("sluice_lease_held") == 1 }

    /// How many log lines contain `text`.
    func count(_ text: String) -> Int { output.components(separatedBy: text).count - 1 }

    /// Stops it with SIGTERM (or SIGKILL if it does not exit within 20 s); its exit status.
    @discardableResult
    func stop() -> Int32? {
        guard isRunning else { return nil }
        if let exit = process.signal(SIGTERM, timeout: 20) { return exit.status }
        _ = process.signal(SIGKILL)
        return nil
    }
}

/// What a test reads from a PostgreSQL store through `psql`, beside the replicas.
struct StoreProbe {
    let server: PostgresServer
    let uri: String

    func query(_ sql: String) throws -> [[String]] { try server.query(uri, sql) }

    /// How many events of `kind` each model has.
    func events(_ kind: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try query("SELECT model, count(*) FROM sluice.events WHERE kind = '\(kind)' GROUP BY model") {
            counts[row[0]] = Int(row[1])
        }
        return counts
    }

    /// How many versions each model has.
    func versions() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try query("SELECT model, count(*) FROM sluice.versions GROUP BY model") { counts[row[0]] = Int(row[1]) }
        return counts
    }

    /// How many publications (open or retired) each model has.
    func publications() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try query("SELECT model, count(*) FROM sluice.publications GROUP BY model") { counts[row[0]] = Int(row[1]) }
        return counts
    }

    /// The models published now.
    func published() throws -> Set<String> {
        Set(try query("SELECT model FROM sluice.publications WHERE retired_at IS NULL").map { $0[0] })
    }

    /// Artifacts whose bytes do not hash to their digest (the digest as recorded, and the bytes' own).
    func corruptArtifacts() throws -> [[String]] {
        try query("SELECT digest, encode(sha256(bytes), 'hex') FROM sluice.artifacts WHERE digest <> encode(sha256(bytes), 'hex')")
    }

    /// The model's entry in the work queue: whether a claim on it has run out (by the server's clock).
    func claimRanOut(_ model: String) throws -> Bool {
        try query("""
            SELECT token IS NOT NULL AND lease_until <= extract(epoch from clock_timestamp()) FROM sluice.work WHERE model = '\(model)'
            """).first?.first == "t"
    }
}

extension Sandbox {
    /// A manifest of a slow model (a random forest of `trees` trees over `data/slow.csv`, which it
    /// writes): training takes seconds in a debug build, so a test can act while it runs.
    func writeSlowModel(_ name: String, trees: Int) throws {
        if !exists("data/slow.csv") { try writeSlowDataset("data/slow.csv") }
        try write("manifests/\(name).json", manifest(name: name, algorithm: "random_forest", params: ["nEstimators": .number(Double(trees))],
                                                     gate: ["accuracy": ["min": 0.1]], source: "data/slow.csv")
            .replacingOccurrences(of: "\"species\"", with: "\"label\""))
    }

    /// The files a deploy directory holds, sorted.
    func files(_ relative: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url(relative).path)) ?? []).sorted()
    }
}
