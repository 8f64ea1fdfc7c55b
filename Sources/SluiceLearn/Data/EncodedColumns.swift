import Dispatch

/// Encoded feature columns that a batch kernel reads one block of rows at a time, column by
/// column: a ``Matrix`` (read in place), or a raw frame resolved against its encoder
/// (``FeatureEncoder/Batch``, encoded block by block as the kernel asks, never as a whole matrix).
protocol EncodedColumns: Sendable {
    /// Number of rows.
    var rows: Int { get }
    /// Number of encoded columns.
    var cols: Int { get }
    /// Calls `body` with the encoded values of column `c` for `rows`, contiguous: in place when
    /// they need no encoding and `copy` is false, otherwise written into `scratch`
    /// (`rows.count` values) first.
    func withColumn<R>(_ c: Int, rows: Range<Int>, scratch: UnsafeMutablePointer<Double>, copy: Bool,
                       _ body: (UnsafePointer<Double>) -> R) -> R
}

extension Matrix: EncodedColumns {
    func withColumn<R>(_ c: Int, rows range: Range<Int>, scratch: UnsafeMutablePointer<Double>, copy: Bool,
                       _ body: (UnsafePointer<Double>) -> R) -> R {
        values.withUnsafeBufferPointer { v in
            let start = v.baseAddress! + c * rows + range.lowerBound
            guard copy else { return body(start) }
            scratch.update(from: start, count: range.count)
            return body(scratch)
        }
    }
}

extension EncodedColumns {
    /// The columns as a ``Matrix``, each written in one pass (on all cores for large batches).
    func matrix() -> Matrix {
        if let m = self as? Matrix { return m }
        let (rows, cols) = (self.rows, self.cols)
        let values = [Double](unsafeUninitializedCapacity: rows * cols) { buffer, count in
            let out = SendablePointer(buffer.baseAddress)
            let fill = { @Sendable (c: Int) in
                guard let base = out.pointer else { return }
                let column = base + c * rows
                self.withColumn(c, rows: 0..<rows, scratch: column, copy: true) { _ in }
            }
            if rows * cols >= 1 << 16 && cols > 1 {
                DispatchQueue.concurrentPerform(iterations: cols, execute: fill)
            } else {
                for c in 0..<cols { fill(c) }
            }
            count = rows * cols
        }
        return Matrix(rows: rows, cols: cols, values: values)
    }
}

/// A pointer shared by workers that write disjoint parts of its memory.
struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>?
    init(_ pointer: UnsafeMutablePointer<Double>?) { self.pointer = pointer }
}
