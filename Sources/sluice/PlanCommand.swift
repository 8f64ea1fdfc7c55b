import ArgumentParser
import SluiceController
import SluiceReconcile

extension Sluice {
    /// `sluice plan`: what `apply` would do, with reasons. Changes nothing.
    struct PlanCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Show what apply would do, and why.",
            discussion: "Exit codes: 0 success; with --detailed-exitcode 0 no changes, 2 changes pending; 1 an error (invalid manifest, unreadable data) or a retirement withheld by a safety rule.")

        @OptionGroup var options: GlobalOptions

        @Flag(help: "Print the plan as JSON (a stable, documented format).")
        var json = false

        @Flag(help: "Exit 2 when the plan has changes, 0 when it has none (Terraform's convention).")
        var detailedExitcode = false

        @Flag(help: "Plan to retire every published model if their manifests are gone.")
        var allowEmpty = false

        func run() throws {
            let store = try options.openStore()
            let reconciler = options.reconciler(store: store, allowEmpty: allowEmpty)
            let snapshot = try options.snapshot(reconciler)
            let plan = reconciler.plan(snapshot)
            if json {
                Terminal.printJSON(plan.json(errors: snapshot.manifests.errors))
            } else {
                PlanPrinter.print(plan, errors: snapshot.manifests.errors)
            }
            if !snapshot.manifests.errors.isEmpty || plan.items.contains(where: { $0.condition == .failed || $0.condition == .blocked }) { throw ExitCode(1) }
            if detailedExitcode && plan.hasChanges { throw ExitCode(2) }
        }
    }
}
