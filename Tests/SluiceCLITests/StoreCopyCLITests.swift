import Foundation
import Testing
import SluiceController
import SluiceCore
import TestSupport

/// `sluice store copy` with the real binary, a real SQLite file and a throwaway PostgreSQL (issue
/// 15, "Two stores never mix"): a SQLite store with a rejected version and a retired model copied
/// to PostgreSQL answers `status`, `history` and `plan` alike, with byte-identical artifacts; a
/// second copy changes nothing; the two stores then go their own ways; a destination holding other
/// records is refused and left as it was; and the copy goes back from PostgreSQL to SQLite.
@Suite(.enabled(if: !PostgresServer.skipped, "SLUICE_SKIP_POSTGRES=1"))
struct StoreCopyCLITests {
    /// A store with three models: iris published, `stump` with a version its gate rejected,
    /// `old` retired when its manifest went.
    static func history(_ box: Sandbox) throws {
        try box.write("manifests/stump.json", box.manifest(name: "stump"))
        try box.write("manifests/old.json", box.manifest(name: "old", algorithm: "naive_bayes"))
        let first = try box.run("apply")
        #expect(first.status == 0, "\(first.output)")
        try box.edit("manifests/stump.json") { $0.set("spec.algorithm.params", ["maxDepth": 1]) }
        try box.remove("manifests/old.json")
        let second = try box.run("apply")
        #expect(second.status == 3, "the gate rejects the stump of depth 1: \(second.output)")
        #expect(second.stdout.contains("1 retired") || second.stdout.contains("retire"), "\(second.stdout)")
    }

    /// What a user sees of a store: status, each model's history, and the plan (status without
    /// the line naming the store).
    static func views(_ box: Sandbox, store: String) throws -> [JSON] {
        var out: [JSON] = []
        for arguments in [["status", "--json"], ["history", "iris", "--json"], ["history", "stump", "--json"], ["history", "old", "--json"],
                          ["history", "stump"], ["plan", "--json"]] {
            let r = try box.run(arguments + ["--store", store])
            #expect(r.status == 0, "\(arguments): \(r.output)")
            var json = (try? JSONParser.parse(r.stdout).value) ?? .string(r.stdout)
            if arguments[0] == "status" { json.set("store", .null) }
            out.append(json)
        }
        return out
    }

    static func sqlite(_ box: Sandbox, _ relative: String = ".sluice/state.db") throws -> SQLiteStore {
        try SQLiteStore(path: box.url(relative).path, readOnly: true)
    }

    @Test func aSQLiteStoreCopiedToPostgreSQLAnswersAlikeAndTheTwoNeverMix() throws {
        let uri = try PostgresServer.shared.get().freshDatabase()
        let shown = Redaction.text(uri)
        let box = try Sandbox()
        try Self.history(box)
        let sqliteViews = try Self.views(box, store: "sqlite:.sluice/state.db")
        let records = try StoreRecords.read(from: try Self.sqlite(box))
        #expect(records.verdicts.contains { !$0.passed }, "a rejected version is in the history")
        #expect(records.publications.contains { $0.model == "old" && $0.retiredAt != nil }, "a retirement is in the history")

        let copy = try box.run("store", "copy", "--from", "sqlite:.sluice/state.db", "--to", uri)
        #expect(copy.status == 0, "\(copy.output)")
        #expect(copy.stdout.contains("copied \(box.url(".sluice/state.db").path) to \(shown): 3 models, 4 versions"), "\(copy.stdout)")
        #expect(copy.stdout.contains("4 artifacts"), "\(copy.stdout)")

        // PostgreSQL answers as SQLite did, and plans nothing: no retraining.
        let postgresViews = try Self.views(box, store: uri)
        #expect(postgresViews == sqliteViews)
        #expect(postgresViews.last?["summary"]?["train"] == 0 && postgresViews.last?["changes"] == false, "\(String(describing: postgresViews.last))")
        let postgres = try PostgresStore(uri: uri, readOnly: true)
        #expect(try StoreRecords.read(from: postgres) == records)
        let artifacts = try Self.sqlite(box).storedArtifacts()
        #expect(artifacts.count == 4)
        #expect(try postgres.storedArtifacts() == artifacts)
        for digest in artifacts.keys {
            #expect(try postgres.artifact(digest) == (try box.bytes(".sluice/artifacts/sha256/\(digest.prefix(2))/\(digest).json")))
        }

        // Again: nothing to copy, nothing changes.
        let again = try box.run("store", "copy", "--from", "sqlite:.sluice/state.db", "--to", uri, "--json")
        #expect(again.status == 0, "\(again.output)")
        let summary = try JSONParser.parse(again.stdout).value
        #expect(summary["recordsCopied"] == false && summary["artifacts"]?["copied"] == 0, "\(again.stdout)")
        #expect(try StoreRecords.read(from: postgres) == records)

        // Side by side, an apply against one store leaves the other as it was.
        try box.edit("manifests/iris.json") { $0.set("spec.algorithm.params", ["maxDepth": 3]) }
        let apply = try box.run("apply", "--store", uri)
        #expect(apply.status == 3 && apply.stdout.contains("1 trained"), "iris trained, stump still rejected: \(apply.output)")
        #expect(try StoreRecords.read(from: try Self.sqlite(box)) == records, "the SQLite store did not see PostgreSQL's apply")
        let diverged = try StoreRecords.read(from: postgres)
        #expect(diverged.versions.count == records.versions.count + 1)
        let sqlitePlan = try box.run("plan", "--store", "sqlite:.sluice/state.db")
        #expect(sqlitePlan.stdout.contains("1 to train"), "SQLite still has iris to train: \(sqlitePlan.stdout)")

        // Now PostgreSQL holds other records than SQLite: a copy is refused and changes nothing.
        let refused = try box.run("store", "copy", "--from", "sqlite:.sluice/state.db", "--to", uri)
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.stderr.contains("the store \(shown) already holds records of 3 models (iris, old, stump: 5 versions"), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was copied"), "\(refused.stderr)")
        #expect(try StoreRecords.read(from: postgres) == diverged)

        // And back: PostgreSQL into a new SQLite file.
        let back = try box.run("store", "copy", "--from", uri, "--to", "sqlite:back/state.db")
        #expect(back.status == 0, "\(back.output)")
        #expect(try StoreRecords.read(from: try Self.sqlite(box, "back/state.db")) == diverged)
        #expect(try Self.sqlite(box, "back/state.db").storedArtifacts() == (try postgres.storedArtifacts()))
        #expect(try Self.views(box, store: "sqlite:back/state.db") == (try Self.views(box, store: uri)))
    }

