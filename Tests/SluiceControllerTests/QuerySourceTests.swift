import Foundation
import GRDB
import Testing
import SluiceCore
import SluiceLearn
import SluiceManifest
import SluiceReconcile
import SluiceTesting
import TestSupport
@testable import SluiceController

/// Database dataset sources in-process: the CSV PostgreSQL's `COPY` writes and the CSV written
/// for SQLite rows are the same bytes and read as the hand-written CSV does; a resolver (one run,
/// one cycle) runs a query once and a new one runs it again; result files do not outlive it.
@Suite struct QuerySourceTests {
    /// Rows that exercise every convention: NULL, an empty text, quotes, commas, line breaks,
    /// `\.`, integers, and doubles across the fixed and scientific ranges.
    static let rows: [(Int, Double?, Int?, String?)] = [
        (1, 0.1, 7, "plain"),
        (2, nil, nil, nil),
        (3, 1e-05, -3, ""),
        (4, 123456789.125, 9_007_199_254_740_993, "a, \"quoted\" text"),
        (5, 1e15, 0, "two\nlines"),
        (6, 99999999999999.9, 42, "\\."),
        (7, -2.5e-300, 1, "x"),
        (8, 0.0001, 2, " spaced "),
        (9, 3, 3, "y"),
    ]

    /// The same rows, written by hand as a CSV file.
    static let handWritten = """
        id,x,n,label
        1,0.1,7,plain
        2,,,
        3,1e-05,-3,""
        4,123456789.125,9007199254740993,"a, ""quoted"" text"
        5,1e+15,0,"two
        lines"
        6,99999999999999.9,42,\\.
        7,-2.5e-300,1,x
        8,0.0001,2, spaced 
        9,3,3,y

        """

    static func values(_ real: String) -> String {
        rows.map { id, x, n, label in
            let l = label.map { "'" + $0.replacing("'", with: "''") + "'" } ?? "NULL"
            return "(\(id), \(x.map { "CAST(\($0) AS \(real))" } ?? "NULL"), \(n.map(String.init) ?? "NULL"), \(l))"
        }.joined(separator: ", ")
    }

    static let query = "SELECT id, x, n, label FROM t ORDER BY id"

    func manifest(_ source: String, query: String = QuerySourceTests.query) -> Manifest {
        var m = ManifestBuilder("q", source: source, target: "label").manifest
        m.dataset.query = query
        return m
    }

    func scratch() throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-query-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    func resolver(_ root: URL, timeout: Double = 600) -> DataResolver {
        DataResolver(root: root, digester: FileDigester(store: InMemoryStore()),
                     downloads: Downloads(directory: root.appendingPathComponent("downloads").path), queryTimeout: timeout)
    }

    func sqliteSource(_ root: URL) throws -> String {
        let db = try DatabaseQueue(path: root.appendingPathComponent("t.db").path)
        try db.write { try $0.execute(sql: "CREATE TABLE t (id integer, x real, n integer, label text); INSERT INTO t VALUES \(Self.values("REAL"))") }
        return "sqlite:t.db"
    }

    func bytes(_ data: DataResolver, _ m: Manifest) throws -> [UInt8] {
        let path = try data.locate(m.dataset.source, field: "spec.dataset.source", manifest: m)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func sqliteRowsAreWrittenAsTheHandWrittenCSV() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let m = manifest(try sqliteSource(root))
        let data = resolver(root)
        #expect(String(decoding: try bytes(data, m), as: UTF8.self) == Self.handWritten)
        guard case .resolved(let digest, nil) = data.resolve(m) else { Issue.record("not resolved: \(data.resolve(m))"); return }
        #expect(digest == SHA256.hex(of: Array(Self.handWritten.utf8)))
        // (Described, not compared: the missing cells are NaN, which equals nothing.)
        let frame = try data.frame(m.dataset.source, digest: digest, field: "spec.dataset.source", manifest: m)
        #expect("\(frame)" == "\(try CSVReader.parse(Array(Self.handWritten.utf8)))")
        #expect(frame.rowCount == 9)
    }

