import Foundation
import SluiceManifest
import SluiceReconcile

/// The plan now (desired × observed, as `sluice plan` makes and words it) and the manifests it
/// was made from; or why there is none (no manifests beside a standalone `sluice ui`, a source
/// that cannot be read). The pages show the store's records either way.
public struct UIPlan: Sendable {
    /// The plan, with its warnings; `nil` when it could not be made.
    public var plan: Plan? { didSet { indexItems() } }
    /// The manifests read (labels, gate, target and suspension come from them); empty without a plan.
    public var manifests: [Manifest] { didSet { indexManifests() } }
    /// The manifests that did not read, worded as `sluice plan` prints them.
    public var errors: [String]
    /// Why there is no plan, said so that someone knows what to do; `nil` when there is one.
    public var problem: String?
    /// The git revision of the manifests, when they come from git.
    public var revision: String?
    /// When the plan was made.
    public var madeAt: Date

    /// Creates a plan reading.
    public init(plan: Plan?, manifests: [Manifest], errors: [String] = [], problem: String? = nil, revision: String? = nil, madeAt: Date) {
        self.plan = plan
        self.manifests = manifests
        self.errors = errors
        self.problem = problem
        self.revision = revision
        self.madeAt = madeAt
        indexItems()
        indexManifests()
    }

    /// No plan, and why.
    public static func unavailable(_ problem: String, at: Date) -> UIPlan {
        UIPlan(plan: nil, manifests: [], problem: problem, madeAt: at)
    }

    /// The manifest of a model, if it has one.
    /// - Complexity: O(1): a page asking for each of 10,000 models does not scan the manifests each time.
    public func manifest(_ model: String) -> Manifest? { manifestIndex[model].map { manifests[$0] } }

    /// The plan's item for a model, if the plan has one.
    /// - Complexity: O(1).
    public func item(_ model: String) -> PlanItem? { itemIndex[model].flatMap { plan?.items[$0] } }

    // Where each model's manifest and plan item are (the first, for a name given twice).
    private var manifestIndex: [String: Int] = [:]
    private var itemIndex: [String: Int] = [:]

    private mutating func indexManifests() {
        manifestIndex = Dictionary(manifests.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private mutating func indexItems() {
        itemIndex = Dictionary((plan?.items ?? []).enumerated().map { ($1.model, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
