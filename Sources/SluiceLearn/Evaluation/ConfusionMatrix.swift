import SluiceCore

/// Counts of (true class, predicted class) pairs.
public struct ConfusionMatrix: Sendable, Equatable {
    public var classes: Int
    /// `counts[truth * classes + predicted]`.
    public var counts: [Int]

    public init(truth: [Int], predicted: [Int], classes: Int) {
        self.classes = classes
        counts = [Int](repeating: 0, count: classes * classes)
        for (t, p) in zip(truth, predicted) { counts[t * classes + p] += 1 }
    }

    public subscript(truth: Int, predicted: Int) -> Int { counts[truth * classes + predicted] }

    /// Rows of the matrix, one per true class.
    public var rows: [[Int]] { (0..<classes).map { Array(counts[($0 * classes)..<(($0 + 1) * classes)]) } }
}
