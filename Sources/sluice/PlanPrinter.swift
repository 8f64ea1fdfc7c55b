import SluiceManifest
import SluiceReconcile

/// Prints a plan the way Terraform does: one block per model that changes, symbols for the kind
/// of change, a line per unchanged model, and counts at the end. The words are ``PlanText``'s,
/// the same as the web UI's.
enum PlanPrinter {
    static func print(_ plan: Plan, errors: [ManifestError]) {
        for e in errors { Terminal.print(Terminal.paint("✗ ", .red) + "\(e)") }
        if !errors.isEmpty { Terminal.print() }
        Terminal.print(PlanText.headline(plan, hasErrors: !errors.isEmpty))
        for item in plan.items where !item.actions.isEmpty {
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

    static func line(_ a: Action) -> String { painted(PlanText.action(a)) }

    static func status(_ item: PlanItem) -> String { painted(PlanText.status(item)) }

    static func summary(_ plan: Plan) -> String { Terminal.paint("Plan:", .bold) + " " + PlanText.summary(plan) }

    private static func painted(_ line: PlanText.Line) -> String {
        let colour: Terminal.Style = switch line.tone {
        case .add: .green
        case .change: .yellow
        case .remove: .red
        case .quiet: .dim
        case .bad: .red
        case .warn: .yellow
        }
        return Terminal.paint(line.mark, colour) + line.text
    }
}
