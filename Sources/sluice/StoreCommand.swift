import ArgumentParser

extension Sluice {
    /// `sluice store`: the store as a whole.
    struct StoreCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "store",
            abstract: "Work on a store as a whole: copy one into another (SQLite to PostgreSQL, or back).",
            subcommands: [Copy.self])
    }
}
