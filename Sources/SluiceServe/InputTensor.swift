import SluiceCore

/// One input tensor of an inference request, its data flattened in row-major order.
public struct InputTensor: Sendable, Equatable {
    /// Element values: numbers (every numeric type and BOOL, as doubles) or strings (BYTES).
    public enum Values: Sendable, Equatable {
        case numbers([Double])
        case strings([String])

        var count: Int {
            switch self {
            case .numbers(let v): v.count
            case .strings(let v): v.count
            }
        }
    }

    public var name: String
    public var datatype: Datatype
    public var shape: [Int]
    public var values: Values
}
