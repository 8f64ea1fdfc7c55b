import SluiceCore

extension FeatureEncoder {
    /// A raw frame checked against the encoder and ready to encode, block by block, straight
    /// into the column layout estimators read: numeric columns are read in place (or filled and
    /// standardised into a block-sized buffer), string columns are looked up once into category
    /// codes. No per-row dictionary, no boxed values, no rows × columns copy unless asked for
    /// (``FeatureEncoder/transform(_:)``).
    public struct Batch: Sendable {
        /// Where an encoded column's values come from.
        enum Source: Sendable {
            /// A numeric feature: the raw values, NaN for missing (which become `fill`).
            case numeric([Double], fill: Double)
            /// A categorical feature's codes: the code itself (`category` nil, ordinal encoding),
            /// or the indicator of one category (one-hot).
            case codes([Int32], category: Int32?)
        }

        /// Number of rows.
        public let rows: Int
        let sources: [Source]
        let means: [Double]
        let scales: [Double]

        /// Number of encoded columns.
        public var cols: Int { sources.count }
    }

    /// Checks `frame` against the features and prepares it for encoding (see ``Batch``).
    /// - Throws: ``LearnError`` when a feature column is missing or has the wrong type.
    /// - Complexity: O(rows) per categorical feature (one hash lookup per cell); O(1) per numeric one.
    public func batch(_ frame: DataFrame) throws -> Batch {
        var sources: [Batch.Source] = []
        sources.reserveCapacity(width)
        for f in features {
            guard let column = frame.column(named: f.name) else {
                throw LearnError("the data has no column \"\(f.name)\", which the model needs")
            }
            switch (f.kind, column.storage) {
            case (.numeric(let fill), .numeric(let v)):
                sources.append(.numeric(v, fill: fill))
            case (.categorical(let cats, let fill), .string(let v)):
                let codes = v.map { s in Int32(s.flatMap { f.index[$0] } ?? fill) }
                appendCategorical(codes, count: cats.count, into: &sources)
            case (.categorical(let cats, let fill), .numeric(let v)):
                // A categorical column whose cells happen to all be numbers in this file.
                let codes = v.map { d in Int32(d.isNaN ? fill : f.index[JSON.format(d)] ?? fill) }
                appendCategorical(codes, count: cats.count, into: &sources)
            case (.numeric, .string(let v)):
                let bad = v.first { $0 != nil } ?? nil
                throw LearnError("feature \"\(f.name)\" must be numeric, but the data holds text (e.g. \"\(bad ?? "")\")")
            }
        }
        return Batch(rows: frame.rowCount, sources: sources, means: means, scales: scales)
    }

    private func appendCategorical(_ codes: [Int32], count: Int, into sources: inout [Batch.Source]) {
        if encoding == .ordinal {
            sources.append(.codes(codes, category: nil))
        } else {
            for k in 0..<count { sources.append(.codes(codes, category: Int32(k))) }
        }
    }
}

extension FeatureEncoder.Batch: EncodedColumns {
    /// Encodes column `c` of `range` exactly as ``FeatureEncoder/transform(_:)`` always has:
    /// missing values filled, then `(x − mean) / scale` when standardising.
    func withColumn<R>(_ c: Int, rows range: Range<Int>, scratch: UnsafeMutablePointer<Double>, copy: Bool,
                       _ body: (UnsafePointer<Double>) -> R) -> R {
        let n = range.count
        switch sources[c] {
        case .numeric(let values, let fill):
            return values.withUnsafeBufferPointer { v in
                let src = v.baseAddress! + range.lowerBound
                if means.isEmpty {
                    if !copy {
                        // Read in place unless the block has a missing value (a branch-free scan).
                        var missing: UInt8 = 0
                        for i in 0..<n { missing |= src[i].isNaN ? 1 : 0 }
                        if missing == 0 { return body(src) }
                    }
                    for i in 0..<n { scratch[i] = src[i].isNaN ? fill : src[i] }
                } else {
                    let (m, s) = (means[c], scales[c])
                    for i in 0..<n {
                        let x = src[i].isNaN ? fill : src[i]
                        scratch[i] = (x - m) / s
                    }
                }
                return body(scratch)
            }
        case .codes(let codes, let category):
            codes.withUnsafeBufferPointer { k in
                let src = k.baseAddress! + range.lowerBound
                if let category {
                    for i in 0..<n { scratch[i] = src[i] == category ? 1 : 0 }
                } else {
                    for i in 0..<n { scratch[i] = Double(src[i]) }
                }
            }
            if !means.isEmpty {
                let (m, s) = (means[c], scales[c])
                for i in 0..<n { scratch[i] = (scratch[i] - m) / s }
            }
            return body(scratch)
        }
    }
}
