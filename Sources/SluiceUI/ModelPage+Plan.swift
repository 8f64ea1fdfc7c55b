import Foundation
import SluiceManifest
import SluiceReconcile

extension UI {
    /// The model's part of the current plan, worded and laid out as `sluice plan` prints it: its
    /// manifest errors (`✗ …`), then its block of actions (`  # name` and one line each) or its status
    /// line; or why there is no plan.
    func planLines(_ name: String, plan: UIPlan) -> [String: Any] {
        guard let p = plan.plan else { return ["planProblem": plan.problem ?? "There is no plan."] }
        var lines: [String] = []
        for case .invalidManifest(let e) in p.warnings where e.model == name { lines.append("✗ \(e)") }
        if let item = p.items.first(where: { $0.model == name }) {
            if item.actions.isEmpty {
                lines.append("  " + PlanText.status(item).plain)
            } else {
                lines.append("  # \(name)")
                lines += item.actions.map { "  " + PlanText.action($0).plain }
            }
        }
        if lines.isEmpty {
            return ["planProblem": "The plan has nothing for \(name): no manifest declares it, and the store has nothing of it to retire."]
        }
        return ["planLines": lines.joined(separator: "\n")]
    }

    /// Suspending or resuming stays in git: the change to the manifest that does it (`"suspend": true`
    /// under `spec`, or removing it) and the commands that commit it. `nil` without a manifest.
    func suspendChange(_ manifest: Manifest?) -> [String: Any]? {
        guard let manifest else { return nil }
        let file = manifest.origin.file
        let verb = manifest.suspend ? "Resume" : "Suspend"
        let diff = manifest.suspend
            ? "   \"spec\": {\n-    \"suspend\": true,\n"
            : "   \"spec\": {\n+    \"suspend\": true,\n"
        let commands = "git commit -m \(Self.shellQuoted("\(verb) \(manifest.name)")) -- \(Self.shellQuoted(file))\ngit push"
        let what = manifest.suspend
            ? "In \(file), remove \"suspend\": true under \"spec\" (or set it to false), commit and push; the next cycle reconciles the model again."
            : "In \(file), add \"suspend\": true under \"spec\", commit and push; from the next cycle Sluice leaves the model exactly as it is."
        return ["verb": verb, "file": file, "what": what, "diff": "--- a/\(file)\n+++ b/\(file)\n" + diff, "commands": commands]
    }

    /// A word for a POSIX shell: in single quotes, a quote inside written `'\''`.
    static func shellQuoted(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
