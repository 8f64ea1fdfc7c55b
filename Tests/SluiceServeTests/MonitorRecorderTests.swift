import Foundation
import Synchronization
import Testing
import SluiceCore
import SluiceLearn
import SluiceMonitor
@testable import SluiceServe

/// The monitor's recorder on real SQLite files: what it counts, what survives a restart, what it
/// does under concurrency and when its writer is stalled.
@Suite struct MonitorRecorderTests {
    static let model = ServedModel(name: "iris", version: "v1", digest: "d", path: "iris", artifact: MonitorFixtures.iris)

    /// Iris rows, `count` of them, cycling through the data set.
    static func rows(_ count: Int, offset: Int = 0) -> [[Double]] {
        let frame = MonitorFixtures.irisFrame
        let columns = IrisRows.features.map { name -> [Double] in
            guard case .numeric(let v)? = frame.column(named: name)?.storage else { fatalError() }
            return v
        }
        return (0..<count).map { i in columns.map { $0[(i + offset) % frame.rowCount] } }
    }

    /// The rows one request answers.
    static func answered(_ rows: [[Double]], id: String, model: ServedModel = model) throws -> InferenceRows {
        let body = MonitorFixtures.irisRequest(rows, id: id).canonicalBytes()
        let request = try body.withUnsafeBufferPointer { try InferenceRequest.decode($0, headerLength: nil) }
        return try model.run(request).rows
    }

    /// What `WindowStats.add` counts for the same rows, the observations built here from the artifact's
    /// own predictions.
    static func direct(_ rows: [[Double]], artifact: ModelArtifact = MonitorFixtures.iris) throws -> WindowStats {
        let profile = try #require(artifact.reference)
        var stats = WindowStats(profile: profile)
        for (row, p) in zip(rows, IrisRows.expected(rows, artifact: artifact)) {
            let k = ModelArtifact.argmax(p.probabilities)
            stats.add(RowObservation(values: row.map(RowObservation.Value.number),
                                     prediction: .label(artifact.target.classes[k], confidence: p.probabilities[k])), profile: profile)
        }
        return stats
    }

