import ArgumentParser

extension Sluice {
    /// `sluice feedback`: ground truth for the rows a model served.
    struct Feedback: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send ground truth for served rows to the server that served them.",
            subcommands: [Import.self])
    }
}
