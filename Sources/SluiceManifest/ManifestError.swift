import SluiceCore

/// A problem in a manifest file: which file, where in it, which field, and what to do.
///
/// Reads like a compiler diagnostic so editors can jump to it:
/// `manifests/iris.json:9:24: spec.algorithm.params.nEstimators: 0 is out of range; expected an integer from 1 to 10000`.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, relative to the root.
    public var file: String
    /// Where in the file, when the problem is at one place.
    public var position: SourcePosition?
    /// The JSON path of the field (`spec.algorithm.params.nEstimators`), empty for the whole file.
    public var path: String
    public var message: String
    /// The model the problem belongs to, when its name could be read.
    public var model: String?

    public init(file: String, position: SourcePosition?, path: String, message: String, model: String? = nil) {
        self.file = file
        self.position = position
        self.path = path
        self.message = message
        self.model = model
    }

    public var description: String {
        var s = file
        if let position { s += ":\(position.line):\(position.column)" }
        s += ": "
        if !path.isEmpty { s += "\(path): " }
        return s + message
    }
}
