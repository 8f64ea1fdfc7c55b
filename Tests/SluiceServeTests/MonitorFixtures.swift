import Foundation
import Logging
import Prometheus
import SluiceCore
import SluiceHTTP
import SluiceLearn
import SluiceMonitor
import SluiceServe

/// Artifacts with a reference profile, and a served repository that records them.
enum MonitorFixtures {
    static let irisFrame = try! ServeFixtures.frame("examples/data/iris.csv")

    /// `artifact` with a reference profile computed from `frame`: the features' bins and counts, the
    /// predictions on the frame, and for a classifier an isotonic calibration of its max probability.
    static func profiled(_ artifact: ModelArtifact, frame: DataFrame) throws -> ModelArtifact {
        var a = artifact
        var features: [ReferenceProfile.Feature] = []
        for f in a.encoder.features {
            let column = frame.column(named: f.name)!
            switch (f.kind, column.storage) {
            case (.numeric, .numeric(let v)): features.append(.numeric(name: f.name, values: v))
            case (_, .string(let v)): features.append(.categorical(name: f.name, values: v))
            case (_, .numeric(let v)): features.append(.categorical(name: f.name, values: v.map { $0.isNaN ? nil : JSON.format($0) }))
            }
        }
        let rows = (0..<frame.rowCount).map { r in
            Dictionary(uniqueKeysWithValues: a.encoder.features.map { f -> (String, JSON) in
                switch frame.column(named: f.name)!.storage {
                case .numeric(let v): (f.name, .number(v[r]))
                case .string(let v): (f.name, v[r].map(JSON.string) ?? .null)
                }
            })
        }
        let predictions = try a.predict(rows: rows)
        let prediction: SluiceMonitor.Histogram
        var calibration: IsotonicCalibration?
        if a.task == .classification {
            var h = SluiceMonitor.Histogram(bins: .categorical(categories: a.target.classes))
            var scores: [Double] = [], outcomes: [Double] = []
            guard case .string(let truth)? = frame.column(named: a.target.name)?.storage else { fatalError("string classes only") }
            for (r, p) in predictions.enumerated() {
                let k = ModelArtifact.argmax(p.probabilities)
                h.add(a.target.classes[k])
                scores.append(p.probabilities[k])
                outcomes.append(truth[r] == a.target.classes[k] ? 1 : 0)
            }
            prediction = h
            calibration = try? IsotonicCalibration(scores: scores, outcomes: outcomes)
        } else {
            let values = predictions.map { $0.label.doubleValue ?? .nan }
            var h = SluiceMonitor.Histogram(bins: .numeric(fitting: values))
            for v in values { h.add(v) }
            prediction = h
        }
        a.reference = ReferenceProfile(features: features, prediction: prediction, calibration: calibration, testMetrics: [:],
                                       trainingRows: frame.rowCount, testRows: frame.rowCount)
        return a
    }

    static let iris = try! profiled(ServeFixtures.iris, frame: irisFrame)
    static let iris2 = try! profiled(ServeFixtures.iris2, frame: irisFrame)

    /// A fixed time (Unix seconds), far from any retention limit's edge.
    static let now = 1_800_000_000.0

    /// Monitor options in a fresh directory: every row logged, no per-second cap.
    static func options(_ directory: String = ServeFixtures.temporaryDirectory()) -> MonitorOptions {
        var o = MonitorOptions(directory: directory)
        o.logRows = 1
        o.maxRowsPerSecond = 1e9
        return o
    }

    static var logger: Logger {
        var l = Logger(label: "test.monitor")
        l.logLevel = .critical
        return l
    }

    /// Hooks with the clock at `time`.
    static func hooks(at time: Double = now, beforeDrain: @escaping @Sendable () -> Void = {}) -> MonitorRecorder.Hooks {
        var h = MonitorRecorder.Hooks()
        h.now = { time }
        h.beforeDrain = beforeDrain
        return h
    }

    /// An inference request for iris rows.
    static func irisRequest(_ rows: [[Double]], id: String? = nil) -> JSON {
        var o: [String: JSON] = ["inputs": [["name": "input-0", "shape": [.number(Double(rows.count)), 4], "datatype": "FP64",
                                             "data": .numbers(rows.flatMap { $0 })]]]
        if let id { o["id"] = .string(id) }
        return .object(o)
    }
}

extension MonitorFixtures {
    /// `artifact` as written before monitoring: without a reference profile (format version 2).
    static func unprofiled(_ artifact: ModelArtifact) -> ModelArtifact {
        var a = artifact
        a.reference = nil
        return a
    }
}

/// A repository served in process with a monitor: profiled iris (`iris`), the mixed-type regressor
/// without a profile (`mixed`, an artifact from before monitoring), and a profiled regressor (`ridge`).
struct MonitoredServer {
    let directory: String
    let repository: ModelRepository
    let monitor: MonitorRecorder
    let server: InferenceServer
    let client: InProcessClient
    let registry = PrometheusCollectorRegistry()

    init(options: ((inout MonitorOptions) -> Void)? = nil, hooks: MonitorRecorder.Hooks = MonitorFixtures.hooks(), token: String? = nil) throws {
        directory = ServeFixtures.temporaryDirectory()
        try ServeFixtures.publish(MonitorFixtures.iris, name: "iris", version: "v-iris-1", in: "\(directory)/iris")
        try ServeFixtures.publish(MonitorFixtures.unprofiled(ServeFixtures.mixed), name: "mixed", version: "v-mixed-1", in: "\(directory)/mixed")
        try ServeFixtures.publish(MonitorFixtures.ridge, name: "ridge", version: "v-ridge-1", in: "\(directory)/ridge")
        repository = ModelRepository(root: directory, logger: MonitorFixtures.logger)
        repository.scan()
        var o = MonitorFixtures.options("\(directory)/\(MonitorOptions.defaultDirectoryName)")
        options?(&o)
        monitor = try MonitorRecorder(options: o, logger: MonitorFixtures.logger, hooks: hooks)
        var serverOptions = InferenceServer.Options()
        serverOptions.token = token
        server = InferenceServer(repository: repository, options: serverOptions, registry: registry, monitor: monitor)
        client = InProcessClient(router: server.router())
    }

    func remove() {
        monitor.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

extension MonitorFixtures {
    /// A profiled ridge regression on y = 2a − b.
    static let ridgeFrame: DataFrame = {
        var text = "a,b,y\n"
        for i in 0..<60 {
            let a = Double(i % 10), b = Double(i % 7)
            text += "\(a),\(b),\(2 * a - b)\n"
        }
        return try! CSVReader.parse(Array(text.utf8))
    }()
    static let ridge = try! profiled(ServeFixtures.train("ridge", ["alpha": 0.01], target: "y", task: .regression, frame: ridgeFrame),
                                     frame: ridgeFrame)
}
