import Foundation
import SluiceManifest

/// One model's way through its plan item: the rules that decide, as each step's result comes
/// in, what the executor does next and the condition the model is left in.
///
/// Pure, like ``Planner``: events in, the next ``Step`` out (in the style of Hummingbird's
/// `+StateMachine` types). The executor performs the steps and reports what each produced; it
/// decides nothing. The rules:
/// - a publish that waits for the gate (`ifGatePasses`) is skipped when this run's gate failed,
///   and a retire after a skipped publish is skipped too: the old target keeps serving;
/// - a failed gate leaves the model `rejected`, with ``ConditionMessage/rejected(version:summary:publication:)``;
/// - a step that fails ends the run: `failed`, naming the version that stays in service;
/// - cancelled part-way (shutdown, the writer lease lost): `progressing`, "training abandoned";
/// - stopping before the first step: `progressing`, "not started", and nothing is done;
/// - done: `progressing` becomes `ready` (naming the version in service), `retired` clears the message, and any other condition
///   keeps the plan's (a rejected model whose champion was repaired stays rejected).
///
/// Reasons are passed through, never read.
public struct ModelRun: Sendable {
    /// What the executor does next.
    public enum Step: Sendable, Equatable {
        /// Carry out the action, then report ``ModelRun/succeeded(_:)``, ``ModelRun/failed(_:)``
        /// or ``ModelRun/cancelled(_:)``.
        case perform(Action, Context)
        /// Do not carry out the action; report ``ModelRun/skipped()`` to go on.
        case skip(Action, because: Skip)
        /// The model is done: its outcome.
        case finish(Outcome)
    }

    /// Why an action is not carried out.
    public enum Skip: String, Sendable, Equatable, CustomStringConvertible {
        /// A publish that waited for the gate, which failed in this run.
        case gateFailed = "the gate failed"
        /// A retire of the old target, whose replacement was not published.
        case publishSkipped = "the publish before it was skipped"

        public var description: String { rawValue }
    }

    /// What the executor needs to know, beyond the action, to carry it out.
    public struct Context: Sendable, Equatable {
        /// For a publish that waited for the gate: the verdict it waited for (passed), which is
        /// what its record says happened. `nil` for every other step.
        public var gate: Verdict?
        /// For a retire: the retirement takes the model out of service (no version of this run
        /// was published in its place), so it is recorded as such.
        public var endsService: Bool

        public init(gate: Verdict? = nil, endsService: Bool = false) {
            self.gate = gate
            self.endsService = endsService
        }
    }

    private enum State: Sendable {
        case idle
        case performing(Int)
        case skipping(Int)
        case finished
    }

    /// The plan item being carried out.
    public let item: PlanItem
    /// The version in service when the run began, if any.
    public let publication: Publication?
    private var state = State.idle
    /// The gate verdict this run reached, if it evaluated one.
    private var verdict: Verdict?
    private var skippedPublish = false
    /// The version this run published last, and where (`nil` while it published none).
    private var inService: (version: String, target: DeploySpec)?
    private var outcome: Outcome

    /// - Parameters:
    ///   - item: the model's plan item.
    ///   - publication: the version in service, as observed when the plan was made.
    public init(item: PlanItem, publication: Publication?) {
        self.item = item
        self.publication = publication
        outcome = Outcome(condition: item.condition, reason: item.conditionReason)
    }

    /// Event: the executor is ready to begin.
    /// - Parameter stopping: why no new work may start (shutdown, the lease lost), if so.
    /// - Returns: the first step; or, with nothing planned, the plan's condition unchanged.
    public mutating func start(stopping: String?) -> Step {
        guard case .idle = state else { preconditionFailure("ModelRun.start in \(state)") }
        guard !item.actions.isEmpty else { return finish() }
        if let stopping {
            outcome.condition = .progressing
            outcome.reason = Reason(.notStarted, ConditionMessage.notStarted(because: stopping))
            return finish()
        }
        return next(from: 0)
    }

