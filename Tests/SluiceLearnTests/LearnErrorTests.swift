import Foundation
import Testing
@testable import SluiceLearn

/// A cancellation is recognised by its case, never by its message.
@Suite struct LearnErrorTests {
    @Test func aFailureWordedLikeACancellationIsNotOne() {
        let lookalike = LearnError(LearnError.cancelled.message)
        #expect(!lookalike.isCancellation)
        #expect(lookalike != LearnError.cancelled)
        #expect(LearnError.cancelled.isCancellation)
        #expect(LearnError("x") == LearnError("x"))
    }

    @Test func trainingStoppedByItsCallerThrowsACancellation() throws {
        let algorithm = "random_forest"
        let frame = try Fixtures.csv("examples/data/iris.csv")
        // Stopped before it starts, and stopped at its first checkpoint.
        for allowed in [0, 1] {
            let calls = Counter()
            let error = try #require(throws: LearnError.self) {
                try Trainer.train(Fixtures.spec(algorithm), train: frame, test: frame) { _ in calls.next() < allowed }
            }
            #expect(error.isCancellation, "\(algorithm), \(allowed): \(error)")
        }
    }

    /// Counts progress calls across the training's threads.
    final class Counter: @unchecked Sendable {
        private var n = 0
        private let lock = NSLock()
        func next() -> Int { lock.withLock { defer { n += 1 }; return n } }
    }
}
