import Foundation
import Testing
import SluiceCore
import TestSupport

/// Database dataset sources with the real binary (issue 17): an SQLite table and a PostgreSQL
/// table train a model; they are queried again on every run, so a changed row retrains and
/// unchanged data does nothing; a query that fails fails its model alone, naming the manifest,
/// the field, the source without its password and the database's message.
@Suite struct SQLiteSourceTests {
    @Test func anSQLiteTableTrainsAndOnlyAChangedRowRetrains() throws {
        let s = try Sandbox()
        try DatabaseSources.writeSQLite(s)
        try s.write("manifests/lite.json", try DatabaseSources.manifest(s, name: "lite", source: "sqlite:data/iris.db"))
        let plan0 = try s.run("plan")
        #expect(plan0.stdout.contains("# lite"), "\(plan0.output)")
        #expect(!s.exists(".sluice"), "a plan before any store makes no store directory")
        let first = try s.run("apply")
        #expect(first.status == 0, "\(first.output)")
        #expect(s.exists("deploy/lite/model.json"))
        // The same rows as the CSV file, written as PostgreSQL writes CSV: the same bytes.
        let digest = SHA256.hex(of: try s.bytes("examples/data/iris.csv"))
        #expect(try s.history("lite")["versions"]?.arrayValue?.first?["dataDigest"] == .string(digest))

        let again = try s.run("apply")
        #expect(again.status == 0, "\(again.output)")
        #expect(again.stdout.contains("0 to train"), "unchanged rows are the same data: \(again.stdout)")
        #expect(try s.trainings("lite") == 1)

        try DatabaseSources.sqlite(s, "data/iris.db", "UPDATE iris SET sepal_length = 5.2 WHERE id = 1")
        let plan = try s.run("plan")
        #expect(plan.stdout.contains("data changed (sha256"), "\(plan.output)")
        let changed = try s.run("apply")
        #expect(changed.status == 0, "\(changed.output)")
        #expect(try s.trainings("lite") == 2)
        #expect(try s.trainings("iris") == 1, "the CSV model is not retrained")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: s.url(".sluice/downloads").path).filter { $0.hasPrefix(".query") }
        #expect(leftovers.isEmpty, "no query result is left behind: \(leftovers)")
    }

    @Test func aFailingSQLiteQueryFailsItsModelAloneAndRetiresNothing() throws {
        let s = try Sandbox()
        try DatabaseSources.writeSQLite(s)
        try s.write("manifests/lite.json", try DatabaseSources.manifest(s, name: "lite", source: "sqlite:data/iris.db"))
        #expect(try s.run("apply").status == 0)
        let model = try s.bytes("deploy/lite/model.json")
        try DatabaseSources.sqlite(s, "data/iris.db", "ALTER TABLE iris RENAME TO flowers")
        try s.write("examples/data/iris.csv", try s.read("examples/data/iris.csv") + "5.0,3.4,1.5,0.2,setosa\n")
        let apply = try s.run("apply")
        #expect(apply.status == 1, "\(apply.output)")
        for text in ["manifests/lite.json", "spec.dataset.source \"sqlite:data/iris.db\"", "no such table: iris"] {
            #expect(apply.output.contains(text), "apply should say \"\(text)\":\n\(apply.output)")
        }
        #expect(try s.trainings("iris") == 2, "the other model trains on its changed data")
        #expect(try s.bytes("deploy/lite/model.json") == model, "the published model stays")
        #expect(!apply.stdout.contains("- retire"), "\(apply.stdout)")
    }

