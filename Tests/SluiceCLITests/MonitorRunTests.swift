import Foundation
import Synchronization
import Testing
import SluiceController
import SluiceCore
import SluiceLearn
import SluiceMonitor
#if canImport(Glibc)
import Glibc
#endif

/// The real binary's controller watching a model in service: `sluice run` reads the monitor window
/// from a loopback server (standing in for `sluice serve`), and `status`, `history` and `/metrics`
/// say what it found.
@Suite struct MonitorRunTests {
    /// The window the stand-in server answers with, set once the version's profile is known.
    final class Window: Sendable {
        let bytes = Mutex<[UInt8]?>(nil)
    }

    /// An inference request of every iris row, each feature moved by `shift`.
    static func irisRequest(shift: Double) throws -> String {
        let lines = try String(contentsOf: Sandbox.repository.appendingPathComponent("examples/data/iris.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        let values = lines.flatMap { $0.split(separator: ",").prefix(4).map { (Double($0) ?? 0) + shift } }
        let data = values.map { JSON.format($0) }.joined(separator: ",")
        return #"{"inputs":[{"name":"input-0","shape":[\#(lines.count),4],"datatype":"FP64","data":[\#(data)]}]}"#
    }

    /// The issue's loop with both real binaries on loopback: `sluice serve` records traffic, `sluice run`
    /// reads its window. In-distribution traffic: no condition; shifted traffic: `Drifted`, naming the
    /// features, in `status` and `/metrics`. Adding `spec.monitor` trains and publishes nothing.
    @Test func serveAndRunTogetherSeeInDistributionTrafficAsHealthyAndShiftedTrafficAsDrifted() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let serve = try ControllerProcess(s, ["--repository", "deploy", "--port", "0"], name: "serve", command: "serve")
        let serveBase = "http://127.0.0.1:\(try serve.port())"
        try s.edit("manifests/iris.json") {
            $0.set("spec.monitor", ["server": .string(serveBase), "interval": "1s", "window": "1h", "minSamples": 300, "persistFor": "0s"])
        }
        let plan = try s.run("plan", "--detailed-exitcode")
        #expect(plan.status == 0, "adding spec.monitor trains and publishes nothing: \(plan.output)")

        for _ in 0..<4 {
            let r = try http("POST", "\(serveBase)/v2/models/iris/infer", body: try Self.irisRequest(shift: 0))
            #expect(r.status == 200, "\(r.body)")
        }
        let run = try ControllerProcess(s, ["--interval", "30", "--listen", "127.0.0.1:0"])
        let runBase = "http://127.0.0.1:\(try run.port())"
        func monitor() -> JSON? {
            let out = (try? s.run("status", "--json").stdout) ?? ""
            return (try? JSONParser.parse(out).value)?["models"]?.arrayValue?.first { $0["name"] == "iris" }?["monitor"]
        }
        #expect(waitUntil(timeout: 60) { (monitor()?["report"]?["rows"]?.intValue ?? 0) >= 600 }, "\(monitor() ?? .null)\n\(run.output)")
        let healthy = try #require(monitor())
        #expect(healthy["problem"] == .null, "\(healthy)")
        #expect(healthy["conditions"]?.arrayValue?.isEmpty == true, "in-distribution traffic raises nothing: \(healthy)")

        for _ in 0..<4 {
            #expect(try http("POST", "\(serveBase)/v2/models/iris/infer", body: try Self.irisRequest(shift: 10)).status == 200)
        }
        let drifted = waitUntil(timeout: 60) {
            monitor()?["conditions"]?.arrayValue?.contains { $0["reason"] == "FeatureDrift" && $0["breached"] == true } == true
        }
        #expect(drifted, "\(monitor() ?? .null)\n\(run.output)")
        let condition = monitor()?["conditions"]?.arrayValue?.first { $0["reason"] == "FeatureDrift" }
        #expect(condition?["features"]?.arrayValue?.contains("petal_length") == true, "\(condition ?? .null)")
        let text = try s.run("status")
        #expect(text.stdout.contains("monitor: Drifted (FeatureDrift) breach since"), "\(text.output)")
        let metrics = try Prometheus.parse(try http("GET", runBase + "/metrics").body)
        #expect(metrics.contains { $0.key.hasPrefix("sluice_monitor_breach{") && $0.key.contains(#"reason="FeatureDrift""#) && $0.value == 1 },
                "\(metrics.keys.sorted())")
        #expect(metrics.contains { $0.key.hasPrefix("sluice_feature_psi{") && $0.key.contains(#"feature="petal_length""#) && $0.value >= 0.2 })
        #expect(try s.history("iris")["versions"]?.arrayValue?.count == 1, "nothing was trained again")
        #expect(run.signal(SIGTERM)?.status == 0, "\(run.output)")
        #expect(serve.signal(SIGTERM)?.status == 0, "\(serve.output)")
    }

