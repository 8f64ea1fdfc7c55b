import Foundation
import Testing
@testable import SluiceReconcile

/// Whether a breach may start an automatic retrain: the cooldown since the last one, and the
/// weekly limit per spec after which the model is stalled until its manifest changes.
@Suite struct RetrainGuardTests {
    static let day = 86_400.0

    static func at(_ days: Double) -> Date { Date(timeIntervalSince1970: 1_700_000_000 + days * day) }

    static func attempt(_ days: Double, _ spec: String = "spec-a") -> RetrainGuard.Attempt {
        RetrainGuard.Attempt(at: at(days), specDigest: spec)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var attempts: [RetrainGuard.Attempt]
        var spec = "spec-a"
        var cooldown = RetrainGuardTests.day
        var maxPerWeek = 3
        var now: Double
        var expect: RetrainGuard.Decision
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no retrain before → allowed", attempts: [], now: 0, expect: .allowed),
        Case(name: "within the cooldown → cooling down until last + cooldown",
             attempts: [attempt(0)], now: 0.5, expect: .coolingDown(until: at(1))),
        Case(name: "the cooldown counts retrains of any spec",
             attempts: [attempt(0, "spec-old")], now: 0.25, expect: .coolingDown(until: at(1))),
        Case(name: "the cooldown runs from the last retrain, whatever the order given",
             attempts: [attempt(3), attempt(0), attempt(2, "spec-old")], cooldown: 2 * day, now: 4, expect: .coolingDown(until: at(5))),
        Case(name: "the cooldown is over at last + cooldown → allowed",
             attempts: [attempt(0)], now: 1, expect: .allowed),
        Case(name: "a cooldown of 0 → allowed at once",
             attempts: [attempt(0)], cooldown: 0, now: 0, expect: .allowed),
        Case(name: "fewer than maxPerWeek retrains of this spec in 7 days → allowed",
             attempts: [attempt(0), attempt(2)], now: 4, expect: .allowed),
        Case(name: "maxPerWeek retrains of this spec within 7 days → stalled",
             attempts: [attempt(4), attempt(0), attempt(2)], now: 6, expect: .stalled(count: 3, last: at(4))),
        Case(name: "stalled stays stalled once the week has passed",
             attempts: [attempt(0), attempt(2), attempt(4)], now: 60, expect: .stalled(count: 3, last: at(4))),
        Case(name: "stalled comes before cooling down",
             attempts: [attempt(0), attempt(0.1), attempt(0.2)], now: 0.3, expect: .stalled(count: 3, last: at(0.2))),
        Case(name: "the same count spread over more than 7 days → allowed",
             attempts: [attempt(0), attempt(4), attempt(8)], now: 10, expect: .allowed),
        Case(name: "any 7-day window counts, not only the latest",
             attempts: [attempt(0), attempt(1), attempt(6.9), attempt(20)], now: 30, expect: .stalled(count: 3, last: at(6.9))),
        Case(name: "retrains of another spec do not count toward stalling",
             attempts: [attempt(0, "spec-old"), attempt(1, "spec-old"), attempt(2, "spec-old"), attempt(3)], now: 5, expect: .allowed),
        Case(name: "a changed spec is not stalled by the old one's retrains",
             attempts: [attempt(0), attempt(1), attempt(2)], spec: "spec-b", now: 3, expect: .allowed),
        Case(name: "a mix of specs: only this spec's retrains count",
             attempts: [attempt(0), attempt(1, "spec-old"), attempt(2), attempt(3, "spec-old")], now: 5, expect: .allowed),
        Case(name: "maxPerWeek 1: the first retrain of this spec is the last",
             attempts: [attempt(0)], maxPerWeek: 1, now: 2, expect: .stalled(count: 1, last: at(0))),
        Case(name: "maxPerWeek 1: a retrain of another spec does not stall this one",
             attempts: [attempt(0, "spec-old")], maxPerWeek: 1, now: 2, expect: .allowed),
    ]

    @Test(arguments: cases)
    func decision(_ c: Case) {
        let decision = RetrainGuard.decide(attempts: c.attempts, specDigest: c.spec, cooldown: c.cooldown, maxPerWeek: c.maxPerWeek, now: Self.at(c.now))
        #expect(decision == c.expect)
    }
}
