import Foundation
import SluiceCore
import SluiceManifest
import SluiceReconcile

/// A trained version with its lineage, as the store keeps it.
public struct VersionRecord: Sendable, Equatable {
    public var model: String
    /// The version id (``VersionIdentity``).
    public var id: String
    public var artifactDigest: String
    /// The manifest's canonical training inputs.
    public var inputs: JSON
    public var manifestDigest: String
    public var manifestFile: String
    public var dataDigest: String
    public var testDigest: String?
    /// Every metric on the version's own test data.
    public var metrics: [String: Double]
    /// Labels and confusion matrix rows on the test data, with the row counts.
    public var evaluation: JSON
    public var trainSeconds: Double
    public var trainedAt: Date
    /// The git revision of the manifests when the root is a git work tree.
    public var revision: String?
    /// The feedback snapshot it was trained on beside its dataset (``FeedbackSnapshotRecord``), if any.
    public var feedbackDigest: String?

    public init(model: String, id: String, artifactDigest: String, inputs: JSON, manifestDigest: String, manifestFile: String,
                dataDigest: String, testDigest: String?, metrics: [String: Double], evaluation: JSON,
                trainSeconds: Double, trainedAt: Date, revision: String?, feedbackDigest: String? = nil) {
        self.feedbackDigest = feedbackDigest
        self.model = model
        self.id = id
        self.artifactDigest = artifactDigest
        self.inputs = inputs
        self.manifestDigest = manifestDigest
        self.manifestFile = manifestFile
        self.dataDigest = dataDigest
        self.testDigest = testDigest
        self.metrics = metrics
        self.evaluation = evaluation
        self.trainSeconds = trainSeconds
        self.trainedAt = trainedAt
        self.revision = revision
    }
}

/// A gate verdict on a version for one gate (by digest).
public struct VerdictRecord: Sendable, Equatable {
    public var model: String
    public var version: String
    public var gateDigest: String
    public var gate: JSON
    public var passed: Bool
    public var summary: String
    /// Rule-by-rule outcomes (``GateReport/json``).
    public var details: JSON
    /// The champion it was compared with, if any.
    public var champion: String?
    public var evaluatedAt: Date
    public var revision: String?

    public init(model: String, version: String, gateDigest: String, gate: JSON, passed: Bool, summary: String,
                details: JSON, champion: String?, evaluatedAt: Date, revision: String?) {
        self.model = model
        self.version = version
        self.gateDigest = gateDigest
        self.gate = gate
        self.passed = passed
        self.summary = summary
        self.details = details
        self.champion = champion
        self.evaluatedAt = evaluatedAt
        self.revision = revision
    }
}

/// One stay of a version on a target: from publication to retirement (open while in service).
public struct PublicationRecord: Sendable, Equatable {
    public var id: Int64?
    public var model: String
    public var version: String
    public var deploy: DeploySpec
    /// The files published (`spec.deploy.formats`).
    public var formats: [PublishFormat]
    public var artifactDigest: String
    public var publishedAt: Date
    public var retiredAt: Date?
    public var revision: String?
    public var reason: String

    public init(id: Int64? = nil, model: String, version: String, deploy: DeploySpec, formats: [PublishFormat] = PublishFormat.standard,
                artifactDigest: String, publishedAt: Date, retiredAt: Date? = nil, revision: String?, reason: String) {
        self.id = id
        self.model = model
        self.version = version
        self.deploy = deploy
        self.formats = formats
        self.artifactDigest = artifactDigest
        self.publishedAt = publishedAt
        self.retiredAt = retiredAt
        self.revision = revision
        self.reason = reason
    }
}

extension PublicationRecord {
    /// The stored form of the target: the deploy spec's canonical JSON, with `formats` added when
    /// they are not the standard ones (so that publications before formats existed read back alike).
    public var targetJSON: JSON {
        guard formats != PublishFormat.standard, case .object(var o) = deploy.json else { return deploy.json }
        o["formats"] = .strings(formats.map(\.rawValue))
        return .object(o)
    }

    /// The formats of a stored target (``targetJSON``); the standard ones when it names none or
    /// one this build does not know.
    public static func formats(from target: JSON) -> [PublishFormat] {
        guard let names = target["formats"]?.arrayValue else { return PublishFormat.standard }
        let formats = names.compactMap { $0.stringValue.flatMap(PublishFormat.init(rawValue:)) }
        return formats.contains(.sluice) ? Array(Set(formats)).sorted() : PublishFormat.standard
    }

    /// What the planner sees of it.
    public var publication: Publication {
        Publication(version: version, deploy: deploy, artifactDigest: artifactDigest, formats: formats)
    }
}

/// Something that happened to a model, for `history` and operators.
public struct EventRecord: Sendable, Equatable {
    public var at: Date
    public var model: String
    public var kind: EventKind
    public var message: String
    public var revision: String?

    public init(at: Date, model: String, kind: EventKind, message: String, revision: String?) {
        self.at = at
        self.model = model
        self.kind = kind
        self.message = message
        self.revision = revision
    }
}

/// A cached content digest of a file, valid while the file's size, times and inode are unchanged.
public struct FileStamp: Sendable, Equatable, Hashable {
    public var size: Int64
    public var mtimeNanoseconds: Int64
    public var ctimeNanoseconds: Int64
    public var inode: UInt64

    public init(size: Int64, mtimeNanoseconds: Int64, ctimeNanoseconds: Int64, inode: UInt64) {
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.ctimeNanoseconds = ctimeNanoseconds
        self.inode = inode
    }
}

/// A model's condition as the last `apply` or controller cycle left it: what `sluice status`
/// reports, rather than a plan made again from local files.
public struct ConditionRecord: Sendable, Equatable {
    public var model: String
    /// ``SluiceReconcile/Condition`` raw value: `ready`, `failed`, `rejected`, …
    public var condition: String
    /// Why the model is in its condition, when it is not ready.
    public var message: String
    /// The version in service after the cycle, if any.
    public var version: String?
    /// When the model entered this condition with this message (kept while they do not change).
    public var since: Date
    /// When a cycle last recorded it.
    public var checkedAt: Date
    /// The git revision of the manifests that cycle read.
    public var revision: String?

    public init(model: String, condition: String, message: String, version: String?, since: Date, checkedAt: Date, revision: String?) {
        self.model = model
        self.condition = condition
        self.message = message
        self.version = version
        self.since = since
        self.checkedAt = checkedAt
        self.revision = revision
    }
}