    @Test func rowsInEqualADirectCountOfTheSameRows() async throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let recorder = try MonitorRecorder(options: MonitorFixtures.options(dir), logger: MonitorFixtures.logger, hooks: MonitorFixtures.hooks())
        defer { recorder.stop() }
        let all = Self.rows(150)
        for (i, chunk) in stride(from: 0, to: all.count, by: 7).map({ Array(all[$0..<min($0 + 7, all.count)]) }).enumerated() {
            recorder.offer(try Self.answered(chunk, id: "r\(i)"))
        }
        #expect(await recorder.sync(timeout: 30))
        let reading = try recorder.window(model: Self.model, seconds: 3600)
        #expect(reading.window.stats == (try Self.direct(all)))
        #expect(reading.window.stats.rows == 150)
        #expect(reading.window.series.map(\.rows).reduce(0, +) == 150)
        #expect(reading.window.series.last?.estimate != nil, "a classifier with a calibration map has an estimate")
    }

    @Test func aRestartedRecorderLosesNothing() async throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try MonitorRecorder(options: MonitorFixtures.options(dir), logger: MonitorFixtures.logger, hooks: MonitorFixtures.hooks())
        first.offer(try Self.answered(Self.rows(40), id: "a"))
        first.stop()
        // The same bucket continues after a restart: it is read back before rows are added to it.
        let second = try MonitorRecorder(options: MonitorFixtures.options(dir), logger: MonitorFixtures.logger, hooks: MonitorFixtures.hooks())
        second.offer(try Self.answered(Self.rows(25, offset: 40), id: "b"))
        #expect(await second.sync(timeout: 30))
        #expect(try second.window(model: Self.model, seconds: 3600).window.stats == (try Self.direct(Self.rows(65))))
        second.stop()
        let third = try MonitorRecorder(options: MonitorFixtures.options(dir), logger: MonitorFixtures.logger, hooks: MonitorFixtures.hooks())
        defer { third.stop() }
        #expect(try third.window(model: Self.model, seconds: 3600).window.stats == (try Self.direct(Self.rows(65))))
    }

    @Test func concurrentOffersCountExactly() async throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = MonitorFixtures.options(dir)
        options.queueCapacity = 1_000_000
        let recorder = try MonitorRecorder(options: options, logger: MonitorFixtures.logger, hooks: MonitorFixtures.hooks())
        defer { recorder.stop() }
        let requests = try (0..<40).map { t in try (0..<25).map { i in try Self.answered(Self.rows(3, offset: t + i), id: "t\(t)-\(i)") } }
        await withTaskGroup(of: Void.self) { group in
            for batch in requests {
                group.addTask { for rows in batch { recorder.offer(rows) } }
            }
        }
        #expect(await recorder.sync(timeout: 30))
        let reading = try recorder.window(model: Self.model, seconds: 3600)
        #expect(reading.window.stats.rows == 40 * 25 * 3)
        #expect(reading.dropped == 0)
    }

    @Test func aStalledWriterDropsTheNewestAndCountsThem() async throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = MonitorFixtures.options(dir)
        options.queueCapacity = 10
        let gate = Gate()
        let recorder = try MonitorRecorder(options: options, logger: MonitorFixtures.logger,
                                           hooks: MonitorFixtures.hooks(beforeDrain: { gate.wait() }))
        defer { recorder.stop() }
        for i in 0..<8 { recorder.offer(try Self.answered(Self.rows(2, offset: i), id: "s\(i)")) }
        // 5 requests of 2 rows fill the 10 rows; the other 3 are dropped, and offering never waited.
        #expect(recorder.droppedRows == ["iris": 6])
        #expect(recorder.queueDepth == 10)
        gate.open()
        #expect(await recorder.sync(timeout: 30))
        #expect(try recorder.window(model: Self.model, seconds: 3600).window.stats.rows == 10)
    }

    @Test func aStalledWriterDropsLargeRequestsOnceTheByteBudgetIsReached() async throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = MonitorFixtures.options(dir)
        options.queueCapacity = 1_000
        options.queueBytes = 10_000
        let gate = Gate()
        let recorder = try MonitorRecorder(options: options, logger: MonitorFixtures.logger,
                                           hooks: MonitorFixtures.hooks(beforeDrain: { gate.wait() }))
        defer { recorder.stop() }
        for i in 0..<8 { recorder.offer(try Self.answered(Self.rows(2, offset: i), id: "big\(i)"), bytes: 3_000) }
        // 3 requests of 3,000 bytes fit in 10,000; the other 5 are dropped although 16 rows fit in 1,000.
        #expect(recorder.droppedRows == ["iris": 10])
        #expect(recorder.queueDepth == 6)
        gate.open()
        #expect(await recorder.sync(timeout: 30))
        #expect(try recorder.window(model: Self.model, seconds: 3600).window.stats.rows == 6)
        // Once drained, the budget is free again; without a size the rows' inputs are estimated.
        recorder.offer(try Self.answered(Self.rows(2), id: "small"))
        #expect(await recorder.sync(timeout: 30))
        #expect(try recorder.window(model: Self.model, seconds: 3600).window.stats.rows == 8)
    }

    @Test func theWriterPrunesByBytesBetweenItsTimedPrunes() async throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = MonitorFixtures.options(dir)
        options.pruneInterval = 1e9
        options.maxRowBytes = 2_000
        let recorder = try MonitorRecorder(options: options, logger: MonitorFixtures.logger, hooks: MonitorFixtures.hooks())
        defer { recorder.stop() }
        for i in 0..<5 {
            recorder.offer(try Self.answered(Self.rows(10, offset: 10 * i), id: "p\(i)"))
            #expect(await recorder.sync(timeout: 30))
        }
        // No timed prune comes (the first is at the start), yet the log stays within its bytes.
        let logged = try recorder.store.loggedRows(model: "iris", since: 0, labelledOnly: false, limit: 100).map(\.row)
        #expect(!logged.isEmpty)
        #expect(logged.count < 50)
        #expect(logged.reduce(0) { $0 + $1.bytes } <= 2_000)
        #expect(logged.last?.id == "p4", "the newest rows stay")
        #expect(try recorder.window(model: Self.model, seconds: 3600).window.stats.rows == 50, "every row is still counted")
    }

    @Test func longTextValuesAreCutInTheRowLog() {
        let long = "a" + String(repeating: "é", count: 3_000)
        #expect(MonitorRecorder.truncated(.string(long)) == .string("a" + String(repeating: "é", count: 511)), "cut before a split character")
        #expect(MonitorRecorder.truncated(.string(String(repeating: "x", count: 5_000))) == .string(String(repeating: "x", count: 1_024)))
        #expect(MonitorRecorder.truncated(.string("short")) == .string("short"))
        #expect(MonitorRecorder.truncated(.number(1)) == .number(1))
    }

    @Test func aFailingStoreIsRetriedLessAndLessOften() {
        var backoff = RetryBackoff()
        #expect((0..<8).map { _ in backoff.failed() } == [0.2, 0.4, 0.8, 1.6, 3.2, 5, 5, 5])
        backoff.succeeded()
        #expect(backoff.delay == nil)
        #expect(backoff.failed() == 0.2, "a success starts over")
    }

    @Test func generatedRequestIDsAreUUIDsAndDistinct() {
        let ids = (0..<10_000).map { _ in RequestID.next() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            let uuid = UUID(uuidString: id)
            #expect(uuid != nil, "\(id)")
            #expect(uuid?.uuidString.lowercased() == id)
            #expect(Array(id)[14] == "4", "version 4: \(id)")
            #expect("89ab".contains(Array(id)[19]), "RFC 9562 variant: \(id)")
        }
    }

    @Test func samplingIsDeterministicAndNearTheRate() {
        let sampled = (0..<10_000).filter { RowSampler.sampled(id: "req-\($0)", row: 0, rate: 0.1) }.count
        #expect((850...1150).contains(sampled))
        #expect((0..<100).allSatisfy { RowSampler.sampled(id: "x", row: $0, rate: 0.3) == RowSampler.sampled(id: "x", row: $0, rate: 0.3) })
        #expect(RowSampler.sampled(id: "anything", row: 3, rate: 1))
        #expect(!RowSampler.sampled(id: "anything", row: 3, rate: 0))
        var capped = RowSampler(rate: 1, perSecond: 5)
        var admitted = 0
        for row in 0..<20 where capped.admit(model: "m", id: "r", row: row, now: 100) { admitted += 1 }
        #expect(admitted == 5)
        let refilled = capped.admit(model: "m", id: "r", row: 0, now: 101)
        #expect(refilled, "a second later the bucket has refilled")
        let other = capped.admit(model: "other", id: "r", row: 0, now: 100)
        #expect(other, "each model has its own bucket")
    }

    @Test func bucketsRoundTripThroughTheirStoredForm() throws {
        let stats = try Self.direct(Self.rows(30))
        let profile = try #require(MonitorFixtures.iris.reference)
        var unlabelled = stats
        unlabelled.labelled = LabelledStats(classes: profile.classes.count)
        #expect(try WindowStats(blob: stats.blob, profile: profile) == unlabelled)
        #expect(throws: MonitorError.self) { try WindowStats(blob: Array(stats.blob.dropLast(8)), profile: profile) }
    }

    @Test func retentionRemovesOldRowsAndKeepsTheLogWithinItsBytes() throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try MonitorStore(directory: dir)
        defer { store.close() }
        func row(_ id: String, _ t: Double) -> MonitorStore.LoggedRow {
            .init(model: "m", version: "v", id: id, row: 0, time: t, features: "[1,2]", prediction: "\"a\"", classIndex: 0)
        }
        try store.write(buckets: [], rows: [row("old", 0), row("a", 1000), row("b", 1001), row("c", 1002)])
        try store.prune(now: 1010, aggregates: 100, rows: 100, feedback: 100, maxRowBytes: 1 << 20)
        #expect(try store.loggedRows(model: "m", since: 0, labelledOnly: false, limit: 10).map(\.row.id) == ["a", "b", "c"])
        try store.prune(now: 1010, aggregates: 100, rows: 100, feedback: 100, maxRowBytes: row("c", 0).bytes * 2)
        #expect(try store.loggedRows(model: "m", since: 0, labelledOnly: false, limit: 10).map(\.row.id) == ["b", "c"], "the oldest go first")
    }
}

