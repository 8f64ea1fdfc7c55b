import Logging
import SluiceCore
import SluiceLearn
import SluiceManifest
import SluiceReconcile

extension PlanExecutor {
    /// Carries out one model's plan item: performs the steps its ``ModelRun`` hands out and
    /// reports each result back. The decisions (what to skip, the condition, the message) are
    /// the run's; a failure becomes the model's condition and never reaches the other models.
    func apply(_ item: PlanItem, desired: DesiredModel?, observed: ObservedModel, claimed: [String: String]) -> ModelRun.Outcome {
        var run = ModelRun(item: item, publication: observed.publication)
        var logger = self.logger
        logger[metadataKey: "model.name"] = "\(item.model)"
        var step = run.start(stopping: item.actions.isEmpty ? nil : stopReason)
        while true {
            switch step {
            case .perform(let action, let context):
                logger.info("carrying out action", metadata: ["plan.action": "\(action.kind)", "plan.reason": "\(action.reason)",
                                                              "model.version": "\(VersionIdentity.short(action.version))"])
                do {
                    step = run.succeeded(try perform(action, context, model: item.model, desired: desired, observed: observed, claimed: claimed))
                } catch let error as LearnError where error.isCancellation {
                    let why = stopReason ?? "shutting down"
                    logger.notice("training abandoned", metadata: ["reason": "\(why)"])
                    step = run.cancelled(why)
                } catch {
                    let message = Redaction.text("\(error)")
                    logger.error("action failed", metadata: ["error": "\(message)"])
                    try? event(item.model, .failed, message)
                    step = run.failed(message)
                }
            case .skip(let action, let why):
                logger.info("skipping action", metadata: ["plan.action": "\(action.kind)", "skip.reason": "\(why)",
                                                          "model.version": "\(VersionIdentity.short(action.version))"])
                step = run.skipped()
            case .finish(let outcome):
                return outcome
            }
        }
    }

    /// Carries out one action.
    /// - Returns: what it produced, for the model's ``ModelRun``.
    /// - Throws: what stopped it; a cancellation `LearnError` when training was stopped part-way.
    private func perform(_ action: Action, _ context: ModelRun.Context, model: String, desired: DesiredModel?,
                         observed: ObservedModel, claimed: [String: String]) throws -> ModelRun.StepResult {
        switch action {
        case .train(let v, _):
            guard let desired else { throw TargetError("no manifest to train from") }
            // Trained meanwhile (e.g. by `gate`), with its artifact still stored (`gc` may have collected it).
            if let known = try store.version(model: model, id: v), store.hasArtifact(known.artifactDigest) { return .alreadyTrained }
            progress("\(model): training \(desired.manifest.algorithm)")
            let (record, reused) = try train(desired, version: v)
            return reused ? .reused(headline: headline(record.metrics))
                : .trained(seconds: record.trainSeconds, headline: headline(record.metrics))
        case .evaluate(let v, _):
            guard let desired else { throw TargetError("no manifest to evaluate against") }
            progress("\(model): evaluating the gate")
            let gate = try evaluate(desired, version: v, champion: observed.publication)
            return .evaluated(Verdict(passed: gate.passed, summary: gate.summary))
        case .publish(let v, let target, let reason, _):
            progress("\(model): publishing to \(target.summary)")
            let recorded = context.gate.map { PlanExecutor.recordedReason(reason, verdict: $0, replacing: observed.publication, version: v) } ?? reason
            try publish(model, version: v, to: target, reason: recorded, manifest: desired?.manifest)
            return .published
        case .retire(let v, let target, let reason):
            let owner = claimed[targets.identity(target)].flatMap { $0 == model ? nil : $0 }
            if owner == nil { try targets.target(target).retire(fence: fence) }
            if context.endsService { try store.recordRetirement(model: model, at: clock.now) }
            try event(model, .retired, "removed \(VersionIdentity.short(v)) from \(target.summary): \(reason)\(ModelRun.leavingFiles(to: owner))")
            return .retired(leavingFilesTo: owner)
        }
    }
}

extension ModelOutcome {
    /// What `apply` reports for a model whose run ended with `run`.
    init(_ model: String, _ run: ModelRun.Outcome) {
        self.init(model: model, condition: run.condition, done: run.done, message: run.message,
                  actions: run.attempts.map { ActionResult(kind: $0.action.kind, succeeded: $0.succeeded) }, verdicts: run.verdicts,
                  conditionReason: run.reason?.token)
    }
}
