/// Why a model cannot be exported to ONNX, in words a user can act on.
public struct ONNXExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The full message: the model, what stops the export, and what to do.
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
