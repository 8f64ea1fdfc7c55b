import Dispatch

extension ModelArtifact {
    /// Predictions for every row of an encoded matrix, into one flat buffer (on both cores for
    /// large batches). Each row's values are the same Doubles as ``predict(_:into:)`` gives for it.
    /// - Throws: ``LearnError/nonFinitePrediction(row:)`` for the first row whose prediction is
    ///   not finite.
    /// - Complexity: O(rows × the family's cost per row).
    public func predictions(_ x: Matrix) throws(LearnError) -> Predictions {
        try checkWidth(x.cols)
        return try Self.checked(unchecked(x))
    }

    /// Predictions for a raw frame prepared by ``FeatureEncoder/batch(_:)``, encoded block by
    /// block as the model reads it (no encoded copy of the whole frame, except for k-nearest
    /// neighbours, which need every query row at once).
    /// - Throws: ``LearnError/nonFinitePrediction(row:)`` for the first row whose prediction is
    ///   not finite.
    public func predictions(_ batch: FeatureEncoder.Batch) throws(LearnError) -> Predictions {
        try checkWidth(batch.cols)
        return try Self.checked(unchecked(batch))
    }

    /// The kernels read `encoder.width` columns: fewer would be read past the end, more ignored.
    private func checkWidth(_ cols: Int) throws(LearnError) {
        guard cols == encoder.width else {
            throw LearnError("the encoded rows have \(cols) columns, but this model reads \(encoder.width); encode them with the model's own encoder")
        }
    }

    /// Predictions for a raw frame: ``FeatureEncoder/batch(_:)`` then ``predictions(_:)-(FeatureEncoder.Batch)``.
    /// - Throws: ``LearnError`` when a feature column is missing or of the wrong type, or for the
    ///   first row whose prediction is not finite.
    public func predictions(_ frame: DataFrame) throws -> Predictions {
        try predictions(encoder.batch(frame))
    }

    private static func checked(_ p: Predictions) throws(LearnError) -> Predictions {
        let bad = p.values.withUnsafeBufferPointer { v -> Int? in
            // A value is not finite when its exponent bits are all ones: a branch-free scan,
            // then a search only when one was seen.
            let exponent = Double.infinity.bitPattern
            var seen: UInt8 = 0
            for x in v { seen |= x.bitPattern & exponent == exponent ? 1 : 0 }
            return seen == 0 ? nil : v.firstIndex { !$0.isFinite }
        }
        if let bad { throw LearnError.nonFinitePrediction(row: bad / max(p.outputs, 1) + 1) }
        return p
    }

    func unchecked<C: EncodedColumns>(_ x: C) -> Predictions {
        let rows = x.rows, width = outputs
        let values = [Double](unsafeUninitializedCapacity: rows * width) { buffer, count in
            count = rows * width
            guard rows > 0, let base = buffer.baseAddress else { return }
            if case .neighbors(let m) = fitted {
                m.predict(x.matrix(), into: base)
                return
            }
            let out = SendablePointer(base)
            // Parts of at least 16k encoded values (one thread's wake-up is worth that much work).
            let parts = min(8, max(1, rows * max(x.cols, 1) / 16_384), max(1, rows / 64))
            let run = { @Sendable (part: Int) in
                let range = (rows * part / parts)..<(rows * (part + 1) / parts)
                self.fill(x, rows: range, into: out.pointer!)
            }
            if parts == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: run) }
        }
        return Predictions(rows: rows, outputs: width, values: values)
    }

    /// Writes the predictions for `range` of `x` at `out + r × outputs`, with the family's batch
    /// kernel where it has one, otherwise row by row from a block transposed into one reused buffer.
    private func fill<C: EncodedColumns>(_ x: C, rows range: Range<Int>, into out: UnsafeMutablePointer<Double>) {
        switch fitted {
        case .linear(let m): m.predict(x, rows: range, into: out)
        case .naiveBayes(let m): m.predict(x, rows: range, into: out)
        case .trees, .boosted, .neighbors: rowByRow(x, rows: range, into: out)
        }
    }

    private func rowByRow<C: EncodedColumns>(_ x: C, rows range: Range<Int>, into out: UnsafeMutablePointer<Double>) {
        let cols = x.cols, width = outputs
        let block = max(1, min(256, 16_384 / max(cols, 1)))
        let column = UnsafeMutablePointer<Double>.allocate(capacity: block)
        let rowsBuffer = UnsafeMutablePointer<Double>.allocate(capacity: block * max(cols, 1))
        defer { column.deallocate(); rowsBuffer.deallocate() }
        var lo = range.lowerBound
        while lo < range.upperBound {
            let n = min(block, range.upperBound - lo)
            for c in 0..<cols {
                x.withColumn(c, rows: lo..<(lo + n), scratch: column, copy: false) { v in
                    for i in 0..<n { rowsBuffer[i * cols + c] = v[i] }
                }
            }
            if case .boosted(let m) = fitted {
                // Tree by tree over the block: the same Doubles as row by row.
                m.predict(rows: rowsBuffer, count: n, cols: cols, into: out + lo * width, width: width)
                lo += n
                continue
            }
            for i in 0..<n {
                predict(UnsafeBufferPointer(start: rowsBuffer + i * cols, count: cols),
                        into: UnsafeMutableBufferPointer(start: out + (lo + i) * width, count: width))
            }
            lo += n
        }
    }
}
