/// The numeric columns of a CSV file, written in place by the readers of its chunks (of ``CSVReader``).
///
/// Each column is allocated once, at an upper bound of the row count, and the readers write straight
/// into it through a pointer: no array grows by doubling and no chunk is copied into the frame
/// afterwards (the copies used to cost a second set of page faults and a pass over every value).
enum CSVColumnStorage {
    /// Up to this many columns, the frame's own arrays are filled (one nested closure per column);
    /// past it, separate buffers are filled and then copied.
    static let nestingLimit = 256

    /// What a fill left in the buffers: `rows` values at the start of each column that `keep` marks.
    struct Filled {
        var rows: Int
        var keep: [Bool]
    }

    /// Calls `fill` with one buffer of `capacity` (≥ 1) uninitialized doubles per column and returns
    /// the columns: the first `rows` values of each kept column, and an empty array for the others.
    /// - Complexity: O(`width`) besides `fill`, for `width` ≤ ``nestingLimit``; O(`width` × rows) above it.
    static func make(width: Int, capacity: Int, fill: ([UnsafeMutablePointer<Double>]) -> Filled) -> [[Double]] {
        precondition(capacity >= 1)
        if width <= nestingLimit {
            var pointers: [UnsafeMutablePointer<Double>] = []
            pointers.reserveCapacity(width)
            var columns = [[Double]](repeating: [], count: width)
            var filled: Filled?
            nest(0, capacity: capacity, pointers: &pointers, columns: &columns, filled: &filled, fill: fill)
            return columns
        }
        let buffers = (0..<width).map { _ in UnsafeMutablePointer<Double>.allocate(capacity: capacity) }
        let filled = fill(buffers)
        precondition(filled.rows <= capacity && filled.keep.count == width)
        var columns: [[Double]] = []
        columns.reserveCapacity(width)
        for c in 0..<width {
            columns.append(filled.keep[c] ? Array(UnsafeBufferPointer(start: buffers[c], count: filled.rows)) : [])
            buffers[c].deallocate()
        }
        return columns
    }

    /// Allocates column `c` as an array and, inside its initializer, the columns after it; the
    /// innermost call fills them all, and each initializer then takes its count.
    private static func nest(_ c: Int, capacity: Int, pointers: inout [UnsafeMutablePointer<Double>], columns: inout [[Double]],
                             filled: inout Filled?, fill: ([UnsafeMutablePointer<Double>]) -> Filled) {
        if c == columns.count {
            let result = fill(pointers)
            precondition(result.rows <= capacity && result.keep.count == columns.count)
            filled = result
            return
        }
        let column = [Double](unsafeUninitializedCapacity: capacity) { buffer, count in
            pointers.append(buffer.baseAddress!)
            nest(c + 1, capacity: capacity, pointers: &pointers, columns: &columns, filled: &filled, fill: fill)
            if let filled, filled.keep[c] { count = filled.rows }
        }
        columns[c] = column
    }
}
