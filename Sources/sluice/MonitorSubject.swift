import ArgumentParser
import SluiceController
import SluiceLearn
import SluiceMonitor
import SluiceReconcile

/// The model version `sluice monitor` judges, with the reference profile frozen in its artifact.
struct MonitorSubject {
    var model: String
    /// The full version id.
    var version: String
    var artifact: ModelArtifact
    var profile: ReferenceProfile

    /// The version of `model` named by `version` (a full id or a prefix of at least 6 characters), else
    /// the one in service, read from `store`.
    /// - Throws: exit code 1 with a message when the model, the version or its profile is unknown.
    static func resolve(_ store: any Store, model: String, version: String?) throws -> MonitorSubject {
        let versions = try store.versions(model: model)
        let record: VersionRecord
        if let version {
            let matches = versions.filter { $0.id.hasPrefix(version.lowercased()) }
            guard version.count >= 6, matches.count == 1, let only = matches.first else {
                let known = versions.map { VersionIdentity.short($0.id) }.joined(separator: ", ")
                let why = version.count < 6 ? "give at least 6 characters of the id" : matches.isEmpty ? "no such version" : "\(matches.count) versions start with it"
                Terminal.error("--version \(version): \(why); versions of \(model): \(known.isEmpty ? "none" : known) (see `sluice history \(model)`)")
                throw ExitCode(1)
            }
            record = only
        } else {
            guard let pub = try store.activePublications().first(where: { $0.model == model }),
                  let inService = versions.first(where: { $0.id == pub.version }) else {
                Terminal.error(versions.isEmpty ? "the store has no model named \(model) (see `sluice status`)"
                    : "model \(model) has no version in service; name one with --version (see `sluice history \(model)`)")
                throw ExitCode(1)
            }
            record = inService
        }
        return try load(store, record)
    }

    /// The subject for a version the server named (by its full id).
    static func named(_ store: any Store, model: String, version: String, server: String) throws -> MonitorSubject {
        guard let record = try store.version(model: model, id: version) else {
            Terminal.error("the server \(server) reports rows of \(model) version \(VersionIdentity.short(version)), which this store does not hold; "
                + "point --store at the store of the controller that published it")
            throw ExitCode(1)
        }
        return try load(store, record)
    }

    private static func load(_ store: any Store, _ record: VersionRecord) throws -> MonitorSubject {
        let short = VersionIdentity.short(record.id)
        let artifact: ModelArtifact
        do { artifact = try ModelArtifact.decode(try store.artifact(record.artifactDigest), expectedDigest: record.artifactDigest) } catch {
            Terminal.error("cannot load \(record.model) version \(short): \(error)")
            throw ExitCode(1)
        }
        guard let profile = artifact.reference else {
            Terminal.error("version \(short) of \(record.model) was trained before monitoring and has no reference profile to compare with; "
                + "retrain it (a new engine version retrains on the next `sluice apply`)")
            throw ExitCode(1)
        }
        return MonitorSubject(model: record.model, version: record.id, artifact: artifact, profile: profile)
    }
}
