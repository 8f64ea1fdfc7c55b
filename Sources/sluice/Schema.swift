import ArgumentParser
import SluiceManifest

extension Sluice {
    /// `sluice schema`: print the manifest format's JSON Schema.
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON Schema of the manifest format (the file shipped as schema/manifest.schema.json).")

        func run() {
            Terminal.printJSON(ManifestSchema.document)
        }
    }
}
