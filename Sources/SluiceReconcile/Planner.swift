import SluiceCore
import SluiceManifest

/// The pure planner: desired manifests × observed state → a plan of actions with reasons.
///
/// No I/O, no clock: the same inputs always give the same plan. See DESIGN §2 for the rules
/// it implements (version identity, separate concerns, failure isolation, prune safety).
public struct Planner: Sendable {
    /// Options that change what the plan may do.
    public struct Options: Sendable {
        /// Allow a plan that retires every published model at once.
        public var allowEmpty: Bool
        public init(allowEmpty: Bool = false) { self.allowEmpty = allowEmpty }
    }

    public var options: Options
    public init(options: Options = Options()) { self.options = options }

    /// Plans the reconciliation.
    /// - Parameters:
    ///   - desired: the valid manifests with their data digests.
    ///   - manifests: the whole manifest set (for its errors and invalid model names).
    ///   - observed: the store's records and the targets' observations.
    /// - Returns: one item per model — desired, invalid, or published but no longer desired —
    ///   sorted by name, retirements of removed models last.
    public func plan(desired: [DesiredModel], manifests: ManifestSet, observed: ObservedState) -> Plan {
        var items: [PlanItem] = []
        var warnings = manifests.errors.map(PlanWarning.invalidManifest)
        let desiredNames = Set(desired.map(\.manifest.name))
        items += desired.sorted(by: { $0.manifest.name < $1.manifest.name }).parallelMap { d in plan(d, observed[d.manifest.name]) }
        for name in manifests.invalidModels.subtracting(desiredNames).sorted() {
            items.append(PlanItem(model: name, actions: [], condition: .failed,
                                  reason: Reason(.invalidManifest, "manifest is invalid; fix it (see errors above). Nothing changes for this model meanwhile")))
        }
        // Models published but no longer declared anywhere: prune, if it is safe.
        let removed = observed.publishedNames.filter { !desiredNames.contains($0) && !manifests.invalidModels.contains($0) }
        var prune: [PlanItem] = removed.map { name in
            let p = observed[name].publication!
            return PlanItem(model: name, actions: [.retire(version: p.version, target: p.deploy, reason: Reason(.manifestRemoved, "manifest removed"))],
                            condition: .retired)
        }
        if !prune.isEmpty {
            if !manifests.loadedCleanly {
                warnings.append(.retirementWithheldForErrors(models: removed))
                prune = prune.map { withheld($0, Reason(.retirementWithheld, "manifest removed, but retirement is withheld while manifest files have errors")) }
            } else if !options.allowEmpty, removed.count == observed.publishedNames.count, !wouldPublishAny(items) {
                warnings.append(.retirementWithheldForAll(models: removed))
                prune = prune.map { withheld($0, Reason(.retireAllWithheld, "manifest removed, but retiring every published model needs --allow-empty")) }
            }
        }
        return Plan(items: items + prune, warnings: warnings)
    }

    private func withheld(_ item: PlanItem, _ reason: Reason) -> PlanItem {
        PlanItem(model: item.model, actions: [], condition: .blocked, reason: reason)
    }

    private func wouldPublishAny(_ items: [PlanItem]) -> Bool {
        items.contains { item in
            item.condition == .ready || item.condition == .rejected || item.actions.contains { if case .publish = $0 { return true } else { return false } }
        }
    }

