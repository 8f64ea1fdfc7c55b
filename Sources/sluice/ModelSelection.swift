import ArgumentParser
import SluiceManifest
import SluiceReconcile

/// `plan --model NAME` and `apply --model NAME` (repeatable): the plan narrowed to those models,
/// so nothing is trained, published or retired for any other.
enum ModelSelection {
    /// The items of `plan` for `names` (all of them when `names` is empty).
    /// - Throws: exit code 1, naming a model that neither a manifest nor the store knows.
    static func narrow(_ plan: Plan, to names: [String]) throws -> Plan {
        guard !names.isEmpty else { return plan }
        let known = plan.items.map(\.model)
        for name in names where !known.contains(name) {
            let hint = Suggestion.closest(to: name, in: known).map { " (did you mean \"\($0)\"?)" } ?? ""
            Terminal.error("--model \(name): no manifest declares it and the store has no such model\(hint); models: \(known.joined(separator: ", "))")
            throw ExitCode(1)
        }
        var narrowed = plan
        narrowed.items = plan.items.filter { names.contains($0.model) }
        return narrowed
    }
}
