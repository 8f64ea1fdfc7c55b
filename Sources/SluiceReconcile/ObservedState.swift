/// What is actually there: for each model, its trained versions, gate verdicts and publication
/// (from the store), and what its deployment target really holds (observed just now).
public struct ObservedState: Sendable {
    public var models: [String: ObservedModel]
    public init(models: [String: ObservedModel] = [:]) { self.models = models }

    public subscript(name: String) -> ObservedModel {
        models[name] ?? ObservedModel(name: name)
    }

    /// Names of models that are published somewhere now.
    public var publishedNames: [String] {
        models.values.filter { $0.publication != nil }.map(\.name).sorted()
    }
}