    /// Plans one desired model.
    func plan(_ d: DesiredModel, _ o: ObservedModel) -> PlanItem {
        let m = d.manifest
        let name = m.name
        let pub = o.publication
        if m.suspend {
            return PlanItem(model: name, actions: [], condition: .suspended, reason: Reason(.suspended, "spec.suspend is true: left exactly as it is"))
        }
        if m.retired {
            guard let pub else { return PlanItem(model: name, actions: [], condition: .retired, reason: Reason(.specRetired, "retired (spec.retired)")) }
            return PlanItem(model: name, actions: [.retire(version: pub.version, target: pub.deploy, reason: Reason(.specRetired, "spec.retired is true"))],
                            condition: .retired)
        }
        guard let v = d.versionID, case .resolved(let dataDigest, let testDigest) = d.data else {
            guard case .failed(let why) = d.data else { fatalError("unreachable") }
            return PlanItem(model: name, actions: [], condition: .failed,
                            reason: Reason(.dataUnavailable, why + (pub.map { "; version \(VersionIdentity.short($0.version)) stays in service" } ?? "")))
        }
        let short = VersionIdentity.short(v)
        let gate = m.gateDigest
        var actions: [Action] = []
        let moved = pub.map { $0.deploy != m.deploy } ?? false
        // The same place, other files (`spec.deploy.formats`): published again, nothing retired.
        let reformatted = pub.map { !moved && $0.formats != m.formats } ?? false
        func formatsReason() -> Reason {
            let was = pub!.formats.map(\.rawValue).joined(separator: ", "), now = m.formats.map(\.rawValue).joined(separator: ", ")
            return Reason(.deployChanged, "deploy formats changed: [\(was)] → [\(now)]")
        }

        func publishNew(conditional: Bool, reason: Reason) {
            actions.append(.publish(version: v, target: m.deploy, reason: reason, ifGatePasses: conditional))
            if let pub, moved {
                actions.append(.retire(version: pub.version, target: pub.deploy, reason: Reason(.targetMoved, "deploy target moved to \(m.deploy.summary)")))
            }
        }
        func repair(_ version: String, _ target: DeploySpec, _ how: String) {
            actions.append(.publish(version: version, target: target, reason: Reason(.targetDrifted, "target drifted: \(how)"), ifGatePasses: false))
        }

        guard o.versions[v] != nil else {
            let why = trainingReason(m, dataDigest: dataDigest, testDigest: testDigest, feedback: d.feedback, o)
            actions.append(.train(version: v, reason: why))
            actions.append(.evaluate(version: v, reason: Reason(.newVersion, "gate the new version")))
            publishNew(conditional: true, reason: pub.map { Reason(.replacesChampion, "replaces \(VersionIdentity.short($0.version))") }
                       ?? Reason(.firstVersion, "first version"))
            return PlanItem(model: name, actions: actions, condition: .progressing)
        }
        let isChampion = pub?.version == v
        guard let verdict = o.verdicts[v]?[gate] else {
            let reason = o.verdicts[v]?.isEmpty == false ? Reason(.gateChanged, "gate changed")
                : Reason(.gateNotEvaluated, "version \(short) was trained but its gate not evaluated")
            actions.append(.evaluate(version: v, reason: reason))
            if !isChampion || moved {
                publishNew(conditional: !isChampion, reason: isChampion ? Reason(.deployChanged, "deploy target changed")
                           : Reason(.alreadyTrained, "version \(short) already trained" + (pub.map { ", replaces \(VersionIdentity.short($0.version))" } ?? "")))
            } else if reformatted {
                publishNew(conditional: false, reason: formatsReason())
            } else if case .drifted(let how) = o.target {
                repair(v, m.deploy, how)
            }
            return PlanItem(model: name, actions: actions, condition: .progressing)
        }
        if !verdict.passed && !isChampion {
            // The candidate stays rejected; the champion keeps serving (published again with the
            // manifest's formats when they changed; repaired if it drifted).
            // (Not when the champion has no ONNX form: a kNN champion of a manifest moving to a forest
            // with "onnx" keeps its files until a candidate passes.)
            let championAlgorithm = pub.flatMap { o.versions[$0.version]?.inputs["algorithm"]?["name"]?.stringValue }
            let championExports = !m.formats.contains(.onnx) || championAlgorithm.map(PublishFormat.onnxAlgorithms.contains) ?? false
            if let pub, reformatted, championExports {
                actions.append(.publish(version: pub.version, target: pub.deploy, reason: formatsReason(), ifGatePasses: false))
            } else if let pub, case .drifted(let how) = o.target {
                repair(pub.version, pub.deploy, how)
            }
            return PlanItem(model: name, actions: actions, condition: .rejected,
                            reason: Reason(.gateFailed, ConditionMessage.rejected(version: v, summary: verdict.summary, publication: pub)))
        }
        if !isChampion {
            var reason = pub == nil ? "version \(short) already trained and passed its gate"
                : "replaces \(VersionIdentity.short(pub!.version)) with version \(short), trained and gated before (no training needed)"
            if let pub, GateReport.needsChampion(m.gate) {
                reason += "; its gate is not evaluated again, so maxRegression is not checked against \(VersionIdentity.short(pub.version))"
            }
            publishNew(conditional: false, reason: Reason(.alreadyTrained, reason))
        } else if moved {
            publishNew(conditional: false, reason: Reason(.deployChanged, "deploy target changed"))
        } else if reformatted {
            publishNew(conditional: false, reason: formatsReason())
        } else if case .drifted(let how) = o.target {
            repair(v, m.deploy, how)
        }
        if actions.isEmpty {
            let note = verdict.passed ? "" : " (it fails the current gate: \(verdict.summary); it stays in service until a better version passes)"
            return PlanItem(model: name, actions: [], condition: verdict.passed ? .ready : .rejected,
                            reason: Reason(verdict.passed ? .upToDate : .championFailsGate, ConditionMessage.published(version: v, to: m.deploy) + note))
        }
        return PlanItem(model: name, actions: actions, condition: .progressing)
    }

    /// Why a new version is needed, compared with the version in service.
    /// - Returns: the one cause that changed, or ``ReasonToken/inputsChanged`` listing several.
    func trainingReason(_ m: Manifest, dataDigest: String, testDigest: String?, feedback: FeedbackInput? = nil, _ o: ObservedModel) -> Reason {
        guard let pub = o.publication, let published = o.versions[pub.version] else {
            if let feedback { return Self.feedbackReason(feedback) }
            return o.versions.isEmpty ? Reason(.firstVersion, "no version trained yet")
                : Reason(.noMatchingVersion, "no trained version matches these inputs")
        }
        // The store keeps inputs with URL secrets redacted; compare like with like.
        let now = Redaction.json(m.trainingInputs)
        let current = (inputs: Redaction.json(published.inputs), dataDigest: published.dataDigest, testDigest: published.testDigest)
        var changes = TrainingChanges.reasons(from: current.inputs, to: now)
        if dataDigest != current.dataDigest {
            changes.append(Reason(.dataChanged, "data changed (sha256 \(current.dataDigest.prefix(8))… → \(dataDigest.prefix(8))…)"))
        }
        if testDigest != current.testDigest, now["dataset"] == current.inputs["dataset"] { changes.append(Reason(.testDataChanged, "test data changed")) }
        if feedback?.digest != published.feedbackDigest {
            changes.append(feedback.map(Self.feedbackReason)
                           ?? Reason(.inputsChanged, "no feedback snapshot (\(VersionIdentity.short(pub.version)) was trained on one)"))
        }
        switch changes.count {
        case 0: return Reason(.engineChanged, "engine version changed")
        case 1: return changes[0]
        default: return Reason(.inputsChanged, changes.map(\.message).joined(separator: ", "))
        }
    }

    /// Why a version is trained on a feedback snapshot.
    static func feedbackReason(_ f: FeedbackInput) -> Reason {
        Reason(.feedbackRetrain, "retrain on feedback snapshot \(f.digest.prefix(8))… (\(f.trainRows) labelled rows to train on, \(f.holdoutRows) held out to gate on) after \(f.trigger)")
    }
}
