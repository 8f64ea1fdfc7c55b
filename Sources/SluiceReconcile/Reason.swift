/// Why a plan action is needed, or why a model is in its condition: a stable token for programs
/// and a sentence for people.
///
/// The token is API (`reasonToken` and `conditionReason` in `plan --json`, documented in
/// docs/json-output.md); the sentence may be reworded. Programs switch on ``token``; never parse
/// ``message``.
public struct Reason: Sendable, Equatable, CustomStringConvertible {
    /// What kind of cause this is.
    public var token: ReasonToken
    /// The cause in words, with the details (versions, targets, what changed).
    public var message: String

    /// - Parameters:
    ///   - token: the stable kind of cause.
    ///   - message: the sentence shown to people.
    public init(_ token: ReasonToken, _ message: String) {
        self.token = token
        self.message = message
    }

    /// The sentence shown to people.
    public var description: String { message }
}

/// The stable kinds of ``Reason``, Flux style (UpperCamelCase raw values). One token per
/// distinct cause; the raw values never change once released.
public enum ReasonToken: String, Sendable, CaseIterable {
    // Why a version is trained.
    /// No version of the model was trained yet (train), or none is published yet (publish).
    case firstVersion = "FirstVersion"
    /// Versions were trained, none is published, and none matches these inputs.
    case noMatchingVersion = "NoMatchingVersion"
    /// The content of the dataset changed (its sha256).
    case dataChanged = "DataChanged"
    /// The content of the fixed test file changed.
    case testDataChanged = "TestDataChanged"
    /// `spec.task` changed.
    case taskChanged = "TaskChanged"
    /// `spec.dataset` changed (source, target, features, split or test file).
    case datasetSpecChanged = "DatasetSpecChanged"
    /// `spec.algorithm` changed (its name or a parameter).
    case algorithmChanged = "AlgorithmChanged"
    /// A monitor breach started an automatic retrain on a new feedback snapshot
    /// (`spec.monitor.onBreach: "retrain"`); the sentence names the breach and the snapshot.
    case feedbackRetrain = "FeedbackRetrain"
    /// More than one of the training inputs above changed; the sentence lists them.
    case inputsChanged = "InputsChanged"
    /// No input changed, but the engine's version did (models are retrained by a new engine).
    case engineChanged = "EngineChanged"

    // Why a gate is evaluated.
    /// The version trained in this plan is gated before it is published.
    case newVersion = "NewVersion"
    /// The version was evaluated before, but against a different gate.
    case gateChanged = "GateChanged"
    /// The version was trained but its gate never evaluated (e.g. an earlier run stopped).
    case gateNotEvaluated = "GateNotEvaluated"

    // Why a version is published.
    /// The version trained in this plan replaces the version in service (if its gate passes).
    case replacesChampion = "ReplacesChampion"
    /// The desired version is already in the store (trained, maybe gated, before): no training.
    case alreadyTrained = "AlreadyTrained"
    /// The version in service is published to the new `spec.deploy` target.
    case deployChanged = "DeployChanged"
    /// The target no longer holds the published artifact (missing or changed): it is repaired.
    case targetDrifted = "TargetDrifted"

    // Why a version is retired.
    /// `spec.deploy` moved: the old target is emptied after publishing to the new one.
    case targetMoved = "TargetMoved"
    /// The model's manifest is gone.
    case manifestRemoved = "ManifestRemoved"
    /// `spec.retired` is true.
    case specRetired = "SpecRetired"

    // Why a model is in a condition without actions.
    /// The desired version is published and its target holds it (`ready`).
    case upToDate = "UpToDate"
    /// `spec.suspend` is true: nothing is planned (`suspended`).
    case suspended = "Suspended"
    /// The desired version failed its gate; the champion, if any, stays (`rejected`).
    case gateFailed = "GateFailed"
    /// The version in service fails the current gate; it stays until a better one passes (`rejected`).
    case championFailsGate = "ChampionFailsGate"
    /// The model's manifest is invalid (`failed`).
    case invalidManifest = "InvalidManifest"
    /// The model's data cannot be read or fetched (`failed`).
    case dataUnavailable = "DataUnavailable"
    /// The model failed recently and waits before it is tried again (`failed`, controller only).
    case waitingToRetry = "WaitingToRetry"
    /// Retirement withheld while manifest files have errors (`blocked`).
    case retirementWithheld = "RetirementWithheld"
    /// Retirement withheld: it would retire every published model without `--allow-empty` (`blocked`).
    case retireAllWithheld = "RetireAllWithheld"

    // Why a model is in its condition after `apply` carried out its actions.
    /// An action failed (training, evaluating, publishing or retiring): `failed`, the version in
    /// service, if any, stays.
    case actionFailed = "ActionFailed"
    /// Training stopped part-way (shutdown, or the writer lease lost): `progressing`, it starts
    /// again on the next run.
    case workAbandoned = "WorkAbandoned"
    /// The model's work was not started (shutdown, or the writer lease lost): `progressing`.
    case notStarted = "NotStarted"
}
