import Foundation
import Testing
import SluiceCore
import SluiceController

/// `sluice run` against real git repositories in temporary directories: the real binary,
/// real signals, a real SQLite store, real HTTP over loopback.
@Suite struct ControllerTests {
    /// An upstream repository with the shipped iris model and a decision tree, committed on main.
    func upstream() throws -> Sandbox {
        let up = try Sandbox()
        try up.write("manifests/tree.json", up.manifest(name: "tree"))
        try up.commitAll()
        return up
    }

    func gitArguments(_ up: Sandbox, interval: String = "0.3") -> [String] {
        ["--git", up.root.path, "--branch", "main", "--path", "manifests", "--interval", interval, "--listen", "off", "--log-level", "debug"]
    }

    @Test func commitsArePublishedChangedRevertedAndRetired() throws {
        let up = try upstream()
        let ctl = try Sandbox(shipped: false)
        let c = try ControllerProcess(ctl, gitArguments(up))

        // Commit → published, lineage naming the commit.
        #expect(waitUntil(timeout: 60) { ctl.publishedVersion("deploy/iris") != nil && ctl.publishedVersion("deploy/tree") != nil }, "\(c.output)")
        let first = try #require(ctl.publishedVersion("deploy/iris"))
        let head1 = try up.git("rev-parse", "HEAD")
        #expect(ctl.metadata("deploy/iris")?["lineage"]?["revision"]?.stringValue == head1)

        // A change → retrained from the new commit.
        try up.edit("manifests/iris.json") { $0.set("spec.algorithm.params.nEstimators", 40) }
        try up.commitAll("fewer trees")
        let head2 = try up.git("rev-parse", "HEAD")
        #expect(waitUntil(timeout: 60) { (ctl.publishedVersion("deploy/iris") ?? first) != first }, "\(c.output)")
        #expect(try ctl.trainings("iris") == 2)
        #expect(ctl.metadata("deploy/iris")?["lineage"]?["revision"]?.stringValue == head2)

        // `git revert` → the first version again, without training.
        try up.git("revert", "--no-edit", "HEAD")
        let head3 = try up.git("rev-parse", "HEAD")
        #expect(waitUntil(timeout: 60) { ctl.publishedVersion("deploy/iris") == first }, "\(c.output)")
        #expect(try ctl.trainings("iris") == 2)
        #expect(ctl.metadata("deploy/iris")?["lineage"]?["publishedRevision"]?.stringValue == head3)
        #expect(ctl.metadata("deploy/iris")?["lineage"]?["revision"]?.stringValue == head1)

        // The file deleted in a commit → retired; its history kept.
        try up.git("rm", "-q", "manifests/tree.json")
        try up.commitAll("retire the tree")
        #expect(waitUntil(timeout: 60) { !ctl.exists("deploy/tree/model.json") }, "\(c.output)")
        let publications = try ctl.history("tree")["publications"]?.arrayValue ?? []
        #expect(publications.count == 1 && publications[0]["retiredAt"] != .null)
        #expect(ctl.exists("deploy/iris/model.json"))

        let exit = c.signal(SIGTERM)
        #expect(exit?.status == 0, "\(c.output)")
    }

    @Test func aDeletedOrOverwrittenModelIsRestoredWithAnEvent() throws {
        let s = try Sandbox()
        let c = try ControllerProcess(s, ["--interval", "0.3", "--listen", "off"])
        #expect(waitUntil(timeout: 60) { s.publishedVersion("deploy/iris") != nil }, "\(c.output)")
        let original = try s.bytes("deploy/iris/model.json")

        try s.remove("deploy/iris/model.json")
        #expect(waitUntil(timeout: 20) { (try? s.bytes("deploy/iris/model.json")) == original }, "\(c.output)")
        try s.write("deploy/iris/model.json", "{\"tampered\": true}")
        #expect(waitUntil(timeout: 20) { (try? s.bytes("deploy/iris/model.json")) == original }, "\(c.output)")

        let events = try s.history("iris")["events"]?.arrayValue ?? []
        let repairs = events.filter { $0["kind"]?.stringValue == "repaired" }.compactMap { $0["message"]?.stringValue }
        #expect(repairs.count == 2, "\(events)")
        #expect(repairs.first?.contains("model.json is missing") == true)
        #expect(repairs.last?.contains("was changed") == true)
        #expect(try s.trainings("iris") == 1)
        #expect(c.signal(SIGTERM)?.status == 0)
    }

