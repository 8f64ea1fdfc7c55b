import Foundation
import Testing
import TestSupport
@testable import SluiceController

/// The event log's pages (`/ui/events`), the same in every store: newest first, filtered by model
/// and kinds, continued below a cursor, and counted by kind.
@Suite struct EventLogStoreTests {
    typealias Kind = StoreConformanceTests.Kind

    @Test(arguments: Kind.allCases)
    func pagesFilterAndContinueBelowTheCursor(kind: Kind) throws {
        let (store, dir) = try StoreConformanceTests.make(kind)
        defer { try? FileManager.default.removeItem(at: dir) }
        let kinds: [EventKind] = [.trained, .published, .failed]
        for i in 0..<12 {
            try store.recordEvent(EventRecord(at: Date(timeIntervalSince1970: Double(i)), model: i % 2 == 0 ? "iris" : "wine",
                                              kind: kinds[i % 3], message: "event \(i)", revision: nil))
        }
        // Every model, every kind: the newest first, at most the limit.
        let first = try store.eventLog(EventLogQuery(limit: 5))
        #expect(first.map(\.event.message) == ["event 11", "event 10", "event 9", "event 8", "event 7"])
        #expect(first.map(\.sequence) == first.map(\.sequence).sorted(by: >), "sequences fall with age")
        // The next page starts below the last one's cursor, without repeats or gaps.
        let second = try store.eventLog(EventLogQuery(before: first.last!.sequence, limit: 5))
        #expect(second.map(\.event.message) == ["event 6", "event 5", "event 4", "event 3", "event 2"])
        let last = try store.eventLog(EventLogQuery(before: second.last!.sequence, limit: 5))
        #expect(last.map(\.event.message) == ["event 1", "event 0"])
        #expect(try store.eventLog(EventLogQuery(before: last.last!.sequence, limit: 5)).isEmpty)

        // By model and by kinds, together.
        #expect(try store.eventLog(EventLogQuery(model: "iris", limit: 100)).map(\.event.message)
            == ["event 10", "event 8", "event 6", "event 4", "event 2", "event 0"])
        #expect(try store.eventLog(EventLogQuery(kinds: [.failed, .trained], limit: 100)).map(\.event.message)
            == ["event 11", "event 9", "event 8", "event 6", "event 5", "event 3", "event 2", "event 0"])
        let irisFailed = try store.eventLog(EventLogQuery(model: "iris", kinds: [.failed], limit: 1))
        #expect(irisFailed.map(\.event) == [EventRecord(at: Date(timeIntervalSince1970: 8), model: "iris", kind: .failed, message: "event 8", revision: nil)])
        #expect(try store.eventLog(EventLogQuery(model: "iris", kinds: [.failed], before: irisFailed[0].sequence, limit: 5)).map(\.event.message) == ["event 2"])
        #expect(try store.eventLog(EventLogQuery(model: "nobody", limit: 5)).isEmpty)

        // Counts by kind, of every model and of one.
        #expect(try store.eventCounts(model: nil) == [.trained: 4, .published: 4, .failed: 4])
        #expect(try store.eventCounts(model: "wine") == [.trained: 2, .published: 2, .failed: 2])
        #expect(try store.eventCounts(model: "nobody") == [:])
    }
}