    @Test func sluiceRunReportsDriftInStatusHistoryAndMetrics() async throws {
        let window = Window()
        let server = try await LoopbackServer { received in
            guard received.path.hasPrefix("/v2/models/iris/monitor"), let body = window.bytes.withLock({ $0 }) else {
                return .init(status: 404, body: Array(#"{"error": "no such model"}"#.utf8))
            }
            return .init(status: 200, headers: ["Content-Type": "application/json"], body: body)
        }
        let s = try Sandbox()
        try s.edit("manifests/iris.json") {
            $0.set("spec.monitor", ["server": .string(server.base), "interval": "1s", "window": "1h", "minSamples": 100, "persistFor": "0s"])
        }
        #expect(try s.run("validate").status == 0)
        #expect(try s.run("apply").status == 0)

        // The reference profile the trainer froze into the version in service, and 600 rows far above
        // anything seen in training on every feature.
        let store = try SQLiteStore(path: s.url(".sluice/state.db").path, readOnly: true)
        let publication = try #require(try store.activePublications().first { $0.model == "iris" })
        let record = try #require(try store.version(model: "iris", id: publication.version))
        let artifact = try ModelArtifact.decode(try store.artifact(record.artifactDigest), expectedDigest: record.artifactDigest)
        let profile = try #require(artifact.reference, "the trainer records a reference profile")
        var stats = WindowStats(profile: profile)
        for r in 0..<600 {
            stats.add(RowObservation(values: profile.features.map { _ in .number(1_000 + Double(r)) },
                                     prediction: .label(profile.classes[r % profile.classes.count], confidence: 0.9)), profile: profile)
        }
        let now = Int64(Date().timeIntervalSince1970)
        let served = MonitorWindow(model: "iris", version: publication.version, from: now - 3_600, to: now, stats: stats, series: [])
        window.bytes.withLock { $0 = served.json(profile: profile, policy: MonitorPolicy()).canonicalBytes() }

        let c = try ControllerProcess(s, ["--interval", "30", "--listen", "127.0.0.1:0"])
        let base = "http://127.0.0.1:\(try c.port())"
        func monitor() -> JSON? {
            let out = (try? s.run("status", "--json").stdout) ?? ""
            return (try? JSONParser.parse(out).value)?["models"]?.arrayValue?.first { $0["name"] == "iris" }?["monitor"]
        }
        let breached = waitUntil(timeout: 60) {
            monitor()?["conditions"]?.arrayValue?.contains { $0["reason"] == "FeatureDrift" && $0["breached"] == true } == true
        }
        #expect(breached, "\(monitor() ?? .null)\n\(c.output)")
        #expect(server.requests.contains { $0.path == "/v2/models/iris/monitor?window=3600s" }, "\(server.requests.map(\.path))")

        let text = try s.run("status")
        #expect(text.stdout.contains("monitor: Drifted (FeatureDrift) breach since"), "\(text.output)")
        let events = try s.history("iris")["events"]?.arrayValue ?? []
        #expect(events.contains { $0["kind"] == "breached" && $0["message"]?.stringValue?.contains("Drifted (FeatureDrift)") == true }, "\(events)")

        let metrics = try Prometheus.parse(try http("GET", base + "/metrics").body)
        func series(_ name: String, _ labels: String...) -> Double? {
            metrics.first { $0.key.hasPrefix(name + "{") && labels.allSatisfy($0.key.contains) }?.value
        }
        #expect(series("sluice_monitor_breach", #"model="iris""#, #"type="Drifted""#, #"reason="FeatureDrift""#) == 1, "\(metrics.keys.sorted())")
        #expect(series("sluice_monitor_up", #"model="iris""#) == 1)
        let psi = try #require(series("sluice_feature_psi", #"model="iris""#, #"feature="\#(profile.features[0].name)""#))
        #expect(psi >= 0.2, "\(psi)")
        #expect(c.signal(SIGTERM)?.status == 0, "\(c.output)")
        await server.stop()
    }
}