    @Test func aFailingModelBacksOffWhileOthersStayReadyAndAFixIsReconciledAtOnce() throws {
        let up = try upstream()
        // A dataset with a header and no rows: found and digested, but nothing can be trained.
        try up.write("examples/data/broken.csv", "sepal_length,sepal_width,petal_length,petal_width,species\n")
        try up.write("manifests/broken.json", up.manifest(name: "broken", source: "examples/data/broken.csv"))
        try up.commitAll("a broken model")
        let ctl = try Sandbox(shipped: false)
        let c = try ControllerProcess(ctl, gitArguments(up, interval: "0.2") + ["--backoff", "2", "--max-backoff", "60"])

        func failures() -> Int {
            ((try? ctl.history("broken"))?["events"]?.arrayValue ?? []).filter { $0["kind"]?.stringValue == "failed" }.count
        }
        // Failures at about 0, 2 and 6 s: three attempts in ~30 cycles.
        #expect(waitUntil(timeout: 60) { failures() >= 3 }, "\(c.output)")
        let cycles = c.output.components(separatedBy: "cycle complete").count - 1
        #expect(failures() == 3, "attempts should back off: \(cycles) cycles")
        #expect(cycles >= 10, "\(c.output)")
        #expect(ctl.publishedVersion("deploy/iris") != nil && ctl.publishedVersion("deploy/tree") != nil)
        #expect(c.output.contains("retrying in"))

        // The next retry is ~8 s away; a fixing commit is reconciled at once.
        let fixed = Date()
        try FileManager.default.removeItem(at: up.url("examples/data/broken.csv"))
        try FileManager.default.copyItem(at: up.url("examples/data/iris.csv"), to: up.url("examples/data/broken.csv"))
        try up.commitAll("fix the data")
        #expect(waitUntil(timeout: 30) { ctl.publishedVersion("deploy/broken") != nil }, "\(c.output)")
        #expect(Date().timeIntervalSince(fixed) < 6, "a fix must not wait for the backoff")
        #expect(c.signal(SIGTERM)?.status == 0)
    }

    @Test func sigtermDuringTrainingExitsPromptlyAndLeavesNoLease() throws {
        let s = try Sandbox(shipped: false)
        try s.writeSlowDataset("data/slow.csv")
        try s.write("manifests/slow.json", s.manifest(name: "slow", algorithm: "random_forest", params: ["nEstimators": 400],
                                                       gate: ["accuracy": ["min": 0.1]], source: "data/slow.csv")
            .replacingOccurrences(of: "\"species\"", with: "\"label\""))
        let c = try ControllerProcess(s, ["--interval", "0.3", "--listen", "off", "--log-level", "debug"])
        #expect(waitUntil(timeout: 30) { c.output.contains("plan.action=train") }, "\(c.output)")
        usleep(500_000)
        let exit = try #require(c.signal(SIGTERM, timeout: 10), "did not exit: \(c.output)")
        #expect(exit.status == 0, "\(c.output)")
        #expect(exit.seconds < 5, "took \(exit.seconds) s")
        #expect(c.output.contains("training abandoned"))
        let store = try SQLiteStore(path: s.url(".sluice/state.db").path)
        #expect(try store.leaseHolder() == nil)
        #expect(try store.versions(model: "slow").isEmpty)
        #expect(!s.exists("deploy/slow/model.json"))
    }