    @Test(.enabled(if: !PostgresServer.skipped, "SLUICE_SKIP_POSTGRES=1"))
    func postgresCSVIsTheSQLiteCSVByteForByte() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try PostgresServer.shared.get()
        let uri = try server.freshDatabase()
        _ = try server.query(uri, "CREATE TABLE t (id integer, x double precision, n bigint, label text); INSERT INTO t VALUES \(Self.values("double precision"))")
        let data = resolver(root)
        // (A final semicolon and comment do not end up inside COPY's parentheses.)
        let fromPostgres = try bytes(data, manifest(uri, query: Self.query + "; -- the rows in their order"))
        let fromSQLite = try bytes(data, manifest(try sqliteSource(root)))
        #expect(String(decoding: fromPostgres, as: UTF8.self) == Self.handWritten)
        #expect(fromPostgres == fromSQLite)
    }

    /// ``QueryCSV/double(_:)`` against PostgreSQL's own `float8` output, over doubles of every magnitude.
    @Test(.enabled(if: !PostgresServer.skipped, "SLUICE_SKIP_POSTGRES=1"))
    func doublesArePrintedAsPostgreSQLPrintsThem() throws {
        let server = try PostgresServer.shared.get()
        let uri = try server.freshDatabase()
        var generator = SplitMix64(seed: 17)
        var doubles: [Double] = [0, -0.0, 1, -1, 0.5, 1e-4, 1e-5, 9.99e-5, 1e14, 1e15, 123456789012345.6, 1e16, 1e22, 1e100, .leastNonzeroMagnitude,
                                 .greatestFiniteMagnitude, 0.1 + 0.2, 2.5, 100, 1234.5678, .infinity, -.infinity]
        for _ in 0..<2000 {
            let bits = generator.next()
            let d = Double(bitPattern: bits)
            if d.isFinite { doubles.append(d) }
            doubles.append(Double(bits >> 11) / Double(1 << 53) * pow(10, Double(Int(bits % 40) - 20)))
            doubles.append(Double(bits >> 11) * pow(2, Double(Int(bits % 30))))
        }
        let text = doubles.map { d in d.isInfinite ? (d < 0 ? "-Infinity" : "Infinity") : "\(d)" }
        let printed = try PGConnection(uri: uri).exec("SELECT x::text AS x FROM unnest($1::float8[]) WITH ORDINALITY AS u(x, i) ORDER BY i",
                                                      [PGValue.array(text)]).rows.map { [try $0.string("x")] }
        #expect(printed.count == doubles.count)
        for (d, row) in zip(doubles, printed) where QueryCSV.double(d) != row[0] {
            Issue.record("\(d): PostgreSQL prints \(row[0]), QueryCSV.double \(QueryCSV.double(d))")
        }
    }

    /// Within one resolver the query runs once (the digest and the frame read the same result,
    /// even when the table changes in between); a new resolver, the next cycle, runs it again.
    @Test func aResolverQueriesOnceAndTheNextOneQueriesAgain() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let m = manifest(try sqliteSource(root))
        var first: DataResolver? = resolver(root)
        guard case .resolved(let before, _) = first!.resolve(m) else { Issue.record("not resolved"); return }
        let db = try DatabaseQueue(path: root.appendingPathComponent("t.db").path)
        try db.write { try $0.execute(sql: "UPDATE t SET label = 'changed' WHERE id = 1") }
        #expect(first!.resolve(m) == .resolved(dataDigest: before, testDigest: nil), "the cycle's result is kept")
        #expect(try first!.frame(m.dataset.source, digest: before, field: "spec.dataset.source", manifest: m).rowCount == 9)
        let downloads = root.appendingPathComponent("downloads").path
        #expect(try FileManager.default.contentsOfDirectory(atPath: downloads).count == 1)
        first = nil
        #expect(try FileManager.default.contentsOfDirectory(atPath: downloads).isEmpty, "the result file goes with its resolver")

        let second = resolver(root)
        guard case .resolved(let after, _) = second.resolve(m) else { Issue.record("not resolved"); return }
        #expect(after != before, "the next cycle sees the changed row")
    }

    @Test func anSQLiteQueryThatRunsTooLongIsInterrupted() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        // Sorting an endless sequence never ends.
        let m = manifest(try sqliteSource(root), query: "WITH RECURSIVE c(label) AS (SELECT 1 UNION ALL SELECT label + 1 FROM c) SELECT label FROM c ORDER BY label")
        guard case .failed(let message) = resolver(root, timeout: 0.2).resolve(m) else { Issue.record("resolved"); return }
        #expect(message.contains("spec.dataset.source \"sqlite:t.db\" (manifests/q.json)"), "\(message)")
        #expect(message.contains("the query ran longer than 0.2 s and was stopped"), "\(message)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("downloads").path).isEmpty)
    }

    @Test(.enabled(if: !PostgresServer.skipped, "SLUICE_SKIP_POSTGRES=1"))
    func aQueryThatRunsTooLongIsStoppedWithTheServersMessage() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let uri = try PostgresServer.shared.get().freshDatabase()
        let m = manifest(uri, query: "SELECT 1 AS label FROM pg_sleep(30) ORDER BY 1")
        let data = resolver(root, timeout: 0.2)
        guard case .failed(let message) = data.resolve(m) else { Issue.record("resolved"); return }
        #expect(message.contains("spec.dataset.source \"postgres://***@127.0.0.1"), "\(message)")
        #expect(message.contains("manifests/q.json"), "\(message)")
        #expect(message.contains("canceling statement due to statement timeout"), "\(message)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("downloads").path).isEmpty)
    }
}
