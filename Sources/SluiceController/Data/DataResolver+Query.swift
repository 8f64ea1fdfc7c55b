import Foundation
import SluiceManifest

extension DataResolver {
    /// The result of a database source's `query`, as a CSV file the CSV reader reads.
    func queryResult(_ source: String, field: String, manifest: Manifest) throws -> String {
        throw DataError("\(field) \"\(source)\" (\(manifest.origin.file)): database sources are not built yet (issue 17)")
    }
}
