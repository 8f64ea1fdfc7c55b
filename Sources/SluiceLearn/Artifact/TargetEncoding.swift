import SluiceCore

/// The target column and, for classification, its classes in sorted order (numerically for
/// numeric targets).
public struct TargetEncoding: Sendable, Equatable {
    public var name: String
    public var numeric: Bool
    /// Class labels as text (numbers in canonical form); empty for regression.
    public var classes: [String]

    public init(name: String, numeric: Bool, classes: [String]) {
        self.name = name
        self.numeric = numeric
        self.classes = classes
    }

    /// The label of class `k`, as a JSON number for numeric targets.
    public func label(_ k: Int) -> JSON {
        numeric ? .number(Double(classes[k]) ?? .nan) : .string(classes[k])
    }
}