    /// `sluice run` queries again on every cycle: a changed row is published by the next cycles
    /// without any file changing, and cycles leave no result files behind.
    @Test func theControllerQueriesEachCycle() throws {
        let s = try Sandbox()
        try s.remove("manifests/iris.json")
        try DatabaseSources.writeSQLite(s)
        try s.write("manifests/lite.json", try DatabaseSources.manifest(s, name: "lite", source: "sqlite:data/iris.db"))
        let c = try ControllerProcess(s, ["--interval", "0.3", "--listen", "off"])
        #expect(waitUntil(timeout: 60) { s.publishedVersion("deploy/lite") != nil }, "\(c.output)")
        let first = s.publishedVersion("deploy/lite")
        try DatabaseSources.sqlite(s, "data/iris.db", "UPDATE iris SET sepal_length = 5.2 WHERE id = 1")
        #expect(waitUntil(timeout: 60) { s.publishedVersion("deploy/lite").map { $0 != first } ?? false }, "\(c.output)")
        #expect(try s.trainings("lite") == 2, "\(c.output)")
        let downloads = s.url(".sluice/downloads").path
        let results = { (try? FileManager.default.contentsOfDirectory(atPath: downloads).filter { $0.hasPrefix(".query") }.count) ?? 0 }
        #expect(results() <= 1, "at most the running cycle's result")
        #expect(c.signal(SIGTERM)?.status == 0, "\(c.output)")
        #expect(results() == 0, "\(c.output)")
    }

    /// Manifest errors about a database source do not show the password its URI carries.
    @Test func aManifestErrorShowsNoPassword() throws {
        let s = try Sandbox()
        var m = try JSONParser.parse(s.manifest(name: "pg", source: "postgres://reader:hunter2@127.0.0.1:1/sales")).value
        try s.write("manifests/pg.json", m.canonical(pretty: true))
        var r = try s.run("validate")
        #expect(r.status == 1, "\(r.output)")
        #expect(r.output.contains("spec.dataset.query: required field \"query\" is missing: the database source \"postgres://***@127.0.0.1:1/sales\""), "\(r.output)")
        #expect(!r.output.contains("hunter2"), "\(r.output)")
        m.set("spec.dataset.query", "SELECT * FROM t")
        try s.write("manifests/pg.json", m.canonical(pretty: true))
        r = try s.run("validate")
        #expect(r.output.contains("has no ORDER BY"), "\(r.output)")
        #expect(!r.output.contains("hunter2"), "\(r.output)")
    }
}

@Suite(.enabled(if: !PostgresServer.skipped, "SLUICE_SKIP_POSTGRES=1"))
struct PostgresSourceTests {
    @Test func aPostgreSQLTableTrainsAndOnlyAChangedRowRetrains() throws {
        let s = try Sandbox()
        // (The test server trusts every login: the password is only there to be kept out of sight.)
        let uri = try DatabaseSources.postgres(s).replacing("postgres@", with: "postgres:hunter2@")
        try s.write("manifests/pg.json", try DatabaseSources.manifest(s, name: "pg", source: uri))
        let first = try s.run("apply")
        #expect(first.status == 0, "\(first.output)")
        #expect(s.exists("deploy/pg/model.json"))
        #expect(!(try s.read("deploy/pg/metadata.json")).contains("hunter2"))
        #expect(!(try s.run("history", "pg", "--json")).output.contains("hunter2"))
        #expect(!first.output.contains("hunter2"))
        let digest = SHA256.hex(of: try s.bytes("examples/data/iris.csv"))
        #expect(try s.history("pg")["versions"]?.arrayValue?.first?["dataDigest"] == .string(digest),
                "PostgreSQL's CSV of the table is the CSV file, byte for byte")

