import Foundation
import GRDB
import SluiceCore
import SluiceManifest

extension DataResolver {
    /// The result of a database source's `query`, as a CSV file the CSV reader reads: run once
    /// for the life of the resolver (``QueryResults``), the file digested as it is written.
    /// - Throws: ``DataError`` naming the field, the source (redacted), the manifest's file and
    ///   the database's message.
    func queryResult(_ source: String, field: String, manifest: Manifest) throws -> String {
        let origin = "\(field) \"\(Redaction.url(source))\" (\(manifest.origin.file))"
        guard let query = manifest.dataset.query else {
            throw DataError("\(origin): a database source needs spec.dataset.query")
        }
        // An SQLite file is found like a dataset file: under the root, symbolic links included.
        let sqlitePath = DatasetSourceKind(source) == .sqlite
            ? try locate(String(source.dropFirst("sqlite:".count)), field: field, manifest: manifest) : nil
        do {
            return try queries.result(source: source, query: query) { output in
                if let sqlitePath {
                    try SQLiteQuery.run(path: sqlitePath, query: query, timeout: queries.timeout, into: output)
                } else {
                    try PostgresQuery.run(uri: source, query: query, timeout: queries.timeout, into: output)
                }
            }
        } catch let error as DatabaseError {
            throw DataError("\(origin): the query failed: SQLite says \(error.message ?? "\(error)")")
        } catch let error as PGError {
            throw DataError("\(origin): the query failed: \(Redaction.text(error.description))")
        } catch {
            throw DataError("\(origin): the query failed: \(Redaction.text("\(error)"))")
        }
    }
}