    @Test func killedControllersConvergeAndASecondOneTakesTheLeaseOver() throws {
        let s = try Sandbox()
        try s.writeSlowDataset("data/slow.csv")
        try s.write("manifests/slow.json", s.manifest(name: "slow", algorithm: "random_forest", params: ["nEstimators": 300],
                                                       gate: ["accuracy": ["min": 0.1]], source: "data/slow.csv")
            .replacingOccurrences(of: "\"species\"", with: "\"label\""))
        let artifacts = s.url(".sluice/artifacts/sha256").path
        let deploy = s.url("deploy").path
        // Whenever a model.json is visible, it is a whole artifact the store knows.
        let watching = Watcher()
        let checker = Thread {
            while !watching.done {
                for model in ["iris", "slow"] {
                    guard let data = FileManager.default.contents(atPath: "\(deploy)/\(model)/model.json") else { continue }
                    let bytes = [UInt8](data)
                    let digest = SHA256.hex(of: bytes)
                    if !FileManager.default.fileExists(atPath: "\(artifacts)/\(digest.prefix(2))/\(digest).json") {
                        watching.fail("deploy/\(model)/model.json (\(bytes.count) bytes) is not a stored artifact")
                    }
                }
                usleep(2_000)
            }
        }
        checker.start()
        defer { watching.done = true }

        // Killed during training.
        let first = try ControllerProcess(s, ["--interval", "0.3", "--listen", "off", "--log-level", "debug", "--concurrency", "1"], name: "first")
        // (Models go in name order with --concurrency 1: slow's first action line is its training.)
        #expect(waitUntil(timeout: 30) { first.output.contains("model.name=slow model.version") }, "\(first.output)")
        // A second controller meanwhile waits for the lease.
        let second = try ControllerProcess(s, ["--interval", "0.3", "--listen", "off", "--lease-duration", "2"], name: "second")
        #expect(waitUntil(timeout: 20) { second.output.contains("waiting for the store's writer lease") }, "\(second.output)")
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()
        #expect(try SQLiteStore(path: s.url(".sluice/state.db").path).versions(model: "slow").isEmpty)

        // The second takes over and converges.
        #expect(waitUntil(timeout: 90) { s.publishedVersion("deploy/slow") != nil && s.publishedVersion("deploy/iris") != nil }, "\(second.output)")
        #expect(second.output.contains("holding the store's writer lease"))

        // Killed as it publishes: a changed model, killed when its publish starts.
        #expect(second.signal(SIGTERM)?.status == 0)
        try s.edit("manifests/iris.json") { $0.set("spec.algorithm.params.nEstimators", 30) }
        let third = try ControllerProcess(s, ["--interval", "0.3", "--listen", "off", "--log-level", "debug"], name: "third")
        #expect(waitUntil(timeout: 30) { third.output.contains("plan.action=publish") }, "\(third.output)")
        kill(third.process.processIdentifier, SIGKILL)
        third.process.waitUntilExit()
        let fourth = try ControllerProcess(s, ["--interval", "0.3", "--listen", "off"], name: "fourth")
        // Its signal handlers are in place once it logs its start: when the third was killed just
        // after its rename, the plan is converged at once, and a SIGTERM before that line killed
        // the process by the default action (status 15).
        #expect(waitUntil(timeout: 30) { fourth.output.contains("controller starting") }, "\(fourth.output)")
        #expect(waitUntil(timeout: 30) { (try? s.run("plan", "--detailed-exitcode").status) == 0 }, "\(fourth.output)")
        #expect(fourth.signal(SIGTERM)?.status == 0)
        watching.done = true
        #expect(watching.failures.isEmpty, "\(watching.failures)")
        #expect(try s.run("apply").stdout.contains("No changes"))
    }

    @Test func metricsParseAsPrometheusTextAndTheirCountersMove() throws {
        let s = try Sandbox()
        try s.commitAll()
        let c = try ControllerProcess(s, ["--interval", "30", "--listen", "127.0.0.1:0"])
        let port = try c.port()
        let base = "http://127.0.0.1:\(port)"
        #expect(waitUntil(timeout: 30) { (try? http("GET", base + "/readyz"))?.status == 200 }, "\(c.output)")
        #expect(try http("GET", base + "/healthz").status == 200)

        let before = try Prometheus.parse(try http("GET", base + "/metrics").body)
        #expect(before["sluice_cycles_total"] == 1)
        #expect(before["sluice_actions_total{kind=\"train\",outcome=\"succeeded\"}"] == 1)
        #expect(before["sluice_actions_total{kind=\"publish\",outcome=\"succeeded\"}"] == 1)
        #expect(before["sluice_gate_verdicts_total{verdict=\"passed\"}"] == 1)
        #expect(before["sluice_models{condition=\"ready\"}"] == 1)
        #expect(before["sluice_lease_held"] == 1)
        #expect(before["sluice_last_applied_revision_info{revision=\"\(try s.git("rev-parse", "HEAD"))\"}"] == 1)
        #expect(before["sluice_cycle_duration_seconds_count"] == 1)

        // POST /reconcile starts a cycle at once (the interval is 30 s).
        #expect(try http("POST", base + "/reconcile").status == 202)
        #expect(try waitUntil(timeout: 10) { try Prometheus.parse(try http("GET", base + "/metrics").body)["sluice_cycles_total"] == 2 })
        // So does SIGHUP.
        kill(c.process.processIdentifier, SIGHUP)
        #expect(try waitUntil(timeout: 10) { try Prometheus.parse(try http("GET", base + "/metrics").body)["sluice_cycles_total"] == 3 })
        #expect(try http("GET", base + "/nowhere").status == 404)
        #expect(c.signal(SIGTERM)?.status == 0)
    }
}

extension ControllerTests {
    @Test func theShippedConfigFileIsReadAndTheCommandLineWins() throws {
        let up = try upstream()
        let ctl = try Sandbox(shipped: false)
        let config = Sandbox.repository.appendingPathComponent("controller/sluice.json").path
        // The shipped file names a remote repository and /var/lib paths; the command line
        // overrides those and keeps the rest (json logs among them).
        let c = try ControllerProcess(ctl, ["--config", config, "--git", up.root.path, "--root", ctl.root.path,
                                            "--store", "sqlite:.sluice/state.db", "--listen", "off", "--interval", "0.3"])
        #expect(waitUntil(timeout: 60) { ctl.publishedVersion("deploy/iris") != nil }, "\(c.output)")
        let first = try #require(c.output.split(separator: "\n").first)
        let line = try JSONParser.parse(String(first)).value
        #expect(line["message"]?.stringValue == "controller starting")
        #expect(line["source"]?.stringValue == "git \(up.root.path) branch main")
        #expect(c.signal(SIGTERM)?.status == 0)

        let bad = try ctl.run("run", "--config", config, "--intervall", "3")
        #expect(bad.status != 0)
        try ctl.write("bad.json", "{\"intervall\": 3}")
        let typo = try ctl.run("run", "--config", "bad.json")
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("bad.json: unknown key \"intervall\" (did you mean \"interval\"?)"))
    }
}

