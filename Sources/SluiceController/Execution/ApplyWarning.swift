import SluiceReconcile

/// A problem `apply` reports beside the models' outcomes. ``description`` is the line shown to
/// people (and logged by the controller).
public enum ApplyWarning: Sendable, Equatable, CustomStringConvertible {
    /// A warning of the plan that was carried out (an invalid manifest, a withheld retirement, …).
    case plan(PlanWarning)
    /// The models' conditions could not be written to the store, so `sluice status` still shows
    /// the previous ones; the error says why.
    case conditionsNotRecorded(String)

    /// Whether this is an invalid manifest, which makes `apply` exit 1.
    public var isInvalidManifest: Bool {
        if case .plan(.invalidManifest) = self { true } else { false }
    }

    public var description: String {
        switch self {
        case .plan(let warning): warning.description
        case .conditionsNotRecorded(let error): "cannot record the models' conditions in the store: \(error)"
        }
    }
}
