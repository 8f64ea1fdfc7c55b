import SluiceCore

/// A built-in algorithm: its name in manifests, the tasks it supports and its parameters.
public struct Algorithm: Sendable {
    public var name: String
    public var tasks: [LearningTask]
    public var summary: String
    public var parameters: [Parameter]

    /// The parameter called `name`.
    public func parameter(_ name: String) -> Parameter? {
        parameters.first { $0.name == name }
    }

    /// `params` with every missing parameter set to its default.
    public func filled(_ params: [String: JSON]) -> [String: JSON] {
        var out = params
        for p in parameters where out[p.name] == nil { out[p.name] = p.defaultValue }
        return out
    }
}
