import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Prometheus
import ServiceLifecycle
import Testing
import SluiceCore
import SluiceLearn
import SluiceManifest
import SluiceMonitor
import SluiceReconcile
import SluiceTesting
import TestSupport
@testable import SluiceController

/// The controller's watch over a model in service: a scratch repository whose iris manifest has
/// `spec.monitor`, a real SQLite store, a fixed clock, a real loopback HTTP server answering the
/// monitor endpoint with windows built on the published version's reference profile, and the
/// gauges read from a Prometheus registry as `/metrics` renders them.
@Suite struct MonitorControllerTests {
    final class Fixture: Sendable {
        let repository: ScratchRepository
        let storePath: String
        let store: SQLiteStore
        let clock = FixedClock()
        let registry = PrometheusCollectorRegistry()
        let controller: Controller
        let server: MonitorServer
        /// The version in service and the profile its artifact now holds.
        let version: String
        let profile: ReferenceProfile

        /// Publishes iris with a cycle, then gives its artifact a reference profile of known values
        /// (or none, with `profile` false). `monitor` is more of `spec.monitor` (`, "onBreach": "retrain"`).
        init(persistFor: String = "10m", profile withProfile: Bool = true, monitor more: String = "") async throws {
            server = try await MonitorServer()
            repository = try ScratchRepository()
            let monitor = #"{"server": "\#(server.base)", "interval": "1m", "window": "1h", "minSamples": 100, "persistFor": "\#(persistFor)", "drift": {"share": 0.25}\#(more)}"#
            try repository.write("manifests/iris.json", ScratchRepository.manifest(name: "iris")
                .replacingOccurrences(of: #""deploy":"#, with: #""monitor": \#(monitor), "deploy":"#))
            storePath = repository.url("store/state.db").path
            store = try SQLiteStore(path: storePath)
            controller = Self.controller(store: store, repository: repository, clock: clock, registry: registry)
            controller.cycle(reason: .start)
            let publication = try #require(try store.activePublications().first)
            version = publication.version
            var record = try #require(try store.version(model: "iris", id: version))
            var artifact = try ModelArtifact.decode(try store.artifact(record.artifactDigest), expectedDigest: record.artifactDigest)
            profile = Self.profile(features: artifact.encoder.features.map(\.name), classes: artifact.target.classes)
            // With `profile` false the artifact is made one without (as a version trained before profiles).
            artifact.reference = withProfile ? profile : nil
            record.artifactDigest = try store.putArtifact(artifact.encoded())
            try store.recordVersion(record)
        }

        /// - Parameter interval: between two cycles of a running controller (the default's 30 s by default).
        static func controller(store: any Store, repository: ScratchRepository, clock: FixedClock, registry: PrometheusCollectorRegistry,
                               interval: Duration? = nil) -> Controller {
            var options = Controller.Options()
            options.concurrency = 1
            if let interval { options.interval = interval }
            return Controller(options: options, source: DirectorySource(root: repository.root, manifests: "manifests"), store: store,
                              root: repository.root, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                              metrics: ControllerMetrics(factory: PrometheusMetricsFactory(registry: registry)), clock: clock)
        }

        /// Every feature's training values are 0.00, 0.01 … 9.99; the test predictions spread evenly over the classes.
        static func profile(features: [String], classes: [String]) -> ReferenceProfile {
            let values = (0..<1000).map { Double($0) / 100 }
            var prediction = Histogram(bins: .categorical(categories: classes))
            for i in 0..<300 { prediction.add(classes[i % classes.count]) }
            return ReferenceProfile(features: features.map { .numeric(name: $0, values: values) }, prediction: prediction, calibration: nil,
                                    testMetrics: ["accuracy": 0.95], trainingRows: 1000, testRows: 300)
        }

        /// Serves a window of 600 rows spread like the training values, feature 1 moved by `shift`,
        /// with `labelled` rows of which `correct` were predicted right (and, as `sluice serve` adds it,
        /// `unmatchedLabels` when given).
        func serve(shift: Double = 0, labelled: Int = 0, correct: Int = 0, version: String? = nil, unmatchedLabels: Int? = nil,
                   series: [MonitorWindow.Point] = [], dropped: Int? = nil) {
            var stats = WindowStats(profile: profile)
            let classes = profile.classes
            for r in 0..<600 {
                let values: [RowObservation.Value] = profile.features.indices.map { i in
                    .number(Double((r * 7 + i * 13) % 1000) / 100 + (i == 1 ? shift : 0))
                }
                stats.add(RowObservation(values: values, prediction: .label(classes[r % classes.count], confidence: 0.9)), profile: profile)
            }
            for i in 0..<labelled { stats.labelled.addClassified(truth: 0, predicted: i < correct ? 0 : 1) }
            let now = Int64(clock.now.timeIntervalSince1970)
            let window = MonitorWindow(model: "iris", version: version ?? self.version, from: now - 3600, to: now, stats: stats, series: series)
            var json = window.json(profile: profile, policy: MonitorPolicy())
            if case .object(var o) = json {
                if let unmatchedLabels { o["unmatchedLabels"] = .number(Double(unmatchedLabels)) }
                if let dropped { o["dropped"] = .number(Double(dropped)) }
                json = .object(o)
            }
            server.answer(200, json.canonicalBytes())
        }

        /// Checks the due models and returns the iris monitor state.
        @discardableResult
        func check() throws -> MonitorState {
            controller.monitoring.checkDue()
            return try #require(try store.monitorStates().first { $0.model == "iris" })
        }

        /// The monitor events so far, as "kind: message".
        func events() throws -> [EventRecord] {
            try store.events(model: "iris", limit: 1000).filter { [.raised, .breached, .cleared].contains($0.kind) }
        }

        /// A gauge's value as `/metrics` renders it, by name and label fragments (`reason="FeatureDrift"`).
        func gauge(_ name: String, _ labels: String...) -> Double? {
            let text = String(decoding: registry.emitToBuffer(), as: UTF8.self)
            for line in text.split(separator: "\n") where line.hasPrefix(name + "{") && labels.allSatisfy({ line.contains($0) }) {
                return Double(line.split(separator: " ").last ?? "")
            }
            return nil
        }
    }

    static let featureDrift = "Drifted/FeatureDrift"

    @Test func inDistributionTrafficRaisesNothingAndItsGaugesAreExported() async throws {
        let f = try await Fixture()
        f.serve()
        let state = try f.check()
        #expect(state.problem == nil, "\(state.problem ?? "")")
        #expect(state.version == f.version)
        #expect(state.conditions.isEmpty, "\(state.conditions)")
        #expect(try f.events().isEmpty)
        #expect(f.server.requested == ["/v2/models/iris/monitor?window=3600s"])
        let feature = f.profile.features[1].name
        let psi = try #require(f.gauge("sluice_feature_psi", #"model="iris""#, #"feature="\#(feature)""#))
        #expect(psi < 0.1, "\(psi)")
        #expect(f.gauge("sluice_monitor_condition", #"type="Drifted""#, #"reason="FeatureDrift""#) == 0)
        #expect(f.gauge("sluice_monitor_up", #"model="iris""#) == 1)
        await f.server.stop()
    }

    @Test func aShiftedFeatureIsRaisedBreachesOnlyAfterPersistForAndClearsWhenTrafficRecovers() async throws {
        let f = try await Fixture(persistFor: "10m")
        let start = f.clock.now
        let feature = f.profile.features[1].name
        f.serve(shift: 100)
        var state = try f.check()
        #expect(state.conditions.map(\.key) == [Self.featureDrift], "\(state)")
        #expect(state.conditions.first?.condition.features == [feature])
        #expect(state.breaches.isEmpty, "raised, not yet a breach")
        #expect(try f.events().map(\.kind) == [.raised])
        #expect(try f.events().first?.message.contains("a breach if it holds for 10m (spec.monitor.persistFor)") == true)
        #expect(f.gauge("sluice_monitor_condition", #"type="Drifted""#, #"reason="FeatureDrift""#) == 1)
        #expect(f.gauge("sluice_monitor_breach", #"type="Drifted""#, #"reason="FeatureDrift""#) == 0)
        #expect(try #require(f.gauge("sluice_feature_psi", #"feature="\#(feature)""#)) >= 0.2)

        // Within the interval nothing is checked; checks at 1, 5 and 9 minutes: still not a breach.
        f.controller.monitoring.checkDue()
        #expect(f.server.requested.count == 1, "not due before the interval")
        for advance in [60.0, 240, 240] {
            f.clock.advance(advance)
            state = try f.check()
            #expect(state.breaches.isEmpty, "\(f.clock.now.timeIntervalSince(start)) s")
        }
        // At 10 minutes it has held for persistFor.
        f.clock.advance(60)
        state = try f.check()
        #expect(state.breaches.map(\.key) == [Self.featureDrift])
        #expect(state.conditions.first?.since == start, "since the check that first saw it")
        #expect(try f.events().map(\.kind) == [.raised, .breached])
        let breach = try #require(try f.events().last?.message)
        #expect(breach.contains("Drifted (FeatureDrift)") && breach.contains(feature) && breach.contains("onBreach alert"), "\(breach)")
        #expect(f.gauge("sluice_monitor_breach", #"type="Drifted""#, #"reason="FeatureDrift""#) == 1)

        // Traffic recovers: cleared.
        f.serve()
        f.clock.advance(60)
        state = try f.check()
        #expect(state.conditions.isEmpty)
        #expect(try f.events().map(\.kind) == [.raised, .breached, .cleared])
        #expect(f.gauge("sluice_monitor_condition", #"type="Drifted""#, #"reason="FeatureDrift""#) == 0)
        #expect(f.gauge("sluice_monitor_breach", #"type="Drifted""#, #"reason="FeatureDrift""#) == 0)
        await f.server.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func aRunningControllerChecksBesideItsCyclesWhileHoldingTheLease() async throws {
        try await withTaskExecutorPreference(DedicatedExecutor.shared) {
            let f = try await Fixture(persistFor: "0s")
            f.serve(shift: 100)
            let group = ServiceGroup(configuration: .init(services: [f.controller], logger: ControllerServiceTests.quiet))
            let running = ControllerServiceTests.start(group)
            try await ControllerServiceTests.until("a monitor check") { try f.store.monitorStates().first?.breaches.isEmpty == false }
            #expect(f.controller.status.holdsLease)
            await group.triggerGracefulShutdown()
            _ = try await ControllerServiceTests.outcome(of: running)
            #expect(try f.events().map(\.kind) == [.breached])
            await f.server.stop()
        }
    }

    @Test func aRetiredModelIsNoLongerCheckedAndItsStateIsForgotten() async throws {
        let f = try await Fixture()
        f.serve(shift: 100)
        #expect(try !f.check().conditions.isEmpty)
        let manifest = String(decoding: try #require(f.repository.bytes("manifests/iris.json")), as: UTF8.self)
        try f.repository.write("manifests/iris.json", manifest.replacingOccurrences(of: #""task":"#, with: #""retired": true, "task":"#))
        f.controller.cycle(reason: .interval)
        #expect(try f.store.activePublications().isEmpty)
        f.clock.advance(60)
        f.controller.monitoring.checkDue()
        #expect(try f.store.monitorStates().isEmpty)
        #expect(f.server.requested.count == 1, "nothing in service: the server is not asked")
        #expect(f.gauge("sluice_monitor_up", #"model="iris""#) == nil)
        await f.server.stop()
    }

    @Test func anHTTPTargetsTokenGoesToItsOwnServerOnly() async throws {
        let f = try await Fixture()
        f.serve()
        setenv("SLUICE_TEST_MONITOR_TOKEN", "s3cret", 1)
        let target = DeploySpec.http(url: "\(f.server.base)/v2/repository/models/iris", tokenEnv: "SLUICE_TEST_MONITOR_TOKEN")
        var spec = MonitorSpec()
        f.controller.monitoring.watch([MonitoredModel(name: "iris", spec: spec, deploy: target)])
        #expect(try f.check().problem == nil)
        // Another origin named by spec.monitor.server gets no token.
        spec.server = "http://localhost:\(f.server.port)"
        f.controller.monitoring.watch([MonitoredModel(name: "iris", spec: spec, deploy: target)])
        f.clock.advance(spec.interval)
        #expect(try f.check().problem == nil)
        #expect(f.server.authorizations == ["Bearer s3cret", nil])
        await f.server.stop()
    }

    @Test func aRefusedTokenSaysWhichTokenToSetOrThatNoneIsSent() async throws {
        let f = try await Fixture()
        f.server.answer(401, Array("a token is needed".utf8))
        unsetenv("SLUICE_TEST_MONITOR_NO_TOKEN")
        let target = DeploySpec.http(url: "\(f.server.base)/v2/repository/models/iris", tokenEnv: "SLUICE_TEST_MONITOR_NO_TOKEN")
        f.controller.monitoring.watch([MonitoredModel(name: "iris", spec: MonitorSpec(), deploy: target)])
        let unset = try #require(try f.check().problem)
        #expect(unset.contains("HTTP 401: a token is needed; spec.deploy.tokenEnv names SLUICE_TEST_MONITOR_NO_TOKEN, which is not set in the controller's environment"),
                "\(unset)")
        // A directory target's server (spec.monitor.server) gets no token at all.
        var spec = MonitorSpec()
        spec.server = f.server.base
        f.controller.monitoring.watch([MonitoredModel(name: "iris", spec: spec, deploy: .directory(path: "deploy/iris"))])
        f.clock.advance(spec.interval)
        let none = try #require(try f.check().problem)
        #expect(none.contains("the controller sends a token only to the server of an http deploy target that sets spec.deploy.tokenEnv"), "\(none)")
        await f.server.stop()
    }

    @Test func persistForZeroBreachesAtTheFirstCheck() async throws {
        let f = try await Fixture(persistFor: "0s")
        f.serve(shift: 100)
        let state = try f.check()
        #expect(state.breaches.map(\.key) == [Self.featureDrift])
        #expect(try f.events().map(\.kind) == [.breached])
        await f.server.stop()
    }

    @Test func liveLabelsBelowTheTestAccuracyAreDegradedWithTheLiveMetricExported() async throws {
        let f = try await Fixture(persistFor: "0s")
        f.serve(labelled: 300, correct: 210)
        let state = try f.check()
        #expect(state.breaches.map(\.key) == ["Degraded/LivePerformance"], "\(state.conditions)")
        let message = try #require(state.conditions.first?.condition.message)
        #expect(message.contains("below the gate's min 0.8"), "the gate's accuracy min is the floor: \(message)")
        #expect(f.gauge("sluice_live_metric", #"model="iris""#, #"metric="accuracy""#) == 0.7)
        await f.server.stop()
    }

    /// The stored report keeps the judgement's keys (status and /metrics read them) and adds the
    /// server's series, dropped and unmatched counts, which the web UI charts.
    @Test func theStoredReportKeepsTheServersSeriesAndDroppedCounts() async throws {
        let f = try await Fixture()
        let now = Int64(f.clock.now.timeIntervalSince1970)
        let series = [MonitorWindow.Point(from: now - 3600, rows: 300, labelled: 40, live: 0.9, estimate: 0.92),
                      MonitorWindow.Point(from: now - 1800, rows: 300, labelled: 0, live: nil, estimate: 0.88)]
        f.serve(unmatchedLabels: 3, series: series, dropped: 17)
        let state = try f.check()
        let report = try JSONParser.parse(Array(try #require(state.report).utf8)).value
        for key in ["rows", "labelled", "features", "prediction", "metric", "live", "estimate", "conditions"] {
            #expect(report[key] != nil, "the judgement's \(key) is kept")
        }
        #expect(report["rows"]?.intValue == 600)
        #expect(report["dropped"]?.intValue == 17)
        #expect(report["unmatchedLabels"]?.intValue == 3)
        let points = try #require(report["series"]?.arrayValue)
        #expect(points.count == 2)
        #expect(points.first?["from"]?.intValue == Int(now - 3600))
        #expect(points.first?["live"]?.doubleValue == 0.9)
        #expect(points.last?["live"] == .null)
        #expect(points.last?["estimate"]?.doubleValue == 0.88)
        // A server that does not say: null, not zero.
        f.clock.advance(120)
        f.serve()
        let quiet = try JSONParser.parse(Array(try #require(try f.check().report).utf8)).value
        #expect(quiet["dropped"] == .null)
        #expect(quiet["series"]?.arrayValue?.isEmpty == true)
        await f.server.stop()
    }

    @Test func aRestartedControllerKeepsWhenAConditionWasFirstSeen() async throws {
        let f = try await Fixture(persistFor: "10m")
        let start = f.clock.now
        f.serve(shift: 100)
        try f.check()
        // A new process: a new store connection and controller; the cycle would hand it the
        // monitored models, handed here as the first one read them.
        let store = try SQLiteStore(path: f.storePath)
        let restarted = Fixture.controller(store: store, repository: f.repository, clock: f.clock, registry: PrometheusCollectorRegistry())
        restarted.monitoring.watch(f.controller.monitoring.watched)
        f.clock.advance(600)
        restarted.monitoring.checkDue()
        let state = try #require(try store.monitorStates().first)
        #expect(state.conditions.first?.since == start)
        #expect(state.breaches.map(\.key) == [Self.featureDrift], "a breach 10 minutes after the first sighting, across the restart")
        #expect(try f.events().map(\.kind) == [.raised, .breached])
        await f.server.stop()
    }

    @Test func whatCannotBeJudgedIsSaidOnTheMonitorStateAndChangesNoConditionNorTheCycle() async throws {
        let f = try await Fixture(persistFor: "10m")
        f.serve(shift: 100)
        try f.check()
        let raised = try f.check().conditions
        let cases: [(answer: () -> Void, problem: String)] = [
            ({ f.server.answer(404, Array(#"{"error": "no model iris"}"#.utf8)) }, "HTTP 404"),
            ({ f.server.answer(500, Array("boom".utf8)) }, "HTTP 500: boom"),
            ({ f.server.answer(200, Array("<html>".utf8)) }, "is not JSON"),
            ({ f.server.answer(200, Array(#"{"model": "iris"}"#.utf8)) }, "does not read"),
            ({ f.serve(version: String(repeating: "f", count: 64)) }, "which this store has no record of"),
        ]
        for c in cases {
            c.answer()
            f.clock.advance(60)
            let state = try f.check()
            #expect(state.problem?.contains(c.problem) == true, "\(state.problem ?? "nil") should say \(c.problem)")
            #expect(state.conditions == raised, "a check that could not judge changes no condition")
            #expect(f.gauge("sluice_monitor_up", #"model="iris""#) == 0)
        }
        await f.server.stop()
        f.clock.advance(60)
        let refused = try f.check()
        #expect(refused.problem?.contains("GET \(f.server.base)/v2/models/iris/monitor") == true, "\(refused.problem ?? "nil")")
        #expect(refused.problem?.contains("is sluice serve running there?") == true, "\(refused.problem ?? "nil")")
        #expect(try f.events().map(\.kind) == [.raised])
        // The reconcile goes on as before.
        f.controller.cycle(reason: .interval)
        #expect(f.controller.status.conditions == ["iris": .ready])
        #expect(f.controller.status.lastError == nil)
    }

    @Test func aVersionWithoutAReferenceProfileIsSaidSo() async throws {
        let f = try await Fixture(profile: false)
        f.serve()
        let state = try f.check()
        let problem = try #require(state.problem)
        #expect(problem.contains("version \(VersionIdentity.short(f.version))'s artifact has no reference profile"), "\(problem)")
        #expect(state.conditions.isEmpty)
        await f.server.stop()
    }

    @Test func aModelWhoseMonitorIsRemovedIsNoLongerWatchedNorExported() async throws {
        let f = try await Fixture()
        f.serve()
        try f.check()
        #expect(f.controller.monitoring.watched.map(\.name) == ["iris"])
        #expect(f.gauge("sluice_monitor_up", #"model="iris""#) == 1)
        try f.repository.write("manifests/iris.json", ScratchRepository.manifest(name: "iris"))
        f.controller.cycle(reason: .interval)
        #expect(f.controller.monitoring.watched.isEmpty)
        #expect(f.gauge("sluice_monitor_up", #"model="iris""#) == nil)
        #expect(try f.store.monitorStates().isEmpty, "status shows no stale monitor state")
        #expect(try f.store.versions(model: "iris").count == 1, "removing monitor retrains nothing")
        #expect(try f.store.publications(model: "iris").count == 1, "and republishes nothing")
        await f.server.stop()
    }
}
