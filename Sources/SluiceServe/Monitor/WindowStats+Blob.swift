import SluiceMonitor

extension WindowStats {
    /// The compact stored form of a time bucket's counts (its labelled statistics are not stored: labels
    /// join the row log at query time): every feature's counts, the unknown counts and the prediction
    /// counts as little-endian 64-bit integers, then `calibratedSum` as a little-endian double. The bins
    /// are the profile's, so the layout follows from it.
    ///
    /// - Complexity: O(bins).
    var blob: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 * (features.reduce(0) { $0 + $1.counts.count } + unknown.count + prediction.counts.count + 2))
        func put(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        put(UInt64(rows))
        for h in features { for c in h.counts { put(UInt64(c)) } }
        for c in unknown { put(UInt64(c)) }
        for c in prediction.counts { put(UInt64(c)) }
        put(calibratedSum.bitPattern)
        return out
    }

    /// Reads the form written by ``blob`` on the bins of `profile`.
    ///
    /// - Throws: ``MonitorError`` when the length does not fit the profile's bins.
    init(blob: [UInt8], profile: ReferenceProfile) throws(MonitorError) {
        let binCount = profile.features.reduce(0) { $0 + $1.bins.count } + profile.features.count + profile.prediction.bins.count
        guard blob.count == 8 * (binCount + 2) else {
            throw MonitorError("a stored monitor bucket of \(blob.count) bytes does not fit the model's reference profile (\(8 * (binCount + 2)) bytes)")
        }
        var offset = 0
        func next() -> UInt64 {
            defer { offset += 8 }
            return blob[offset..<(offset + 8)].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        }
        func int() -> Int { Int(truncatingIfNeeded: next()) }
        let rows = int()
        var features: [Histogram] = []
        for f in profile.features {
            features.append(try Histogram(bins: f.bins, counts: (0..<f.bins.count).map { _ in int() }))
        }
        let unknown = (0..<profile.features.count).map { _ in int() }
        let prediction = try Histogram(bins: profile.prediction.bins, counts: (0..<profile.prediction.bins.count).map { _ in int() })
        let calibratedSum = Double(bitPattern: next())
        try self.init(rows: rows, features: features, unknown: unknown, prediction: prediction, calibratedSum: calibratedSum,
                      labelled: LabelledStats(classes: profile.classes.count))
    }
}

/// A window's counts summed straight from stored buckets, in the layout of ``WindowStats/blob`` (rows,
/// every feature's counts, the unknown counts, the prediction counts), without building statistics per
/// bucket: what keeps a day of one-minute buckets fast to read.
struct BucketSum {
    /// The counts, in blob order; `counts[0]` is the rows.
    private(set) var counts: [Int]
    /// Σ calibrated P(correct).
    private(set) var calibratedSum = 0.0

    /// An empty sum on the bins of `profile`.
    init(profile: ReferenceProfile) {
        counts = Array(repeating: 0, count: 1 + profile.features.reduce(0) { $0 + $1.bins.count } + profile.features.count
                       + profile.prediction.bins.count)
    }

    /// The rows summed.
    var rows: Int { counts[0] }

    /// Adds one stored bucket.
    /// - Throws: ``MonitorError`` when its length does not fit the profile's bins.
    /// - Complexity: O(bins).
    mutating func add(blob: UnsafeRawBufferPointer) throws(MonitorError) {
        guard blob.count == 8 * (counts.count + 1) else {
            throw MonitorError("a stored monitor bucket of \(blob.count) bytes does not fit the model's reference profile (\(8 * (counts.count + 1)) bytes)")
        }
        counts.withUnsafeMutableBufferPointer { c in
            for i in c.indices { c[i] &+= Int(truncatingIfNeeded: UInt64(littleEndian: blob.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
        }
        calibratedSum += Double(bitPattern: UInt64(littleEndian: blob.loadUnaligned(fromByteOffset: 8 * counts.count, as: UInt64.self)))
    }

    /// Adds statistics held in memory.
    mutating func add(_ stats: WindowStats) throws(MonitorError) {
        let blob = stats.blob
        var failure: MonitorError?
        blob.withUnsafeBytes { raw in
            do throws(MonitorError) { try add(blob: raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// The sum as statistics on the bins of `profile` (with empty labelled statistics).
    func stats(profile: ReferenceProfile) throws(MonitorError) -> WindowStats {
        var blob: [UInt8] = []
        blob.reserveCapacity(8 * (counts.count + 1))
        for c in counts { withUnsafeBytes(of: UInt64(truncatingIfNeeded: c).littleEndian) { blob.append(contentsOf: $0) } }
        withUnsafeBytes(of: calibratedSum.bitPattern.littleEndian) { blob.append(contentsOf: $0) }
        return try WindowStats(blob: blob, profile: profile)
    }
}
