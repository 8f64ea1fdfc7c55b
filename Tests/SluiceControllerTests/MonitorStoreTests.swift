import Foundation
import Testing
import SluiceCore
import SluiceMonitor
import SluiceReconcile
@testable import SluiceController

/// Both stores keep a model's monitor state and its events together, the SQLite one across a reopen.
@Suite struct MonitorStoreTests {
    static let state = MonitorState(
        model: "iris", version: "v1", checkedAt: Date(timeIntervalSince1970: 200), problem: nil,
        conditions: [
            .init(condition: MonitorCondition(kind: .drifted, reason: .featureDrift, message: "feature drift: x (PSI 0.3)", features: ["x"]),
                  since: Date(timeIntervalSince1970: 100), breached: true),
            .init(condition: MonitorCondition(kind: .insufficientData, reason: .tooFewLabels, message: "3 labelled rows"),
                  since: Date(timeIntervalSince1970: 150), breached: false),
        ],
        report: #"{"rows":600}"#)

    @Test(arguments: StoreConformanceTests.Kind.allCases)
    func theStateAndItsEventsAreKeptAndReplaced(kind: StoreConformanceTests.Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try store.monitorStates().isEmpty)
        let event = EventRecord(at: Date(timeIntervalSince1970: 200), model: "iris", kind: .breached, message: "Drifted (FeatureDrift) …", revision: "abc")
        try store.recordMonitor(Self.state, events: [event])
        #expect(try store.monitorStates() == [Self.state])
        #expect(try store.events(model: "iris", limit: 10) == [event])

        var later = Self.state
        later.checkedAt = Date(timeIntervalSince1970: 260)
        later.problem = "GET http://h/v2/models/iris/monitor: connection refused"
        try store.recordMonitor(later, events: [])
        #expect(try store.monitorStates() == [later], "one state per model, replaced")
        if kind == .sqlite {
            #expect(try SQLiteStore(path: dir.appendingPathComponent("state.db").path, readOnly: true).monitorStates() == [later])
        }
        try store.removeMonitorStates(models: ["iris", "never-monitored"])
        #expect(try store.monitorStates().isEmpty)
        #expect(try store.events(model: "iris", limit: 10) == [event], "history stays")
    }
}
