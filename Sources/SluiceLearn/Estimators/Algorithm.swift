import SluiceCore

/// A built-in algorithm: its name in manifests, the tasks it supports, its parameters, how its
/// features are encoded and how its estimator is built from resolved parameters.
public struct Algorithm: Sendable {
    public var name: String
    public var tasks: [LearningTask]
    public var summary: String
    public var parameters: [Parameter]
    /// How text features reach the estimator: one-hot columns (linear models, kNN, naive Bayes)
    /// or ordinal codes (trees split them).
    public var encoding: FeatureEncoder.CategoryEncoding
    /// The estimator for resolved parameters and the number of encoded feature columns.
    let estimator: @Sendable (_ parameters: HyperParameters, _ features: Int) -> any Estimator

    /// The parameter called `name`.
    public func parameter(_ name: String) -> Parameter? {
        parameters.first { $0.name == name }
    }

    /// `params` with every missing parameter set to its default: the `params` a manifest records
    /// (task-dependent `null`s stay `null`; ``HyperParameters`` resolves them).
    public func filled(_ params: [String: JSON]) -> [String: JSON] {
        var out = params
        for p in parameters where out[p.name] == nil { out[p.name] = p.defaultValue }
        return out
    }
}
