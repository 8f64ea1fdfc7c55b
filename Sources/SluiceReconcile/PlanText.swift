/// How a plan is worded, the same on a terminal (`sluice plan`, `apply`) and in the web UI
/// (`/ui/plan`, a model's page): the words without the colours, which each medium adds itself.
public enum PlanText {
    /// What a line says about the change, for the medium's colour.
    public enum Tone: String, Sendable {
        /// Something is added: a version trained or published.
        case add
        /// Something is looked at again: a gate evaluated.
        case change
        /// Something is removed: a version retired.
        case remove
        /// Nothing changes and nothing is wrong.
        case quiet
        /// A model failed.
        case bad
        /// A model is rejected by its gate or blocked.
        case warn
    }

    /// One line of a plan: a mark (`+ train    `, `= iris`), its tone, and the words after it.
    public struct Line: Sendable, Equatable {
        /// The mark at the start: the action's symbol and name, padded, or the model's status mark.
        public var mark: String
        /// The tone of the mark.
        public var tone: Tone
        /// The rest of the line.
        public var text: String

        /// Creates a line.
        public init(mark: String, tone: Tone, text: String) {
            self.mark = mark
            self.tone = tone
            self.text = text
        }

        /// The line as plain text.
        public var plain: String { mark + text }
    }

    /// The sentence above the plan's blocks.
    /// - Parameters:
    ///   - plan: the plan.
    ///   - hasErrors: whether some manifests did not read (their errors are shown above it).
    public static func headline(_ plan: Plan, hasErrors: Bool) -> String {
        let changing = plan.items.contains { !$0.actions.isEmpty }
        if !changing, plan.items.contains(where: { $0.condition == .blocked }) {
            return "No changes can be carried out, but the models do not match their manifests: a retirement is withheld (see the warning below)."
        }
        if !changing, hasErrors { return "No changes can be made for the models above until their manifest errors are fixed." }
        if !changing { return "No changes. The models match their manifests." }
        return "Sluice will perform the following actions:"
    }

    /// An action: `+ train     1a2b3c4d5e6f  reason`.
    public static func action(_ a: Action) -> Line {
        let v = VersionIdentity.short(a.version)
        switch a {
        case .train: return Line(mark: "+ train    ", tone: .add, text: " \(v)  \(a.reason.message)")
        case .evaluate: return Line(mark: "~ evaluate ", tone: .change, text: " \(v)  \(a.reason.message)")
        case .publish(_, let target, let reason, let conditional):
            return Line(mark: "+ publish  ", tone: .add, text: " \(v)  → \(target.summary)\(conditional ? " (if the gate passes)" : ""): \(reason.message)")
        case .retire(_, let target, let reason):
            return Line(mark: "- retire   ", tone: .remove, text: " \(v)  ← \(target.summary): \(reason.message)")
        }
    }

    /// A model with nothing to do: `= iris: up to date (…)`, `! wine: failed: …`.
    public static func status(_ item: PlanItem) -> Line {
        switch item.condition {
        case .ready: return Line(mark: "= \(item.model)", tone: .quiet, text: ": up to date (\(item.message))")
        case .failed: return Line(mark: "! \(item.model)", tone: .bad, text: ": failed: \(item.message)")
        case .rejected: return Line(mark: "! \(item.model)", tone: .warn, text: ": rejected: \(item.message)")
        case .blocked: return Line(mark: "! \(item.model)", tone: .warn, text: ": \(item.message)")
        default: return Line(mark: "= \(item.model)", tone: .quiet, text: ": \(item.condition.rawValue): \(item.message)")
        }
    }

    /// The counts at the end, after `Plan:`: `1 to train, 0 to evaluate, …; 2 unchanged, 1 failed.`
    public static func summary(_ plan: Plan) -> String {
        let quiet = plan.items.filter(\.actions.isEmpty)
        func n(_ c: Condition) -> Int { quiet.filter { $0.condition == c }.count }
        var tail = ["\(n(.ready)) unchanged"]
        for (c, word) in [(Condition.failed, "failed"), (.rejected, "rejected"), (.blocked, "blocked"), (.suspended, "suspended"), (.retired, "retired")] where n(c) > 0 {
            tail.append("\(n(c)) \(word)")
        }
        return "\(plan.count(.train)) to train, \(plan.count(.evaluate)) to evaluate, \(plan.count(.publish)) to publish, \(plan.count(.retire)) to retire; "
            + tail.joined(separator: ", ") + "."
    }
}
