import SluiceCore
import SluiceMonitor
import Testing

/// The report a window of live rows gets against a reference profile: the conditions users are paged on.
@Suite struct MonitorReportTests {
    /// A 4-feature classifier profile from seeded standard-normal training data (3 numeric, 1 categorical).
    static func profile(seed: UInt64 = 7, rows: Int = 5000) -> ReferenceProfile {
        var g = SeededGenerator(seed: seed)
        let numeric = (0..<3).map { i in ReferenceProfile.Feature.numeric(name: "x\(i)", values: (0..<rows).map { _ in g.normal() }) }
        let colours = ["red", "green", "blue"]
        let cat = ReferenceProfile.Feature.categorical(name: "colour", values: (0..<rows).map { _ in colours[Int(g.unit() * 3)] })
        var prediction = Histogram(bins: .categorical(categories: ["a", "b"]))
        for _ in 0..<1000 { prediction.add(g.unit() < 0.5 ? "a" : "b") }
        let calibration = try! IsotonicCalibration(xs: [0.5, 1], ys: [0.6, 0.95])
        return ReferenceProfile(features: numeric + [cat], prediction: prediction, calibration: calibration,
                                testMetrics: ["accuracy": 0.9], trainingRows: rows, testRows: 1000)
    }

    /// Live rows from the same generator, with feature `shifted` moved by `shift` standard deviations.
    static func window(_ profile: ReferenceProfile, seed: UInt64, rows: Int, shift: Double = 0, shifted: Int = 0,
                       confidence: Double = 0.9) -> WindowStats {
        var g = SeededGenerator(seed: seed)
        var stats = WindowStats(profile: profile)
        let colours = ["red", "green", "blue"]
        for _ in 0..<rows {
            var values: [RowObservation.Value] = (0..<3).map { i in .number(g.normal() + (i == shifted ? shift : 0)) }
            values.append(.category(colours[Int(g.unit() * 3)], known: true))
            stats.add(RowObservation(values: values, prediction: .label(g.unit() < 0.5 ? "a" : "b", confidence: confidence)), profile: profile)
        }
        return stats
    }

    @Test("in-distribution traffic of 500+ rows stays below warn on every feature, over 50 seeds")
    func noDrift() {
        let p = Self.profile()
        for seed in 1...50 as ClosedRange<UInt64> {
            let r = MonitorReport.evaluate(profile: p, stats: Self.window(p, seed: seed * 101, rows: 600), policy: MonitorPolicy())
            #expect(r.features.allSatisfy { $0.level == .ok }, "seed \(seed): \(r.features.map { ($0.name, $0.psi) })")
            #expect(!r.conditions.contains { $0.kind == .drifted }, "seed \(seed)")
        }
    }

    @Test("a 1σ shift of one feature breaches that feature and no other, over 50 seeds")
    func oneSigmaShift() {
        let p = Self.profile()
        var policy = MonitorPolicy()
        policy.driftShare = 0.25
        for seed in 1...50 as ClosedRange<UInt64> {
            let r = MonitorReport.evaluate(profile: p, stats: Self.window(p, seed: seed * 7919, rows: 1000, shift: 1, shifted: 1), policy: policy)
            #expect(r.breachedFeatures == ["x1"], "seed \(seed): \(r.features.map { ($0.name, $0.psi) })")
            let drifted = r.conditions.first { $0.kind == .drifted && $0.reason == .featureDrift }
            #expect(drifted?.features == ["x1"])
            #expect(drifted?.message.contains("x1 (PSI") == true)
        }
    }

    @Test("the drift share decides whether one drifted feature of four makes the model Drifted")
    func driftShare() {
        let p = Self.profile()
        let stats = Self.window(p, seed: 3, rows: 1000, shift: 1, shifted: 0)
        #expect(!MonitorReport.evaluate(profile: p, stats: stats, policy: MonitorPolicy()).conditions.contains { $0.kind == .drifted })
        var policy = MonitorPolicy()
        policy.driftShare = 0.25
        #expect(MonitorReport.evaluate(profile: p, stats: stats, policy: policy).conditions.contains { $0.reason == .featureDrift })
    }

    @Test("too few rows is InsufficientData and nothing else")
    func tooFewRows() {
        let p = Self.profile()
        let r = MonitorReport.evaluate(profile: p, stats: Self.window(p, seed: 1, rows: 100, shift: 3), policy: MonitorPolicy())
        #expect(r.conditions.map(\.reason) == [.tooFewRows])
        #expect(r.conditions[0].message.contains("100 rows"))
    }

    @Test("live accuracy below the test value by more than maxDegradation, interval included, is Degraded")
    func liveDegradation() {
        let p = Self.profile()
        var stats = Self.window(p, seed: 5, rows: 600)
        for i in 0..<300 { stats.labelled.addClassified(truth: 0, predicted: i < 210 ? 0 : 1) }  // 70 % live vs 90 % test
        let r = MonitorReport.evaluate(profile: p, stats: stats, policy: MonitorPolicy())
        #expect(abs(r.live!.value - 0.7) < 1e-12)
        #expect(r.live!.interval!.upperBound < 0.85)
        #expect(r.conditions.contains { $0.kind == .degraded && $0.reason == .livePerformance })
        // With fewer labels than minLabels the same accuracy is only InsufficientData.
        var few = Self.window(p, seed: 5, rows: 600)
        for i in 0..<100 { few.labelled.addClassified(truth: 0, predicted: i < 70 ? 0 : 1) }
        let r2 = MonitorReport.evaluate(profile: p, stats: few, policy: MonitorPolicy())
        #expect(!r2.conditions.contains { $0.reason == .livePerformance })
        #expect(r2.conditions.contains { $0.reason == .tooFewLabels })
    }

