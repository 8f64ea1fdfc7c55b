import Testing
import SluiceManifest
@testable import SluiceReconcile

/// Table-driven tests of the per-model state machine the executor follows: each case names a
/// transition, feeds the step results in, and checks every step handed out and where it ends.
@Suite struct ModelRunTests {
    static let v1 = "1111aaaa2222bbbb3333cccc"
    static let v2 = "5555dddd6666eeee7777ffff"
    static let here = DeploySpec.directory(path: "deploy/iris")
    static let there = DeploySpec.directory(path: "deploy/elsewhere")
    static let champion = Publication(version: v1, deploy: here, artifactDigest: "a1")
    static let pass = Verdict(passed: true, summary: "1 rule(s) passed")
    static let fail = Verdict(passed: false, summary: "accuracy 0.5 < min 0.9")

    // The plan's actions; reasons are opaque to the machine, so any text does.
    static func train(_ v: String = v2) -> Action { .train(version: v, reason: Reason(.dataChanged, "data changed")) }
    static func evaluate(_ v: String = v2) -> Action { .evaluate(version: v, reason: Reason(.newVersion, "gate the new version")) }
    static func publish(_ v: String = v2, to target: DeploySpec = here, ifGatePasses: Bool = true) -> Action {
        .publish(version: v, target: target, reason: Reason(.replacesChampion, "replaces 1111aaaa2222"), ifGatePasses: ifGatePasses)
    }
    static func retire(_ v: String = v1, from target: DeploySpec = here) -> Action {
        .retire(version: v, target: target, reason: Reason(.manifestRemoved, "manifest removed"))
    }

    /// What the executor reports for the step under way.
    enum Event: Sendable {
        case ok(ModelRun.StepResult)
        case fail(String)
        case cancel(String)
    }

