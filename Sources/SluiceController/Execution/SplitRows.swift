import SluiceCore
import SluiceLearn
import SluiceManifest
import SluiceReconcile

/// Which data rows train and which test a model (`sluice split`): "which rows did my gate see?".
///
/// Rows are 1-based data-row numbers (row 1 is the first line after the CSV header), in the order
/// the model sees them: ascending for Sluice's split, scikit-learn's order for `sklearn` (the
/// order of `X_train.index + 1` in the notebook).
public struct SplitRows: Sendable, Equatable {
    /// One part of the split.
    public struct Part: Sendable, Equatable {
        /// The file the rows are read from (relative to the root, or a URL).
        public var source: String
        /// 1-based data-row numbers of `source`.
        public var rows: [Int]

        public init(source: String, rows: [Int]) {
            self.source = source
            self.rows = rows
        }

        /// SHA-256 of the row numbers written as decimal lines (`"1\n2\n…"`); in Python,
        /// `sha256("".join(f"{i + 1}\n" for i in X_test.index).encode()).hexdigest()`.
        public var digest: String { SplitRows.digest(rows) }
    }

    public var train: Part
    public var test: Part
    /// The split as the manifest gives it (defaults filled in); `nil` with a fixed test file.
    public var split: SplitSpec?
    /// Content digests of the source and of the fixed test file.
    public var dataDigest: String
    public var testDigest: String?

    /// SHA-256 of row numbers written as decimal lines.
    public static func digest(_ rows: [Int]) -> String {
        var text = ""
        text.reserveCapacity(rows.count * 7)
        for r in rows { text += "\(r)\n" }
        return SHA256.hex(of: text)
    }

    /// Reads a model's data and splits it exactly as training does.
    /// - Throws: ``DataError`` when the data cannot be read or verified, or cannot be split.
    public static func of(_ m: Manifest, data: DataResolver) throws -> SplitRows {
        let resolved = data.resolve(m)
        guard case .resolved(let digest, let testDigest) = resolved else {
            if case .failed(let why) = resolved { throw DataError(why) }
            throw DataError("data unavailable")
        }
        let frame = try data.frame(m.dataset.source, digest: digest, field: "spec.dataset.source", manifest: m)
        if let test = m.dataset.test, let testDigest {
            let testFrame = try data.frame(test, digest: testDigest, field: "spec.dataset.test", manifest: m)
            _ = try data.partition(m, data: resolved, spec: m.trainingSpec)  // the checks training makes
            return SplitRows(train: Part(source: Redaction.url(m.dataset.source), rows: (0..<frame.rowCount).map { $0 + 1 }),
                             test: Part(source: Redaction.url(test), rows: (0..<testFrame.rowCount).map { $0 + 1 }),
                             split: nil, dataDigest: digest, testDigest: testDigest)
        }
        let split: TrainTestSplit
        do { split = try Trainer.split(m.trainingSpec, data: frame) } catch let e as LearnError {
            throw DataError("\(Redaction.url(m.dataset.source)): \(e.message)")
        }
        return SplitRows(train: Part(source: Redaction.url(m.dataset.source), rows: split.train.map { $0 + 1 }),
                         test: Part(source: Redaction.url(m.dataset.source), rows: split.test.map { $0 + 1 }),
                         split: m.dataset.split, dataDigest: digest, testDigest: nil)
    }
}
