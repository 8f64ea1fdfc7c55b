import Foundation
import SluiceController
import SluiceReconcile

extension UIPlan {
    /// The reading of a plan made from a snapshot (``Controller/currentPlan()``, or `sluice ui`
    /// planning as `sluice plan` does).
    public static func made(_ plan: Plan, from snapshot: Reconciler.Snapshot, at: Date) -> UIPlan {
        UIPlan(plan: plan, manifests: snapshot.manifests.manifests, errors: snapshot.manifests.errors.map { "\($0)" },
               problem: snapshot.manifests.unreadable, revision: snapshot.revision, madeAt: at)
    }

    /// The reading of a plan, or of why it could not be made.
    /// - Parameters:
    ///   - unmade: what to show when `make` declines to make one now (gives `nil`: a cycle holds the source).
    ///   - make: makes the plan; what it throws becomes ``problem``.
    public static func reading(at: Date, unmade: (() -> UIPlan)? = nil,
                               _ make: () throws -> (plan: Plan, snapshot: Reconciler.Snapshot)?) -> UIPlan {
        do {
            guard let (plan, snapshot) = try make() else { return unmade?() ?? .unavailable("The plan cannot be made now.", at: at) }
            return made(plan, from: snapshot, at: at)
        } catch {
            return .unavailable("The plan cannot be made: \(error)", at: at)
        }
    }
}
