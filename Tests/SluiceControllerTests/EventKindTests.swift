import Foundation
import GRDB
import Logging
import Testing
import SluiceCore
import SluiceManifest
import SluiceReconcile
@testable import SluiceController

/// Event kinds are typed: chosen by the action's reason token, stored as their word.
@Suite struct EventKindTests {
    @Test(arguments: StoreConformanceTests.Kind.allCases)
    func aRepairIsRecognisedByItsTokenNotByItsSentence(kind: StoreConformanceTests.Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        var v = StoreConformanceTests.version("v1")
        v.artifactDigest = try store.putArtifact(Array("{\"artifact\":\"v1\"}".utf8))
        try store.recordVersion(v)
        let reconciler = Reconciler(configuration: .init(root: dir), store: store, logger: Logger(label: "test"))
        let executor = PlanExecutor(store: store, data: reconciler.data, targets: reconciler.targets, logger: Logger(label: "test"), revision: nil)
        let target = DeploySpec.directory(path: "deploy/iris")

        try executor.publish("iris", version: "v1", to: target, reason: Reason(.targetDrifted, "model.json is missing"), manifest: nil)
        #expect(try store.events(model: "iris", limit: 1).last?.kind == .repaired)
        try executor.publish("iris", version: "v1", to: target, reason: Reason(.alreadyTrained, "target drifted, said a sentence"), manifest: nil)
        #expect(try store.events(model: "iris", limit: 1).last?.kind == .published)
    }

    @Test func theStoreKeepsEachKindAsItsWordAndRefusesAnUnknownOne() throws {
        let (store, dir) = try StoreConformanceTests.make(.sqlite)
        defer { try? FileManager.default.removeItem(at: dir) }
        for kind in EventKind.allCases {
            try store.recordEvent(EventRecord(at: Date(), model: "iris", kind: kind, message: kind.rawValue, revision: nil))
        }
        #expect(try store.events(model: "iris", limit: 100).map(\.kind) == EventKind.allCases)
        let db = try DatabaseQueue(path: dir.appendingPathComponent("state.db").path)
        #expect(try db.read { try String.fetchAll($0, sql: "SELECT kind FROM events ORDER BY id") } == EventKind.allCases.map(\.rawValue))

        try db.write { try $0.execute(sql: "INSERT INTO events (at, model, kind, message, revision) VALUES (0, 'iris', 'teleported', '', NULL)") }
        let error = try #require(throws: StoreError.self) { try store.events(model: "iris", limit: 100) }
        #expect(error.message.contains("\"teleported\""), "\(error)")
        #expect(error.message.contains("iris"), "\(error)")
    }
}
