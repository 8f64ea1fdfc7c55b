import Foundation
import SluiceController
import SluiceManifest
import SluiceMonitor

/// What a model's manifest says about monitoring it, for `sluice monitor` and `sluice feedback import`:
/// the thresholds (`spec.monitor`, defaults filled in, the gate's metric and floor) and the server
/// (`spec.monitor.server`).
struct MonitorManifest {
    /// The policy the report is judged with.
    var policy: MonitorPolicy
    /// The manifest, when a valid one declares the model.
    var manifest: Manifest?

    /// Reads the manifests directory; a model no valid manifest declares is judged with the defaults (and
    /// the gate's metric cannot be known), with a warning.
    static func load(_ options: GlobalOptions, model: String, warn: Bool) -> MonitorManifest {
        let set = ManifestDirectory.load(root: options.rootURL, directory: options.manifests)
        guard let manifest = set.manifests.first(where: { $0.name == model }) else {
            if warn {
                Terminal.warning("no valid manifest in \(options.manifests)/ declares \(model); judging with the default thresholds "
                    + "(docs/monitoring.md), accuracy or RMSE as the metric")
            }
            return MonitorManifest(policy: MonitorPolicy(), manifest: nil)
        }
        if let spec = manifest.monitor { return MonitorManifest(policy: spec.policy, manifest: manifest) }
        // No spec.monitor: the defaults, watching the gate's metric as the controller would.
        var defaults = MonitorSpec()
        defaults.watch(gate: manifest.gate)
        return MonitorManifest(policy: defaults.policy, manifest: manifest)
    }

    /// `spec.monitor.server`, when the manifest names one.
    var server: String? { manifest?.monitor?.server }
}