extension MonitorRecorderTests {
    @Test func theWriterPrunesWhatIsPastRetention() async throws {
        let dir = ServeFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let now = MonitorFixtures.now, day = 86_400.0
        let store = try MonitorStore(directory: dir)
        func row(_ id: String, _ t: Double) -> MonitorStore.LoggedRow {
            .init(model: "iris", version: "v1", id: id, row: 0, time: t, features: "[1,2,3,4]", prediction: "\"setosa\"", classIndex: 0)
        }
        try store.write(buckets: [(model: "iris", version: "v1", start: Int64(now - 36 * day), stats: try Self.direct(Self.rows(5))),
                                  (model: "iris", version: "v1", start: Int64(now - 34 * day), stats: try Self.direct(Self.rows(3)))],
                        rows: [row("old", now - 8 * day), row("recent", now - 6 * day)])
        try await store.addFeedback(model: "iris", items: [FeedbackItem(id: "gone", row: 0, truth: "setosa")], received: now - 31 * day)
        try await store.addFeedback(model: "iris", items: [FeedbackItem(id: "kept", row: 0, truth: "setosa")], received: now - 29 * day)
        store.close()
        let recorder = try MonitorRecorder(options: MonitorFixtures.options(dir), logger: MonitorFixtures.logger, hooks: MonitorFixtures.hooks())
        defer { recorder.stop() }
        #expect(await recorder.sync(timeout: 30))
        #expect(try recorder.store.loggedRows(model: "iris", since: 0, labelledOnly: false, limit: 10).map(\.row.id) == ["recent"])
        let reading = try recorder.window(model: Self.model, seconds: 40 * day)
        #expect(reading.window.stats.rows == 3, "buckets older than 35 days are gone")
        #expect(reading.unmatchedLabels == 1, "labels older than 30 days are gone")
    }
}

/// A gate a writer thread waits at until a test opens it.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let isOpen = Atomic<Bool>(false)

    func wait() {
        guard !isOpen.load(ordering: .acquiring) else { return }
        semaphore.wait()
        semaphore.signal()
    }

    func open() {
        isOpen.store(true, ordering: .releasing)
        semaphore.signal()
    }
}
