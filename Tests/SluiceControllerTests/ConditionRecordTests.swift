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
