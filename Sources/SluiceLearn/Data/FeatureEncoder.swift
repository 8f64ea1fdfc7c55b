import Dispatch
import SluiceCore

/// Turns raw columns into the numeric matrix an estimator learns from, and is stored in the
/// artifact so that prediction takes raw rows.
///
/// Numeric features: missing values become the training median. String features: categories in
/// sorted order; missing or unseen values become the most frequent training category. Trees see
/// one ordinal column per string feature, linear models one indicator column per category.
public struct FeatureEncoder: Sendable, Equatable {
    /// How string features become numbers.
    public enum CategoryEncoding: String, Sendable { case ordinal, oneHot = "one_hot" }

    /// One input feature and what was learned about it.
    public struct Feature: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// A numeric feature; missing values become `fill`.
            case numeric(fill: Double)
            /// A string feature with its sorted categories; missing or unseen values become `categories[fill]`.
            case categorical(categories: [String], fill: Int)
        }
        public var name: String
        public var kind: Kind { didSet { index = Self.index(kind) } }
        /// Category → code of a categorical feature (empty for a numeric one), so that encoding
        /// a value costs one hash lookup, not a search through the categories. Where a category
        /// is listed twice (only in a hand-made artifact, which the decoder refuses), the first wins.
        public private(set) var index: [String: Int]

        /// A feature called `name`, with its category index built from `kind`.
        public init(name: String, kind: Kind) {
            self.name = name
            self.kind = kind
            index = Self.index(kind)
        }

        private static func index(_ kind: Kind) -> [String: Int] {
            guard case .categorical(let categories, _) = kind else { return [:] }
            return Dictionary(categories.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }

        /// Features are equal when their names and kinds are (the index follows from the kind).
        public static func == (a: Feature, b: Feature) -> Bool { a.name == b.name && a.kind == b.kind }
    }

    public var features: [Feature]
    public var encoding: CategoryEncoding
    /// Standardisation of the encoded columns, `(x − mean) / scale`, for scale-sensitive
    /// algorithms; empty when not standardising.
    public var means: [Double] = []
    public var scales: [Double] = []

    public init(features: [Feature], encoding: CategoryEncoding, means: [Double] = [], scales: [Double] = []) {
        self.features = features
        self.encoding = encoding
        self.means = means
        self.scales = scales
    }

    /// Learns the mean and standard deviation of every encoded column of `x` (a constant column
    /// keeps scale 1), and standardises `x` with them in place (a copy would double the peak
    /// memory of training on a large frame); the columns on all cores.
    public mutating func standardize(_ x: inout Matrix) {
        let rows = x.rows, cols = x.cols
        x.values.withUnsafeMutableBufferPointer { v in
            let base = SendablePointer(v.baseAddress)
            let stats = Array(0..<cols).parallelMap(chunk: 1) { c -> (mean: Double, scale: Double) in
                let column = UnsafeBufferPointer(start: base.pointer.map { $0 + c * rows }, count: rows)
                let mean = column.reduce(0, +) / Double(max(rows, 1))
                let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(rows, 1))
                return (mean, variance > 0 ? variance.squareRoot() : 1)
            }
            means = stats.map(\.mean)
            scales = stats.map(\.scale)
            let scale = { @Sendable (c: Int) in
                guard let column = base.pointer?.advanced(by: c * rows) else { return }
                let (m, s) = stats[c]
                for r in 0..<rows { column[r] = (column[r] - m) / s }
            }
            // Small frames on the calling thread (waking a worker costs more than the work).
            if rows * cols < 1 << 16 { (0..<cols).forEach(scale) } else { DispatchQueue.concurrentPerform(iterations: cols, execute: scale) }
        }
    }

    func applyScaling(_ x: Matrix) -> Matrix {
        guard !means.isEmpty else { return x }
        var values = x.values
        for c in 0..<x.cols {
            let (m, s) = (means[c], scales[c])
            for r in 0..<x.rows { values[c * x.rows + r] = (values[c * x.rows + r] - m) / s }
        }
        return Matrix(rows: x.rows, cols: x.cols, values: values)
    }

    /// Learns the encoding from training columns.
    /// - Throws: ``LearnError`` when a column is missing from the frame or holds no value at all.
    public static func fit(_ frame: DataFrame, features names: [String], encoding: CategoryEncoding) throws -> FeatureEncoder {
        for name in names where frame.column(named: name) == nil {
            throw LearnError("the dataset has no column \"\(name)\" (columns: \(frame.columnNames.joined(separator: ", ")))")
        }
        // Columns are learned independently, on all cores.
        let learned = names.parallelMap(chunk: 1) { name -> Result<Feature, LearnError> in
            Result { () throws(LearnError) -> Feature in try feature(name, frame.column(named: name)!) }
        }
        return FeatureEncoder(features: try learned.map { try $0.get() }, encoding: encoding)
    }

    private static func feature(_ name: String, _ column: DataFrame.Column) throws(LearnError) -> Feature {
        switch column.storage {
        case .numeric(let values):
            if values.count >= RadixMedian.threshold {
                // Large columns: the present values' sort keys are written in one pass (no copy first).
                guard let fill = values.withUnsafeBufferPointer({ RadixMedian.median(skippingNaN: $0) }) else {
                    throw LearnError("feature \"\(name)\" has no values: every cell is missing")
                }
                return Feature(name: name, kind: .numeric(fill: fill))
            }
            // The present values, copied without a per-element append.
            var present = [Double](unsafeUninitializedCapacity: values.count) { buffer, count in
                var n = 0
                for v in values where !v.isNaN { buffer[n] = v; n += 1 }
                count = n
            }
            guard !present.isEmpty else { throw LearnError("feature \"\(name)\" has no values: every cell is missing") }
            return Feature(name: name, kind: .numeric(fill: FeatureEncoder.median(&present)))
        case .string(let values):
            var counts: [String: Int] = [:]
            for case let v? in values { counts[v, default: 0] += 1 }
            guard !counts.isEmpty else { throw LearnError("feature \"\(name)\" has no values: every cell is missing") }
            let categories = counts.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let fill = categories.indices.max { counts[categories[$0]]! < counts[categories[$1]]! || (counts[categories[$0]]! == counts[categories[$1]]! && $0 > $1) }!
            return Feature(name: name, kind: .categorical(categories: categories, fill: fill))
        }
    }

    /// The median of `values` (reordered or overwritten in the process), by quickselect: O(n) on average.
    /// Large columns (``RadixMedian/threshold`` values or more) take ``RadixMedian`` (branch-free
    /// passes over 12 bits of the values at a time), which overwrites `values` with its sort keys.
    static func median(_ values: inout [Double]) -> Double {
        values.withUnsafeMutableBufferPointer { v in
            if v.count >= RadixMedian.threshold { return RadixMedian.median(v) }
            let mid = v.count / 2
            let upper = select(v, mid)
            guard v.count % 2 == 0 else { return upper }
            // The lower middle is the largest value left of `mid` after selection.
            var lower = -Double.infinity
            for i in 0..<mid { lower = max(lower, v[i]) }
            return (lower + upper) / 2
        }
    }

    /// Rearranges `v` so that `v[k]` is the k-th smallest and nothing before it is larger.
    static func select(_ v: UnsafeMutableBufferPointer<Double>, _ k: Int) -> Double {
        var lo = 0, hi = v.count - 1
        while lo < hi {
            // Median of three as the pivot, for sorted and reversed inputs.
            let m = lo + (hi - lo) / 2
            let pivot = max(min(v[lo], v[m]), min(max(v[lo], v[m]), v[hi]))
            var i = lo, j = hi
            while i <= j {
                while v[i] < pivot { i += 1 }
                while v[j] > pivot { j -= 1 }
                if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return v[k] }
        }
        return v[k]
    }

    /// Number of columns of the encoded matrix.
    public var width: Int {
        features.reduce(0) { sum, f in
            if case .categorical(let cats, _) = f.kind, encoding == .oneHot { return sum + cats.count }
            return sum + 1
        }
    }

    /// The name of the feature that encoded column `column` comes from.
    public func featureName(ofColumn column: Int) -> String {
        var start = 0
        for f in features {
            var span = 1
            if case .categorical(let cats, _) = f.kind, encoding == .oneHot { span = cats.count }
            if column < start + span { return f.name }
            start += span
        }
        return "column \(column)"
    }

    /// Encodes a frame into a column-major matrix, one pass per column (on all cores for large
    /// frames; see ``batch(_:)``).
    /// - Throws: ``LearnError`` when a feature column is missing or has the wrong type.
    public func transform(_ frame: DataFrame) throws -> Matrix {
        try batch(frame).matrix()
    }

    /// Encodes one raw row given as JSON values keyed by feature name (numbers, strings, or null).
    /// - Throws: ``LearnError`` naming the feature when a value is missing from the row or has the wrong type.
    public func encode(row: [String: JSON], into out: inout [Double]) throws {
        var j = 0
        for f in features { try encode(row[f.name] ?? .null, as: f, at: &j, into: &out) }
        standardizeRow(&out)
    }

    /// Encodes one raw row given as one value per feature, in ``features`` order.
    /// - Throws: ``LearnError`` naming the feature of a value of the wrong type.
    public func encode(values: [JSON], into out: inout [Double]) throws {
        precondition(values.count == features.count, "one value per feature")
        var j = 0
        for (f, v) in zip(features, values) { try encode(v, as: f, at: &j, into: &out) }
        standardizeRow(&out)
    }

    /// Whether every feature is numeric, so that a row can be encoded from numbers alone.
    public var isAllNumeric: Bool {
        features.allSatisfy { if case .numeric = $0.kind { true } else { false } }
    }

    /// Encodes one row of numbers, one per feature in ``features`` order (NaN is missing);
    /// only for encoders where ``isAllNumeric``. Allocation-free.
    public func encode(numbers: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(numbers.count == features.count && out.count == features.count, "one number per feature")
        for (j, f) in features.enumerated() {
            guard case .numeric(let fill) = f.kind else { preconditionFailure("a categorical feature in encode(numbers:)") }
            let d = numbers[j]
            out[j] = d.isNaN ? fill : d
        }
        if !means.isEmpty {
            for c in 0..<means.count { out[c] = (out[c] - means[c]) / scales[c] }
        }
    }

    private func standardizeRow(_ out: inout [Double]) {
        if !means.isEmpty {
            for c in 0..<means.count { out[c] = (out[c] - means[c]) / scales[c] }
        }
    }

    private func encode(_ v: JSON, as f: Feature, at j: inout Int, into out: inout [Double]) throws {
        switch f.kind {
        case .numeric(let fill):
            switch v {
            case .number(let d): out[j] = d.isNaN ? fill : d
            case .null: out[j] = fill
            case .string(let s):
                if CSVReader.isMissing(Array(s.utf8)[...]) { out[j] = fill }
                else if let d = CSVReader.parseNumber(Array(s.utf8)[...]) { out[j] = d }
                else { throw LearnError("feature \"\(f.name)\" must be a number, got \"\(s)\"") }
            case .bool(let b): out[j] = b ? 1 : 0
            default: throw LearnError("feature \"\(f.name)\" must be a number, got \(v.typeDescription)")
            }
            j += 1
        case .categorical(let cats, let fill):
            var code = fill
            switch v {
            case .string(let s): code = f.index[s] ?? fill
            case .number(let d): code = f.index[JSON.format(d)] ?? fill
            case .null: break
            default: throw LearnError("feature \"\(f.name)\" must be a string, got \(v.typeDescription)")
            }
            if encoding == .ordinal {
                out[j] = Double(code)
                j += 1
            } else {
                for k in 0..<cats.count { out[j + k] = k == code ? 1 : 0 }
                j += cats.count
            }
        }
    }
}