    static let trained = Event.ok(.trained(seconds: 0.123, headline: "accuracy 0.9667"))
    static let passed = Event.ok(.evaluated(pass))
    static let failed = Event.ok(.evaluated(fail))
    static let published = Event.ok(.published)
    static let retired = Event.ok(.retired(leavingFilesTo: nil))

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var actions: [Action]
        var condition: Condition = .progressing
        var message = ""
        var publication: Publication?
        var stopping: String?
        var events: [Event] = []
        /// Every step handed out, in words (see ``ModelRunTests/words(_:)``).
        var steps: [String]
        var end: Condition
        /// The final message exactly.
        var says: String = ""
        /// The attempts, as "kind ✓" or "kind ✗".
        var attempts: [String] = []
        var counts = ModelRun.Counts()
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "new version passes its gate → trained, evaluated, published: ready",
             actions: [train(), evaluate(), publish()], events: [trained, passed, published],
             steps: ["train", "evaluate", "publish after the gate", "finish ready"], end: .ready,
             says: "version 5555dddd6666 is published to directory deploy/iris",
             attempts: ["train ✓", "evaluate ✓", "publish ✓"], counts: .init(trained: 1, evaluated: 1, published: 1)),
        Case(name: "new version fails its gate, nothing published → publish skipped: rejected, nothing is published",
             actions: [train(), evaluate(), publish()], events: [trained, failed],
             steps: ["train", "evaluate", "skip publish: the gate failed", "finish rejected"], end: .rejected,
             says: "version 5555dddd6666 failed its gate (accuracy 0.5 < min 0.9); nothing is published",
             attempts: ["train ✓", "evaluate ✓"], counts: .init(trained: 1, evaluated: 1)),
        Case(name: "new version fails its gate → publish skipped: rejected, the champion stays in service",
             actions: [train(), evaluate(), publish()], publication: champion, events: [trained, failed],
             steps: ["train", "evaluate", "skip publish: the gate failed", "finish rejected"], end: .rejected,
             says: "version 5555dddd6666 failed its gate (accuracy 0.5 < min 0.9); 1111aaaa2222 stays in service",
             attempts: ["train ✓", "evaluate ✓"], counts: .init(trained: 1, evaluated: 1)),
        Case(name: "deploy moved and the new version fails its gate → publish skipped, and the old target's retire skipped too",
             actions: [train(), evaluate(), publish(to: there), retire()], publication: champion, events: [trained, failed],
             steps: ["train", "evaluate", "skip publish: the gate failed", "skip retire: the publish before it was skipped", "finish rejected"],
             end: .rejected, says: "version 5555dddd6666 failed its gate (accuracy 0.5 < min 0.9); 1111aaaa2222 stays in service",
             attempts: ["train ✓", "evaluate ✓"], counts: .init(trained: 1, evaluated: 1)),
        Case(name: "deploy moved and the new version passes → published, then the old target retired without ending service",
             actions: [train(), evaluate(), publish(to: there), retire()], publication: champion, events: [trained, passed, published, retired],
             steps: ["train", "evaluate", "publish after the gate", "retire", "finish ready"], end: .ready,
             says: "version 5555dddd6666 is published to directory deploy/elsewhere",
             attempts: ["train ✓", "evaluate ✓", "publish ✓", "retire ✓"], counts: .init(trained: 1, evaluated: 1, published: 1, retired: 1)),
        Case(name: "manifest removed → retired, ending service: retired, message cleared",
             actions: [retire()], condition: .retired, message: "stale words", publication: champion, events: [retired],
             steps: ["retire ending service", "finish retired"], end: .retired, attempts: ["retire ✓"], counts: .init(retired: 1)),
        Case(name: "changed gate fails the champion → rejected, in service until a version passes",
             actions: [evaluate(v1)], publication: champion, events: [failed],
             steps: ["evaluate", "finish rejected"], end: .rejected,
             says: "version 1111aaaa2222, in service, fails the changed gate (accuracy 0.5 < min 0.9); it stays in service until a version passes",
             attempts: ["evaluate ✓"], counts: .init(evaluated: 1)),
        Case(name: "changed gate fails the champion whose target moved → its unconditional publish still happens",
             actions: [evaluate(v1), publish(v1, to: there, ifGatePasses: false), retire()], publication: champion,
             events: [failed, published, retired],
             steps: ["evaluate", "publish", "retire", "finish rejected"], end: .rejected,
             says: "version 1111aaaa2222, in service, fails the changed gate (accuracy 0.5 < min 0.9); it stays in service until a version passes",
             attempts: ["evaluate ✓", "publish ✓", "retire ✓"], counts: .init(evaluated: 1, published: 1, retired: 1)),
        Case(name: "rejected model's drifted champion repaired → stays rejected with the plan's message",
             actions: [publish(v1, ifGatePasses: false)], condition: .rejected, message: "version 5555dddd6666 failed its gate (x)",
             publication: champion, events: [published],
             steps: ["publish", "finish rejected"], end: .rejected, says: "version 5555dddd6666 failed its gate (x)",
             attempts: ["publish ✓"], counts: .init(published: 1)),
        Case(name: "version trained meanwhile → no training attempted, nothing said, then evaluated and published",
             actions: [train(), evaluate(), publish()], events: [.ok(.alreadyTrained), passed, published],
             steps: ["train", "evaluate", "publish after the gate", "finish ready"], end: .ready,
             says: "version 5555dddd6666 is published to directory deploy/iris",
             attempts: ["evaluate ✓", "publish ✓"], counts: .init(evaluated: 1, published: 1)),
        Case(name: "version taken from the cache → attempted, but not counted as trained",
             actions: [train(), evaluate(), publish()], events: [.ok(.reused(headline: "accuracy 0.9667")), passed, published],
             steps: ["train", "evaluate", "publish after the gate", "finish ready"], end: .ready,
             says: "version 5555dddd6666 is published to directory deploy/iris",
             attempts: ["train ✓", "evaluate ✓", "publish ✓"], counts: .init(evaluated: 1, published: 1)),
        Case(name: "publish fails → failed, naming the champion that stays; the steps before it count",
             actions: [train(), evaluate(), publish()], publication: champion, events: [trained, passed, .fail("disk full")],
             steps: ["train", "evaluate", "publish after the gate", "finish failed"], end: .failed,
             says: "disk full; 1111aaaa2222 stays in service",
             attempts: ["train ✓", "evaluate ✓", "publish ✗"], counts: .init(trained: 1, evaluated: 1)),
        Case(name: "training fails with nothing in service → failed with the error alone; nothing more is tried",
             actions: [train(), evaluate(), publish()], events: [.fail("training failed: no rows")],
             steps: ["train", "finish failed"], end: .failed, says: "training failed: no rows", attempts: ["train ✗"]),
        Case(name: "retire of the old target fails after the publish → failed",
             actions: [train(), evaluate(), publish(to: there), retire()], publication: champion,
             events: [trained, passed, published, .fail("permission denied")],
             steps: ["train", "evaluate", "publish after the gate", "retire", "finish failed"], end: .failed,
             says: "permission denied; 1111aaaa2222 stays in service",
             attempts: ["train ✓", "evaluate ✓", "publish ✓", "retire ✗"], counts: .init(trained: 1, evaluated: 1, published: 1)),
        Case(name: "cancelled while training → progressing, training abandoned, the attempt not counted",
             actions: [train(), evaluate(), publish()], publication: champion, events: [.cancel("shutting down")],
             steps: ["train", "finish progressing"], end: .progressing,
             says: "training abandoned: shutting down; it starts again on the next run"),
        Case(name: "lease lost after the gate → progressing, training abandoned, the finished steps kept",
             actions: [train(), evaluate(), publish()], events: [trained, passed, .cancel("lost the store's writer lease")],
             steps: ["train", "evaluate", "publish after the gate", "finish progressing"], end: .progressing,
             says: "training abandoned: lost the store's writer lease; it starts again on the next run",
             attempts: ["train ✓", "evaluate ✓"], counts: .init(trained: 1, evaluated: 1)),
        Case(name: "stopping before the first step → not started, nothing performed",
             actions: [train(), evaluate(), publish()], publication: champion, stopping: "shutting down",
             steps: ["finish progressing"], end: .progressing, says: "not started: shutting down"),
        Case(name: "nothing planned while stopping → the plan's condition and message unchanged",
             actions: [], condition: .ready, message: "version 1111aaaa2222 is published", publication: champion, stopping: "shutting down",
             steps: ["finish ready"], end: .ready, says: "version 1111aaaa2222 is published"),
        Case(name: "nothing planned for a failed model → stays failed with the plan's message",
             actions: [], condition: .failed, message: "no such file", steps: ["finish failed"], end: .failed, says: "no such file"),
    ]

    /// A step in words: "train", "publish after the gate", "retire ending service",
    /// "skip retire: <why>", "finish ready".
    static func words(_ step: ModelRun.Step) -> String {
        switch step {
        case .perform(let action, let context):
            "\(action.kind)" + (context.gate != nil ? " after the gate" : "") + (context.endsService ? " ending service" : "")
        case .skip(let action, let why): "skip \(action.kind): \(why)"
        case .finish(let outcome): "finish \(outcome.condition)"
        }
    }

    /// Runs a case: feeds its events in order, answers every skip.
    /// - Returns: the steps handed out, in words, and the outcome.
    static func run(_ c: Case) -> ([String], ModelRun.Outcome) {
        var run = ModelRun(item: PlanItem(model: "iris", actions: c.actions, condition: c.condition, reason: c.message.isEmpty ? nil : Reason(.upToDate, c.message)),
                           publication: c.publication)
        var events = c.events[...]
        var steps: [String] = []
        var step = run.start(stopping: c.stopping)
        while true {
            steps.append(words(step))
            switch step {
            case .perform:
                guard let event = events.popFirst() else {
                    Issue.record("no event left for \(steps.last!)")
                    return (steps, ModelRun.Outcome(condition: .failed, reason: Reason(.actionFailed, "test ran out of events")))
                }
                switch event {
                case .ok(let result): step = run.succeeded(result)
                case .fail(let error): step = run.failed(error)
                case .cancel(let why): step = run.cancelled(why)
                }
            case .skip:
                step = run.skipped()
            case .finish(let outcome):
                #expect(events.isEmpty, "events left over: \(events)")
                return (steps, outcome)
            }
        }
    }

    /// The token of each way a run ends (`conditionReason` in `apply --json`): the sentences above
    /// are for people, these are what programs switch on.
    @Test func everyEndCarriesItsReasonToken() {
        func token(_ c: Case) -> ReasonToken? { Self.run(c).1.reason?.token }
        #expect(token(Self.cases[0]) == .upToDate)
        #expect(token(Self.cases[1]) == .gateFailed)
        #expect(token(Self.cases.first { $0.name.hasPrefix("changed gate fails the champion →") }!) == .championFailsGate)
        #expect(token(Self.cases.first { $0.name.hasPrefix("publish fails") }!) == .actionFailed)
        #expect(token(Self.cases.first { $0.name.hasPrefix("cancelled while training") }!) == .workAbandoned)
        #expect(token(Self.cases.first { $0.name.hasPrefix("stopping before the first step") }!) == .notStarted)
        #expect(token(Self.cases.first { $0.name.hasPrefix("manifest removed") }!) == nil)
    }

    @Test(arguments: cases)
    func transition(_ c: Case) {
        let (steps, outcome) = Self.run(c)
        #expect(steps == c.steps)
        #expect(outcome.condition == c.end)
        #expect(outcome.message == c.says)
        #expect(outcome.attempts.map { "\($0.action.kind) \($0.succeeded ? "✓" : "✗")" } == c.attempts)
        #expect(outcome.counts == c.counts)
    }

    @Test func aConditionalPublishIsHandedTheVerdictItWaitedFor() {
        var run = ModelRun(item: PlanItem(model: "iris", actions: [Self.evaluate(), Self.publish()], condition: .progressing),
                           publication: Self.champion)
        #expect(run.start(stopping: nil) == .perform(Self.evaluate(), .init()))
        #expect(run.succeeded(.evaluated(Self.pass)) == .perform(Self.publish(), .init(gate: Self.pass)))
    }

    @Test func everyStepDoneIsSaidOnceInOrder() {
        let c = Case(name: "", actions: [Self.train(), Self.evaluate(), Self.publish(to: Self.there), Self.retire()],
                     publication: Self.champion,
                     events: [Self.trained, Self.passed, Self.published, .ok(.retired(leavingFilesTo: "wine"))], steps: [], end: .ready)
        #expect(Self.run(c).1.done == [
            "trained 5555dddd6666 in 0.12 s (accuracy 0.9667)",
            "gate passed for 5555dddd6666: 1 rule(s) passed",
            "published 5555dddd6666 to directory deploy/elsewhere",
            "retired 1111aaaa2222 from directory deploy/iris, leaving the files to wine, which deploys there now",
        ])
        let cached = Case(name: "", actions: [Self.train()], events: [.ok(.reused(headline: "accuracy 0.9667"))], steps: [], end: .ready)
        #expect(Self.run(cached).1.done == ["reused 5555dddd6666 from the cache, trained earlier (accuracy 0.9667)"])
    }

    /// A rejection found by this run reads as the one the planner shows on the next plan.
    @Test func theRunAndTheNextPlanSayTheSameRejection() {
        let candidate = PlannerTests.manifest(params: ["nEstimators": 10])
        let observed = PlannerTests.adding(candidate, passed: false, to: PlannerTests.published(PlannerTests.base))
        let planned = Planner().plan(PlannerTests.desired(candidate), observed)
        #expect(planned.condition == .rejected)
        let v = VersionIdentity.id(candidate, dataDigest: PlannerTests.data, testDigest: nil)
        let c = Case(name: "", actions: [Self.train(v), Self.evaluate(v), Self.publish(v)], publication: observed.publication,
                     events: [Self.trained, .ok(.evaluated(Verdict(passed: false, summary: "accuracy 0.5 < min 0.9")))], steps: [], end: .rejected)
        #expect(Self.run(c).1.message == planned.message)
    }
}