    @Test("without labels, low calibrated confidence is EstimatedPerformance")
    func estimated() {
        let p = Self.profile()
        let r = MonitorReport.evaluate(profile: p, stats: Self.window(p, seed: 9, rows: 600, confidence: 0.5), policy: MonitorPolicy())
        #expect(abs(r.estimatedAccuracy! - 0.6) < 1e-12)
        #expect(r.conditions.contains { $0.reason == .estimatedPerformance })
        let ok = MonitorReport.evaluate(profile: p, stats: Self.window(p, seed: 9, rows: 600, confidence: 1), policy: MonitorPolicy())
        #expect(!ok.conditions.contains { $0.kind == .degraded })
    }

    @Test("unseen categories and missing values are data quality")
    func dataQuality() {
        let p = Self.profile()
        var stats = WindowStats(profile: p)
        for i in 0..<600 {
            stats.add(RowObservation(values: [.number(0), i % 2 == 0 ? .missing : .number(0.1), .number(0), .category(i % 4 == 0 ? "purple" : "red", known: i % 4 != 0)],
                                     prediction: .label("a", confidence: 0.9)), profile: p)
        }
        let r = MonitorReport.evaluate(profile: p, stats: stats, policy: MonitorPolicy())
        let q = r.conditions.first { $0.reason == .dataQuality }
        #expect(q?.features == ["x1", "colour"])
    }

    @Test("profile, window statistics and window round-trip through JSON")
    func jsonRoundTrip() throws {
        let p = Self.profile()
        #expect(try ReferenceProfile(json: JSONParser.parse(p.json.canonicalBytes()).value) == p)
        var stats = Self.window(p, seed: 2, rows: 50)
        stats.labelled.addClassified(truth: 1, predicted: 0)
        stats.labelled.addClassified(truth: nil, predicted: 0)
        let w = MonitorWindow(model: "m", version: "v1", from: 100, to: 160, stats: stats,
                              series: [.init(from: 100, rows: 50, labelled: 2, live: 0, estimate: 0.8)])
        let bytes = w.json(profile: p, policy: MonitorPolicy()).canonicalBytes()
        #expect(try MonitorWindow(json: JSONParser.parse(bytes).value, profile: p) == w)
        var merged = stats
        try merged.merge(stats)
        #expect(merged.rows == 100 && merged.labelled.labelled == 4)
    }

    @Test("huge regression labels are not counted and never trap the metrics")
    func hugeRegressionLabels() {
        var stats = LabelledStats(classes: 0)
        stats.addRegressed(truth: 1.7e308, predicted: 0)
        stats.addRegressed(truth: -1.7e308, predicted: 1)
        #expect(stats.labelled == 0)
        #expect(stats.metric("mae") == nil && stats.metric("rmse") == nil)
        stats.addRegressed(truth: 3, predicted: 1)
        stats.addRegressed(truth: 1e200, predicted: 0)  // its square overflows
        #expect(stats.labelled == 1)
        #expect(stats.metric("mae")?.value == 2)
        #expect(stats.metric("mae")?.interval == 2...2)
    }

    @Test("labelled statistics read from a server are checked: sums finite and not negative, counts countable")
    func hostileLabelledStatistics() throws {
        func read(_ text: String, classes: Int) throws -> LabelledStats {
            try LabelledStats(json: JSONParser.parse(Array(text.utf8)).value, classes: classes)
        }
        #expect(throws: MonitorError.self) {
            try read(#"{"count": 1, "sumSquaredError": 0, "sumAbsoluteError": -1, "sumTruth": 0, "sumTruthSquared": 0}"#, classes: 0)
        }
        #expect(throws: MonitorError.self) {
            try read(#"{"count": 1, "sumSquaredError": null, "sumAbsoluteError": 1, "sumTruth": 0, "sumTruthSquared": 0}"#, classes: 0)
        }
        let big = "9007199254740991"
        let row = "[" + Array(repeating: big, count: 40).joined(separator: ",") + "]"
        let confusion = "[" + Array(repeating: row, count: 40).joined(separator: ",") + "]"
        #expect(throws: MonitorError.self) { try read(#"{"confusion": \#(confusion), "unknownTruth": 0}"#, classes: 40) }
        // Sums that do not fit together (squared error below the absolute error's square) give no interval, not a trap.
        let odd = try read(#"{"count": 2, "sumSquaredError": 0, "sumAbsoluteError": 4, "sumTruth": 0, "sumTruthSquared": 1}"#, classes: 0)
        #expect(odd.metric("mae")?.value == 2)
    }
}