    /// The copy holds the destination's writer lease: while a controller holds it, the copy waits,
    /// then fails naming the holder, and writes nothing.
    @Test func aDestinationWhoseLeaseIsHeldIsNotWritten() throws {
        let uri = try PostgresServer.shared.get().freshDatabase()
        let box = try Sandbox()
        #expect(try box.run("apply").status == 0)
        let holder = try PostgresStore(uri: uri)
        let lease = try WriterLease.acquire(store: holder, command: "sluice run (test holder)", timeout: .seconds(1))
        defer { lease.release() }
        let blocked = try box.run("store", "copy", "--from", "sqlite:.sluice/state.db", "--to", uri, "--lock-timeout", "0")
        #expect(blocked.status == 1, "\(blocked.output)")
        #expect(blocked.stderr.contains("locked by another process") && blocked.stderr.contains("sluice run (test holder)"), "\(blocked.stderr)")
        #expect(try StoreRecords.read(from: holder).isEmpty)
        #expect(try holder.storedArtifacts().isEmpty)
    }

    /// A destination holding another team's models is refused before anything is written there,
    /// artifacts included.
    @Test func aCopyIntoADatabaseHoldingOtherModelsIsRefusedAndChangesNothing() throws {
        let uri = try PostgresServer.shared.get().freshDatabase()
        let shown = Redaction.text(uri)
        let other = try Sandbox(shipped: false)
        try other.write("manifests/tree.json", other.manifest(name: "tree", source: "data/iris.csv"))
        try FileManager.default.createDirectory(at: other.url("data"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Sandbox.repository.appendingPathComponent("examples/data/iris.csv"), to: other.url("data/iris.csv"))
        #expect(try other.run("apply", "--store", uri).status == 0)
        let postgres = try PostgresStore(uri: uri, readOnly: true)
        let before = try StoreRecords.read(from: postgres), artifactsBefore = try postgres.storedArtifacts()

        let box = try Sandbox()
        try box.edit("manifests/iris.json") { $0.set("spec.algorithm.params", ["maxDepth": 2]) }
        #expect(try box.run("apply").status == 0)
        let refused = try box.run("store", "copy", "--from", "sqlite:.sluice/state.db", "--to", uri)
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.stderr.contains("the store \(shown) already holds records of 1 model (tree: 1 version"), "\(refused.stderr)")
        #expect(refused.stderr.contains("Copy into an empty store"), "\(refused.stderr)")
        #expect(try StoreRecords.read(from: postgres) == before)
        #expect(try postgres.storedArtifacts() == artifactsBefore, "no artifact was copied either")
        #expect(try box.run("status", "--store", uri).stdout.contains("tree"), "the other team's store answers as before")
    }
}
