import SluiceCore

/// A built-in algorithm: its name in manifests, the tasks it supports, its parameters, how its
/// features are encoded and how its estimator is built from resolved parameters.
public struct Algorithm: Sendable {
    /// The name manifests give in `spec.algorithm.name` (snake_case, as in the docs).
    public var name: String
    /// The tasks it supports.
    public var tasks: [LearningTask]
    /// One sentence for `sluice schema` and the docs, naming its scikit-learn counterpart.
    public var summary: String
    /// Its parameters, with their allowed values and defaults: the one place defaults are written.
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