        let again = try s.run("apply")
        #expect(again.stdout.contains("0 to train"), "\(again.output)")
        _ = try PostgresServer.shared.get().query(uri.replacing("postgres:hunter2@", with: "postgres@"), "UPDATE iris SET petal_width = 0.3 WHERE id = 2")
        let changed = try s.run("apply")
        #expect(changed.status == 0, "\(changed.output)")
        #expect(try s.trainings("pg") == 2)
        #expect(try s.trainings("iris") == 1)
    }

    /// A server that asks for a password: the password file (`PGPASSFILE`, `~/.pgpass`), whose lines
    /// name their host, gives it; `PGPASSWORD` never does (a manifest names the host, so it would go
    /// to any server a pull request names); and a wrong one fails that model alone, with
    /// PostgreSQL's reason.
    @Test func thePasswordComesFromThePasswordFileNeverPGPASSWORDAndAWrongOneFailsOnlyThatModel() throws {
        let server = try PostgresServer.makePrivate(password: "right-horse")
        defer { server.remove() }
        let s = try Sandbox()
        let uri = try server.freshDatabase()
        _ = try server.query(uri, DatabaseSources.irisSQL(s, real: "double precision"))
        try s.write("manifests/pg.json", try DatabaseSources.manifest(s, name: "pg", source: uri))
        func passfile(_ password: String) throws -> [String: String] {
            try s.write("pgpass", "127.0.0.1:\(server.port):*:postgres:\(password)\n")
            chmod(s.url("pgpass").path, 0o600)
            return ["PGPASSFILE": s.url("pgpass").path]
        }
        let leaked = try s.run(["apply"], environment: ["PGPASSWORD": "right-horse", "PGPASSFILE": s.url("none").path])
        #expect(leaked.status == 1, "PGPASSWORD is not sent to a dataset's server: \(leaked.output)")
        #expect(leaked.output.contains("no password supplied"), "\(leaked.output)")
        let first = try s.run(["apply"], environment: try passfile("right-horse"))
        #expect(first.status == 0, "\(first.output)")
        let model = try s.bytes("deploy/pg/model.json")

        try s.write("examples/data/iris.csv", try s.read("examples/data/iris.csv") + "5.0,3.4,1.5,0.2,setosa\n")
        let wrong = try s.run(["apply"], environment: try passfile("wrong-horse"))
        #expect(wrong.status == 1, "\(wrong.output)")
        for text in ["manifests/pg.json", "spec.dataset.source \"postgres://***@127.0.0.1:\(server.port)/",
                     "password authentication failed for user \"postgres\""] {
            #expect(wrong.output.contains(text), "apply should say \"\(text)\":\n\(wrong.output)")
        }
        #expect(try s.trainings("iris") == 2, "the other model trains on its changed data")
        #expect(try s.bytes("deploy/pg/model.json") == model, "the published model stays")
        #expect(!wrong.stdout.contains("- retire"), "\(wrong.stdout)")
    }

    @Test func aBadQueryOrRefusedLoginFailsOnlyItsModelWithoutThePassword() throws {
        let s = try Sandbox()
        let uri = try DatabaseSources.postgres(s)
        let port = try PostgresServer.shared.get().port
        let database = String(uri.split(separator: "/").last!)
        try s.write("manifests/pg.json", try DatabaseSources.manifest(s, name: "pg", source: uri))
        #expect(try s.run("apply").status == 0)
        let model = try s.bytes("deploy/pg/model.json")

        // The model that trained meets a renamed table; a new one cannot log in.
        _ = try PostgresServer.shared.get().query(uri, "ALTER TABLE iris RENAME TO flowers")
        let refused = "postgres://nobody:s3cret@127.0.0.1:\(port)/\(database)"
        try s.write("manifests/login.json", try DatabaseSources.manifest(s, name: "login", source: refused))
        try s.write("examples/data/iris.csv", try s.read("examples/data/iris.csv") + "5.0,3.4,1.5,0.2,setosa\n")
        let apply = try s.run("apply")
        #expect(apply.status == 1, "\(apply.output)")
        for text in ["manifests/pg.json", "spec.dataset.source", "relation \"iris\" does not exist",
                     "manifests/login.json", "postgres://***@127.0.0.1:\(port)/\(database)", "role \"nobody\" does not exist"] {
            #expect(apply.output.contains(text), "apply should say \"\(text)\":\n\(apply.output)")
        }
        #expect(!apply.output.contains("s3cret"), "\(apply.output)")
        #expect(!(try s.run("status").output.contains("s3cret")))
        #expect(try s.trainings("iris") == 2, "the other model trains on its changed data")
        #expect(try s.bytes("deploy/pg/model.json") == model, "the published model stays")
        #expect(!apply.stdout.contains("- retire"), "\(apply.stdout)")
    }
}