/// Shared between a test and its checker thread.
final class Watcher: @unchecked Sendable {
    private let lock = NSLock()
    private var _done = false
    private var _failures: [String] = []
    var done: Bool {
        get { lock.withLock { _done } }
        set { lock.withLock { _done = newValue } }
    }
    var failures: [String] { lock.withLock { _failures } }
    func fail(_ message: String) { lock.withLock { _failures.append(message) } }
}

/// A strict reader of the Prometheus text exposition format (version 0.0.4).
enum Prometheus {
    /// Series (name with its labels, as written) → value.
    /// - Throws: on any line that is not a comment, a blank, or `name{labels} value`.
    static func parse(_ text: String) throws -> [String: Double] {
        var series: [String: Double] = [:]
        let name = #/[a-zA-Z_:][a-zA-Z0-9_:]*/#
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                    throw TestFailure("bad TYPE line: \(line)")
                }
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " ") else { throw TestFailure("no value: \(line)") }
            let key = line[..<space], valueText = line[line.index(after: space)...]
            guard let value = Double(valueText) ?? (valueText == "+Inf" ? .infinity : nil) else { throw TestFailure("bad value: \(line)") }
            let metric = key.prefix { $0 != "{" }
            guard (try? name.wholeMatch(in: String(metric))) != nil else { throw TestFailure("bad name: \(line)") }
            if metric.count < key.count {
                guard key.hasSuffix("}"),
                      (try? #/\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")*\}/#.wholeMatch(in: String(key.dropFirst(metric.count))))
                        != nil else { throw TestFailure("bad labels: \(line)") }
            }
            series[String(key)] = value
        }
        return series
    }
}

/// Datasets named by URL, through a real HTTP server on loopback.
@Suite struct URLDatasetTests {
    @Test func aChangedETagRetrainsAnUnchangedOneDownloadsNothingAndAFailedFetchKeepsTheChampion() async throws {
        let s = try Sandbox()
        let iris = try s.read("examples/data/iris.csv")
        let server = try await DatasetServer(body: iris)
        try s.edit("manifests/iris.json") {
            $0.set("spec.dataset.source", .string(server.url))
            // The changed data below scores 0.9756 against the champion's 1.0000; this test is about downloads.
            $0.set("spec.gate", ["accuracy": ["min": 0.9]])
        }
        let c = try ControllerProcess(s, ["--interval", "0.3", "--listen", "off"])

        #expect(waitUntil(timeout: 60) { s.publishedVersion("deploy/iris") != nil }, "\(c.output)")
        let first = s.publishedVersion("deploy/iris")
        // Unchanged upstream: revalidated every cycle, never downloaded again.
        #expect(waitUntil(timeout: 20) { server.state.withLock { $0.notModified } >= 3 }, "\(c.output)")
        #expect(server.state.withLock { $0.full } == 1)
        #expect(try s.trainings("iris") == 1)

        // New data upstream (a new ETag): downloaded once and retrained.
        let lines = iris.split(separator: "\n")
        server.state.withLock { $0.body = (lines.dropLast(15)).joined(separator: "\n") + "\n"; $0.etag = "\"v2\"" }
        #expect(waitUntil(timeout: 60) { (s.publishedVersion("deploy/iris") ?? first) != first }, "\(c.output)")
        #expect(server.state.withLock { $0.full } == 2)
        #expect(try s.trainings("iris") == 2)
        let events = try s.history("iris")["events"]?.arrayValue ?? []
        let trained = events.last { $0["kind"]?.stringValue == "trained" }
        #expect(trained != nil)

        // Upstream fails: the model reports it, the champion stays published.
        let champion = s.publishedVersion("deploy/iris")
        server.state.withLock { $0.failWith = 503 }
        #expect(waitUntil(timeout: 30) { c.output.contains("HTTP 503: upstream is down") }, "\(c.output)")
        #expect(s.publishedVersion("deploy/iris") == champion)
        let status = try s.run("status")
        #expect(status.stdout.contains("iris"), "\(status.output)")
        #expect(c.signal(SIGTERM)?.status == 0)
        await server.stop()
    }
}
