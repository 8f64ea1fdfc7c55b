import Foundation
import SluiceCore
import SluiceReconcile

/// One model's result in `sluice gate`.
public struct GateResult: Sendable {
    public var model: String
    public var file: String
    public var version: String?
    /// Whether the candidate was trained by this run (rather than reused from the store).
    public var trained: Bool
    public var metrics: [String: Double]
    public var trainSeconds: Double?
    public var dataDigest: String?
    /// Confusion matrix labels and rows on the candidate's test data.
    public var evaluation: JSON
    /// The champion compared with, and where it was found.
    public var champion: ChampionInfo?
    public var report: GateReport?
    /// Set when the model could not be gated.
    public var error: String?

    public struct ChampionInfo: Sendable {
        public var version: String
        public var origin: String
        public var metrics: [String: Double]?
    }

    /// Versions published before, oldest first, with their metrics (from the store, when present).
    public var history: [HistoryPoint] = []

    /// A published version in a model's history.
    public struct HistoryPoint: Sendable {
        public var version: String
        public var publishedAt: Date
        public var metrics: [String: Double]
    }

    public var passed: Bool { error == nil && (report?.passed ?? false) }

    /// Rows of the candidate's test data (what every metric of the gate is measured on).
    public var testRows: Int? { evaluation["testRows"]?.doubleValue.map { Int($0) } }

    /// Thresholds finer than one test row: with `n` rows, one row moves accuracy by `1/n`, so a
    /// `maxRegression` below that fails on a single row ("maxRegression 0.02 on 45 rows").
    public var resolutionWarnings: [String] {
        guard let n = testRows, n > 0 else { return [] }
        let step = 1 / Double(n)
        return (report?.outcomes ?? []).compactMap { o in
            guard o.metric == "accuracy", o.threshold == .maxRegression, o.limit > 0, o.limit < step - 1e-12 else { return nil }
            return "\(o.metric) maxRegression \(JSON.format(o.limit)) is finer than one test row: with \(n) test rows one row is "
                + "\(String(format: "%.4f", step)), so a single row decides the rule; use a larger test set or a threshold of at least \(String(format: "%.4f", step))"
        }
    }

    /// The candidate is the champion: the version in service already.
    public var candidateInService: Bool { version != nil && champion?.version == version }

    /// Where the candidate stands against the champion, in words: "champion 1a2b3c4d5e6f from
    /// store", "the candidate is the version in service (store)" or "no champion".
    public var championText: String {
        guard let c = champion else { return "no champion" }
        if candidateInService { return "the candidate is the version in service (\(c.origin))" }
        return "champion \(VersionIdentity.short(c.version)) from \(c.origin)"
    }
}