    /// Event: the action handed out by the last ``Step/perform(_:_:)`` succeeded.
    /// - Parameter result: what it produced.
    public mutating func succeeded(_ result: StepResult) -> Step {
        guard case .performing(let i) = state else { preconditionFailure("ModelRun.succeeded in \(state)") }
        let action = item.actions[i]
        precondition(result.kind == action.kind, "ModelRun: a \(result.kind) result reported for a \(action.kind) action")
        let short = VersionIdentity.short(action.version)
        switch result {
        case .alreadyTrained:
            // Trained meanwhile (by `gate`, or another run): nothing was done.
            return next(from: i + 1)
        case .trained(let seconds, let headline):
            outcome.counts.trained += 1
            outcome.done.append("trained \(short) in \(String(format: "%.2f", seconds)) s (\(headline))")
        case .reused(let headline):
            outcome.done.append("reused \(short) from the cache, trained earlier (\(headline))")
        case .evaluated(let v):
            verdict = v
            outcome.verdicts.append(v.passed)
            outcome.counts.evaluated += 1
            outcome.done.append("gate \(v.passed ? "passed" : "failed") for \(short): \(v.summary)")
            if !v.passed {
                outcome.condition = .rejected
                outcome.reason = Reason(publication?.version == action.version ? .championFailsGate : .gateFailed,
                                        ConditionMessage.rejected(version: action.version, summary: v.summary, publication: publication))
            }
        case .published:
            outcome.counts.published += 1
            if case .publish(let version, let target, _, _) = action {
                inService = (version, target)
                outcome.done.append("published \(short) to \(target.summary)")
            }
        case .retired(leavingFilesTo: let owner):
            outcome.counts.retired += 1
            if case .retire(_, let target, _) = action {
                outcome.done.append("retired \(short) from \(target.summary)\(Self.leavingFiles(to: owner))")
            }
        }
        outcome.attempts.append(Attempt(action: action, succeeded: true))
        return next(from: i + 1)
    }

    /// Event: the executor passed over the action handed out by the last ``Step/skip(_:because:)``.
    public mutating func skipped() -> Step {
        guard case .skipping(let i) = state else { preconditionFailure("ModelRun.skipped in \(state)") }
        return next(from: i + 1)
    }

    /// Event: the action under way failed. The model fails; the version in service stays.
    /// - Parameter error: what went wrong, as shown to people (secrets already redacted).
    public mutating func failed(_ error: String) -> Step {
        guard case .performing(let i) = state else { preconditionFailure("ModelRun.failed in \(state)") }
        outcome.attempts.append(Attempt(action: item.actions[i], succeeded: false))
        outcome.condition = .failed
        outcome.reason = Reason(.actionFailed, ConditionMessage.failed(error, publication: publication))
        return finish()
    }

    /// Event: the action under way stopped part-way, because the process is stopping or lost
    /// the writer lease. The model's work starts again on the next run.
    public mutating func cancelled(_ why: String) -> Step {
        guard case .performing = state else { preconditionFailure("ModelRun.cancelled in \(state)") }
        outcome.condition = .progressing
        outcome.reason = Reason(.workAbandoned, ConditionMessage.abandoned(because: why))
        return finish()
    }

    /// What a retirement says when another model deploys to the same place now and its files
    /// were left: ", leaving the files to wine, which deploys there now" (empty without one).
    public static func leavingFiles(to owner: String?) -> String {
        owner.map { ", leaving the files to \($0), which deploys there now" } ?? ""
    }

    /// The step for action `i`, or the end.
    private mutating func next(from i: Int) -> Step {
        guard i < item.actions.count else { return complete() }
        let action = item.actions[i]
        switch action {
        case .publish(_, _, _, let ifGatePasses) where ifGatePasses && verdict?.passed == false:
            skippedPublish = true
            state = .skipping(i)
            return .skip(action, because: .gateFailed)
        case .publish(_, _, _, let ifGatePasses):
            state = .performing(i)
            return .perform(action, Context(gate: ifGatePasses ? verdict : nil))
        case .retire where skippedPublish:
            state = .skipping(i)
            return .skip(action, because: .publishSkipped)
        case .retire:
            state = .performing(i)
            return .perform(action, Context(endsService: inService == nil))
        case .train, .evaluate:
            state = .performing(i)
            return .perform(action, Context())
        }
    }

    /// Every action done or skipped: the condition the plan aimed for, unless the gate said
    /// otherwise. A model left ready says what the next plan will say of it (the version in
    /// service and its target), so that its recorded condition does not change in between.
    private mutating func complete() -> Step {
        if outcome.condition == .progressing {
            outcome.condition = .ready
            let current = inService ?? publication.map { ($0.version, $0.deploy) }
            outcome.reason = current.map { Reason(.upToDate, ConditionMessage.published(version: $0.version, to: $0.target)) }
        }
        if outcome.condition == .retired { outcome.reason = nil }
        return finish()
    }

    private mutating func finish() -> Step {
        state = .finished
        return .finish(outcome)
    }
}
