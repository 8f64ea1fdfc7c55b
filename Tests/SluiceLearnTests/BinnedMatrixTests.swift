import Testing
@testable import SluiceLearn

/// Binning by a radix sort of the column and one walk of its order gives the edges and codes of
/// the straightforward code: a stable comparison sort of the values for the edges, then a binary
/// search per value.
@Suite struct BinnedMatrixTests {
    /// The straightforward binning of one column.
    static func reference(_ column: [Double], maxBins: Int) -> ([Double], [UInt8]) {
        let edges = BinnedMatrix.edges(column[...], maxBins: maxBins)
        let codes = edges.withUnsafeBufferPointer { e in column.map { UInt8(BinnedMatrix.bin($0, e)) } }
        return (edges, codes)
    }

    /// Columns of every kind: many distinct values (quantile edges), few (one bin per value), ties,
    /// −0 and +0 in both orders, negative and huge values, subnormals, a constant.
    static func columns(rows: Int) -> [[Double]] {
        var rng = SplitMix64(seed: 7)
        func unit() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        let wide = (0..<rows).map { _ in (unit() - 0.5) * 1e6 }
        let few = (0..<rows).map { _ in Double(Int(unit() * 9)) - 4 }
        let zeros = (0..<rows).map { i in i % 3 == 0 ? -0.0 : (i % 3 == 1 ? 0.0 : Double(Int(unit() * 300)) - 150) }
        let zerosFlipped = zeros.map { $0 == 0 ? ($0.sign == .minus ? 0.0 : -0.0) : $0 }
        let mixed = (0..<rows).map { _ -> Double in
            let u = unit()
            if u < 0.1 { return Double.leastNonzeroMagnitude * Double(Int(u * 40)) }
            if u < 0.2 { return -1e300 * u }
            return (u * 1000).rounded() / 7
        }
        let constant = [Double](repeating: 2.5, count: rows)
        return [wide, few, zeros, zerosFlipped, mixed, constant]
    }

    @Test(arguments: [1, 2, 300, 5000])
    func radixBinningGivesTheEdgesAndCodesOfTheComparisonSort(rows: Int) {
        let columns = Self.columns(rows: rows)
        let x = Matrix(rows: rows, cols: columns.count, values: columns.flatMap { $0 })
        for maxBins in [255, 16] {
            let binned = BinnedMatrix(x, maxBins: maxBins)
            for (c, column) in columns.enumerated() {
                let (edges, codes) = Self.reference(column, maxBins: maxBins)
                #expect(binned.edges[c].map(\.bitPattern) == edges.map(\.bitPattern), "column \(c), \(maxBins) bins")
                #expect(Array(binned.codes[(c * rows)..<((c + 1) * rows)]) == codes, "column \(c), \(maxBins) bins")
            }
        }
    }

    @Test func columnsWithNaNAreBinnedAsBefore() {
        let column: [Double] = [3, .nan, 1, 2, .nan, 0, -1]
        let binned = BinnedMatrix(Matrix(rows: column.count, cols: 1, values: column))
        let (edges, codes) = Self.reference(column, maxBins: 255)
        #expect(binned.edges[0].map(\.bitPattern) == edges.map(\.bitPattern))
        #expect(binned.codes == codes)
    }
}
