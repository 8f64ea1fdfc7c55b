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

        @Option(name: .customLong("model"), help: "Plan only this model (repeatable).")
        var models: [String] = []

        func run() throws {
            // Planning never creates a store: with none yet, the plan is the one a first apply carries out.
            let store: any Store = try options.openStoreReadOnly() ?? InMemoryStore()
            let reconciler = options.reconciler(store: store, allowEmpty: allowEmpty)
            let snapshot = try options.snapshot(reconciler)
            var plan = try ModelSelection.narrow(reconciler.plan(snapshot), to: models)
            plan.warnings += reconciler.dataWarnings(plan, snapshot)
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
