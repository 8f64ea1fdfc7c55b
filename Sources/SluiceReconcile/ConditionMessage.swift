import SluiceManifest

/// The sentences that explain a model's condition, written once for the planner and the executor.
public enum ConditionMessage {
    /// Why a model is rejected: its version failed the gate, and what serves meanwhile.
    /// - Parameters:
    ///   - version: the version the gate judged.
    ///   - summary: the gate's summary of the failed rules.
    ///   - publication: the version in service, if any (the judged version itself when a changed
    ///     gate fails the champion).
    /// - Returns: e.g. "version 1a2b3c4d5e6f failed its gate (accuracy 0.93 < min 0.99); 9f8e7d6c5b4a stays in service".
    public static func rejected(version: String, summary: String, publication: Publication?) -> String {
        let short = VersionIdentity.short(version)
        if publication?.version == version {
            return "version \(short), in service, fails the changed gate (\(summary)); it stays in service until a version passes"
        }
        let keep = publication.map { "; \(VersionIdentity.short($0.version)) stays in service" } ?? "; nothing is published"
        return "version \(short) failed its gate (\(summary))\(keep)"
    }

    /// Why a model is up to date: its version is published to its target.
    /// - Returns: e.g. "version 1a2b3c4d5e6f is published to directory deploy/iris".
    public static func published(version: String, to target: DeploySpec) -> String {
        "version \(VersionIdentity.short(version)) is published to \(target.summary)"
    }

    /// Why a model failed: the error, and the version that stays in service, if any.
    public static func failed(_ error: String, publication: Publication?) -> String {
        error + (publication.map { "; \(VersionIdentity.short($0.version)) stays in service" } ?? "")
    }

    /// Why a model's training stopped part-way (shutdown, or the writer lease lost).
    public static func abandoned(because why: String) -> String {
        "training abandoned: \(why); it starts again on the next run"
    }

    /// Why a model's work was not started (shutdown, or the writer lease lost).
    public static func notStarted(because why: String) -> String {
        "not started: \(why)"
    }
}
