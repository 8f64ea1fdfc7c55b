import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CSVReader {
    /// A range of data rows read by one core.
    struct RowRange: Sendable {
        var start: Int
        var end: Int
        /// The 1-based line on which the span begins.
        var line: Int
        /// An upper bound on its records: its line ends (LF, CRLF or a lone CR) plus one.
        var capacity: Int
    }

    /// A buffer shared read-only with the threads that read its spans.
    struct SharedBytes: @unchecked Sendable {
        let pointer: UnsafePointer<UInt8>
    }

    /// Cuts the data rows (from `dataStart`, on line `dataLine`) at line ends into one span per core
    /// when they are over 4 MB and hold no quote (a quote could hide a line end inside a field, so
    /// quoted files are read whole), and bounds each span's records. The spans are scanned in
    /// parallel (``scan(_:from:to:quotes:)``).
    /// - Complexity: O(n) in the size of the input.
    static func spans(_ buffer: UnsafeBufferPointer<UInt8>, from dataStart: Int, line dataLine: Int) -> [RowRange] {
        let count = buffer.count
        guard let base = buffer.baseAddress, dataStart < count else { return [RowRange(start: dataStart, end: count, line: dataLine, capacity: 1)] }
        var cuts = [(start: dataStart, end: count)]
        let cores = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        if count - dataStart > 4 << 20, cores > 1 {
            cuts = []
            var start = dataStart
            for k in 1...cores {
                var end = count
                if k < cores {
                    // The span ends after the first line feed at or after the byte before the cut.
                    let cut = dataStart + (count - dataStart) * k / cores
                    if let feed = memchr(base + cut - 1, 0x0A, count - cut + 1) { end = UnsafeRawPointer(feed) - UnsafeRawPointer(base) + 1 }
                }
                if end <= start { continue }
                cuts.append((start, end))
                start = end
            }
        }
        let shared = SharedBytes(pointer: base)
        let ranges = cuts
        let checkQuotes = ranges.count > 1
        let scans = concurrentMap(ranges.count) { k in scan(shared.pointer, from: ranges[k].start, to: ranges[k].end, quotes: checkQuotes) }
        if checkQuotes, scans.contains(where: \.quote) {
            return [RowRange(start: dataStart, end: count, line: dataLine, capacity: scans.reduce(0) { $0 + $1.records })]
        }
        var spans: [RowRange] = []
        var line = dataLine
        for (cut, scan) in zip(ranges, scans) {
            spans.append(RowRange(start: cut.start, end: cut.end, line: line, capacity: scan.records))
            line += scan.feeds
        }
        return spans
    }

    /// What a scan of `base[start..<end]` finds: whether it holds a quote (when asked), its line feeds,
    /// and an upper bound on the records that start in it. `memchr` does the reading (vectorized by
    /// the C library; Swift's generic SIMD comparisons compile to a loop over lanes).
    static func scan(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int, quotes: Bool)
        -> (quote: Bool, feeds: Int, records: Int) {
        guard start < end else { return (false, 0, 1) }
        let quote = quotes && memchr(base + start, Int32(UInt8(ascii: "\"")), end - start) != nil
        var feeds = 0
        var i = start
        while i < end, let feed = memchr(base + i, 0x0A, end - i) {
            feeds += 1
            i = UnsafeRawPointer(feed) - UnsafeRawPointer(base) + 1
        }
        guard memchr(base + start, 0x0D, end - start) != nil else { return (quote, feeds, feeds + 1) }
        // Carriage returns: each one not followed by a line feed also ends a record.
        var ends = 0
        for i in start..<end {
            let b = base[i]
            if b == 0x0A || (b == 0x0D && (i + 1 == end || base[i + 1] != 0x0A)) { ends += 1 }
        }
        return (quote, feeds, ends + 1)
    }

    /// `body(k)` for every k in 0..<`count`, on all cores, in order.
    static func concurrentMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        if count == 1 { return [body(0)] }
        let results = Mutex([T?](repeating: nil, count: count))
        DispatchQueue.concurrentPerform(iterations: count) { k in
            let result = body(k)
            results.withLock { $0[k] = result }
        }
        return results.withLock { r in
            let all = r.map { $0! }
            r = []
            return all
        }
    }
}
