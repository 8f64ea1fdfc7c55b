import Foundation
import GRDB
import SluiceCore
import TestSupport

/// Database dataset sources for the tests: the shipped iris rows as a table, in an SQLite file
/// or a PostgreSQL database, and manifests that read them.
enum DatabaseSources {
    /// The columns of `examples/data/iris.csv`, read in file order.
    static let query = "SELECT sepal_length, sepal_width, petal_length, petal_width, species FROM iris ORDER BY id"

    /// The data rows of the sandbox's iris CSV, each a list of its five fields.
    static func irisRows(_ s: Sandbox) throws -> [[String]] {
        try s.read("examples/data/iris.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
    }

    /// `CREATE TABLE iris` and its rows, as SQL both databases run.
    static func irisSQL(_ s: Sandbox, real: String) throws -> String {
        let values = try irisRows(s).enumerated().map { i, r in "(\(i + 1), \(r[0]), \(r[1]), \(r[2]), \(r[3]), '\(r[4])')" }
        return """
            CREATE TABLE iris (id integer PRIMARY KEY, sepal_length \(real), sepal_width \(real), petal_length \(real), petal_width \(real), species text);
            INSERT INTO iris VALUES \(values.joined(separator: ", "));
            """
    }

    /// Writes `data/iris.db` with the iris table.
    static func writeSQLite(_ s: Sandbox, path: String = "data/iris.db") throws {
        try FileManager.default.createDirectory(at: s.url(path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let db = try DatabaseQueue(path: s.url(path).path)
        try db.write { try $0.execute(sql: irisSQL(s, real: "REAL")) }
    }

    /// Runs statements on an SQLite file of the sandbox.
    static func sqlite(_ s: Sandbox, _ path: String, _ sql: String) throws {
        let db = try DatabaseQueue(path: s.url(path).path)
        try db.write { try $0.execute(sql: sql) }
    }

    /// A fresh PostgreSQL database with the iris table, as a libpq URI.
    static func postgres(_ s: Sandbox) throws -> String {
        let server = try PostgresServer.shared.get()
        let uri = try server.freshDatabase()
        _ = try server.query(uri, irisSQL(s, real: "double precision"))
        return uri
    }

    /// A manifest named `name` reading `source` with `query`.
    static func manifest(_ s: Sandbox, name: String, source: String, query: String = DatabaseSources.query) throws -> String {
        var m = try JSONParser.parse(s.manifest(name: name, source: source)).value
        m.set("spec.dataset.query", .string(query))
        return m.canonical(pretty: true)
    }
}
