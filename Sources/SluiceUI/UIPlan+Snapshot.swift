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
    /// - Parameter make: makes the plan; what it throws becomes ``problem``.
    public static func reading(at: Date, _ make: () throws -> (plan: Plan, snapshot: Reconciler.Snapshot)) -> UIPlan {
        do {
            let (plan, snapshot) = try make()
            return made(plan, from: snapshot, at: at)
        } catch {
            return .unavailable("The plan cannot be made: \(error)", at: at)
        }
    }
}
