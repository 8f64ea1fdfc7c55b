import SluiceManifest
import SluiceReconcile

/// Prints a plan the way Terraform does: one block per model that changes, symbols for the kind
/// of change, a line per unchanged model, and counts at the end.
enum PlanPrinter {
    static func print(_ plan: Plan, errors: [ManifestError]) {
        for e in errors { Terminal.print(Terminal.paint("✗ ", .red) + "\(e)") }
        if !errors.isEmpty { Terminal.print() }
        let changing = plan.items.filter { !$0.actions.isEmpty }
        if changing.isEmpty, plan.items.contains(where: { $0.condition == .blocked }) {
            Terminal.print("No changes can be carried out, but the models do not match their manifests: a retirement is withheld (see the warning below).")
        } else if changing.isEmpty, !errors.isEmpty {
            Terminal.print("No changes can be made for the models above until their manifest errors are fixed.")
        } else if changing.isEmpty {
            Terminal.print("No changes. The models match their manifests.")
        } else {
            Terminal.print("Sluice will perform the following actions:")
        }
        for item in changing {
            Terminal.print()
            Terminal.print(Terminal.paint("  # \(item.model)", .bold))
            for a in item.actions { Terminal.print("  " + line(a)) }
        }
        let quiet = plan.items.filter(\.actions.isEmpty)
        if !quiet.isEmpty { Terminal.print() }
        for item in quiet { Terminal.print("  " + status(item)) }
        for w in plan.warnings where !w.isInvalidManifest {  // printed above, with the errors
            Terminal.print()
            Terminal.print(Terminal.paint("Warning: ", .yellow) + w.description)
        }
        Terminal.print()
        Terminal.print(summary(plan))
    }

    static func line(_ a: Action) -> String {
        let v = VersionIdentity.short(a.version)
        switch a {
        case .train: return Terminal.paint("+ train    ", .green) + " \(v)  \(a.reason.message)"
        case .evaluate: return Terminal.paint("~ evaluate ", .yellow) + " \(v)  \(a.reason.message)"
        case .publish(_, let target, let reason, let conditional):
            return Terminal.paint("+ publish  ", .green) + " \(v)  → \(target.summary)\(conditional ? " (if the gate passes)" : ""): \(reason.message)"
        case .retire(_, let target, let reason):
            return Terminal.paint("- retire   ", .red) + " \(v)  ← \(target.summary): \(reason.message)"
        }
    }

    static func status(_ item: PlanItem) -> String {
        switch item.condition {
        case .ready: return Terminal.paint("= \(item.model)", .dim) + ": up to date (\(item.message))"
        case .failed: return Terminal.paint("! \(item.model)", .red) + ": failed: \(item.message)"
        case .rejected: return Terminal.paint("! \(item.model)", .yellow) + ": rejected: \(item.message)"
        case .blocked: return Terminal.paint("! \(item.model)", .yellow) + ": \(item.message)"
        default: return Terminal.paint("= \(item.model)", .dim) + ": \(item.condition.rawValue): \(item.message)"
        }
    }

    static func summary(_ plan: Plan) -> String {
        let quiet = plan.items.filter(\.actions.isEmpty)
        func n(_ c: Condition) -> Int { quiet.filter { $0.condition == c }.count }
        var tail = ["\(n(.ready)) unchanged"]
        for (c, word) in [(Condition.failed, "failed"), (.rejected, "rejected"), (.blocked, "blocked"), (.suspended, "suspended"), (.retired, "retired")] where n(c) > 0 {
            tail.append("\(n(c)) \(word)")
        }
        return Terminal.paint("Plan:", .bold)
            + " \(plan.count(.train)) to train, \(plan.count(.evaluate)) to evaluate, \(plan.count(.publish)) to publish, \(plan.count(.retire)) to retire; "
            + tail.joined(separator: ", ") + "."
    }
}
