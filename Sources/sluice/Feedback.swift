import ArgumentParser

extension Sluice {
    /// `sluice feedback`: ground truth for the rows a model served.
    struct Feedback: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send ground truth for served rows; read and drop the feedback snapshots of automatic retrains.",
            subcommands: [Import.self, Snapshots.self, Export.self, Drop.self])
    }
}
