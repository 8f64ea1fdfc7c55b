import Foundation
import GRDB
import Testing
import SluiceCore
@testable import SluiceController

/// Both stores keep each model's last condition, with `since` kept while it does not change.
@Suite struct ConditionRecordTests {
    static func record(_ condition: String, _ message: String = "", at t: Double) -> ConditionRecord {
        ConditionRecord(model: "iris", condition: condition, message: message, version: "v1",
                        since: Date(timeIntervalSince1970: t), checkedAt: Date(timeIntervalSince1970: t), revision: "abc")
    }

    @Test(arguments: StoreConformanceTests.Kind.allCases)
    func sinceIsKeptWhileTheConditionHoldsAndResetWhenItChanges(kind: StoreConformanceTests.Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        try store.recordConditions([Self.record("ready", at: 10)])
        try store.recordConditions([Self.record("ready", at: 20)])
        var iris = try #require(try store.conditions().first)
        #expect(iris.since == Date(timeIntervalSince1970: 10))
        #expect(iris.checkedAt == Date(timeIntervalSince1970: 20))
        try store.recordConditions([Self.record("failed", "no such file", at: 30)])
        iris = try #require(try store.conditions().first)
        #expect(iris.condition == "failed" && iris.message == "no such file")
        #expect(iris.since == Date(timeIntervalSince1970: 30))
        #expect(try store.conditions().count == 1)
    }

    /// A whole cycle's records in one call (the PostgreSQL store sends them as arrays in one
    /// statement): text that looks like array syntax or `NULL` comes back as written, absent
    /// fields stay absent, times keep every digit, and a model named twice in one call is
    /// recorded in order (its second record keeps the first's `since`).
    @Test(arguments: StoreConformanceTests.Kind.allCases)
    func manyModelsInOneCallComeBackAsWritten(kind: StoreConformanceTests.Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let messages = ["", "NULL", #"a "quoted" word, a \ backslash"#, "{braces},commas", "null", "ünïcödé ✓ 模型", "line\nbreak\ttab"]
        let records = (0..<300).map { (i: Int) -> ConditionRecord in
            let since = Date(timeIntervalSince1970: 1_764_578_990.123456 + Double(i))
            let checked = Date(timeIntervalSince1970: 1_764_578_990.987654 + Double(i))
            let version: String? = i % 4 == 0 ? nil : "v\(i)"
            let revision: String? = i % 5 == 0 ? nil : "NULL"
            return ConditionRecord(model: String(format: "m%03d", i), condition: i % 3 == 0 ? "failed" : "ready", message: messages[i % messages.count],
                                   version: version, since: since, checkedAt: checked, revision: revision)
        }
        try store.recordConditions(records)
        #expect(try store.conditions() == records)

        // The next cycle: every other model changed; the others keep their `since`.
        let later = records.enumerated().map { i, r in
            var r = r
            if i % 2 == 0 { r.message += " (changed)" }
            r.since = Date(timeIntervalSince1970: 1_764_579_990.5)
            r.checkedAt = r.since
            return r
        }
        try store.recordConditions(later)
        let stored = try store.conditions()
        #expect(stored.count == records.count)
        for (i, r) in stored.enumerated() {
            #expect(r.message == later[i].message && r.checkedAt == later[i].checkedAt)
            #expect(r.since == (i % 2 == 0 ? later[i].since : records[i].since), "\(r.model)")
        }

        try store.recordConditions([Self.record("rejected", "gate", at: 40), Self.record("ready", at: 50), Self.record("ready", at: 60)])
        let iris = try #require(try store.conditions().first { $0.model == "iris" })
        #expect(iris.condition == "ready" && iris.since == Date(timeIntervalSince1970: 50) && iris.checkedAt == Date(timeIntervalSince1970: 60))
    }

    @Test func readOnlyOpeningNeverCreatesAStoreAndCannotWrite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        #expect(throws: StoreMissing.self) { try SQLiteStore(path: path, readOnly: true) }
        #expect(!FileManager.default.fileExists(atPath: dir.path))

        try SQLiteStore(path: path).recordConditions([Self.record("ready", at: 10)])
        let reader = try SQLiteStore(path: path, readOnly: true)
        #expect(try reader.conditions().map(\.condition) == ["ready"])
        #expect(throws: (any Error).self) { try reader.recordConditions([Self.record("failed", at: 20)]) }
    }

    @Test func aStoreFromBeforeConditionsIsBroughtUpToDateWhenReadOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.db").path
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(old, upTo: "v2: writer lease")
        try old.close()
        let reader = try SQLiteStore(path: path, readOnly: true)
        #expect(try reader.conditions().isEmpty)
    }
}
