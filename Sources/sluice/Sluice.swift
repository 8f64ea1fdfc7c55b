import ArgumentParser
import Foundation
import SluiceController
import SluiceCore
import SluiceHTTP

/// `sluice`: a declarative, GitOps-style reconciler for machine-learning models.
@main
struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Reconcile machine-learning models with the manifests that declare them.",
        discussion: """
            Manifests in the manifests directory declare the models that should exist. `plan` shows what \
            `apply` would do to make the store and the deployment targets match them.
            Exit codes: 0 success, 1 error, 2 changes pending (plan --detailed-exitcode), 3 a gate rejected a candidate (monitor: a Drifted or Degraded condition holds).
            """,
        version: sluiceVersion,
        subcommands: [Validate.self, PlanCommand.self, Apply.self, Gate.self, Status.self, History.self, Split.self, Predict.self, Export.self, Run.self, Serve.self, UICommand.self, Monitor.self, Feedback.self, StoreCommand.self, GC.self, Schema.self]
    )

    /// `serve` runs Swift concurrency on SwiftNIO's event loops (no thread hop between the
    /// socket and the handler); everything else uses the default executor.
    static func main() {
        // PGPASSWORD is the store's, never a dataset's (StorePassword): taken before any thread starts.
        StorePassword.takeFromEnvironment()
        if CommandLine.arguments.dropFirst().first == "serve" {
            InferenceServer.runConcurrencyOnEventLoops()
        }
        Task {
            await asyncMain()
            Foundation.exit(0)
        }
        dispatchMain()
    }

    /// Expands `run --config FILE` into options before parsing (see ``ConfigFile``).
    static func asyncMain() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "run" {
            do { arguments = try ConfigFile.expand(arguments, allowed: Run.optionNames) } catch {
                Terminal.error("\(error)")
                Foundation.exit(1)
            }
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
        } catch {
            // A bad option value exits 1 like every other error (DESIGN §3), not sysexits' 64.
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}
