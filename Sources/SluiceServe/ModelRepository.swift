import Dispatch
import Foundation
import Logging
import SluiceSystem
import SluiceCore
import SluiceLearn
import SluiceManifest
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The models served from a directory, kept in step with it.
///
/// Every directory below the root that holds `model.json` and `metadata.json` (what a
/// `directory` target publishes) is a model, named by its metadata. ``scan()`` loads what is new
/// or changed and unloads what is gone; ``start(pollInterval:)`` scans on every file change
/// (inotify) and at least once per poll interval. A load swaps the model in atomically: requests
/// already running keep the instance they started with. Files that fail their digest check or do
/// not decode are never served: the previous version stays, and the reason is in ``status(_:)``.
public final class ModelRepository: Sendable {
    /// The repository directory, absolute.
    public let root: String
    let logger: Logger

    private struct State {
        /// Name → the model being served.
        var served: [String: ServedModel] = [:]
        /// Directory (relative) → the files last seen there and what came of loading them.
        var seen: [String: Seen] = [:]
        var scans = 0
    }

    private struct Seen {
        var files: ModelFiles
        /// The name the files declare (or the directory's name when they cannot be read).
        var name: String
        /// Why they were not loaded, when they were not.
        var reason: String?
        /// They were not loaded because another directory serves the same name.
        var conflicting = false
    }

    private let state = Mutex(State())
    /// Serialises scans and repository writes (they read, load, then publish into `state`).
    private let changes = Mutex(())
    private let wakeups = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let watcher = Mutex<FileWatcher?>(nil)

    /// Called after a model is loaded, replaced or removed (name, the new model or `nil`).
    public typealias Observer = @Sendable (String, ServedModel?) -> Void
    private let observer: Observer?

    public init(root: String, logger: Logger, observer: Observer? = nil) {
        self.root = PosixFiles.userPath(root, relativeTo: PosixFiles.currentDirectory)
        self.logger = logger
        self.observer = observer
    }

    // MARK: Reading

    /// The model served under `name`.
    public func model(_ name: String) -> ServedModel? {
        state.withLock { $0.served[name] }
    }

    /// Every model being served, by name.
    public var models: [ServedModel] {
        state.withLock { $0.served.values.sorted { $0.name < $1.name } }
    }

    /// What is known of `name`: served or not, and why not; `nil` for a name never seen.
    public func status(_ name: String) -> ModelStatus? {
        state.withLock { s in Self.status(name, in: s) }
    }

    /// The status of every model seen.
    public var statuses: [ModelStatus] {
        state.withLock { s in
            Set(s.served.keys).union(s.seen.values.map(\.name)).sorted().compactMap { Self.status($0, in: s) }
        }
    }

    /// Scans completed so far.
    public var scans: Int { state.withLock { $0.scans } }

    private static func status(_ name: String, in s: State) -> ModelStatus? {
        let served = s.served[name]
        // The files for this name: those being served, else any that declare it.
        let seen = served.flatMap { s.seen[$0.path] } ?? s.seen.values.sorted { $0.files.path < $1.files.path }.first { $0.name == name }
        guard served != nil || seen != nil else { return nil }
        return ModelStatus(name: name, path: served?.path ?? seen?.files.path ?? "", version: served?.version, digest: served?.digest,
                           reason: seen?.reason, loadedAt: served?.loadedAt)
    }

    // MARK: Scanning

    /// Brings the served models in line with the files: loads new and changed ones, unloads
    /// removed ones. Returns the directories visited (to watch).
    @discardableResult
    public func scan() -> [String] {
        changes.withLock { _ in
            let (found, directories) = ModelFiles.find(root: root)
            let byPath = Dictionary(uniqueKeysWithValues: found.map { ($0.path, $0) })
            // Removed first, so that a model moved to another directory can load there.
            let removed = state.withLock { s in s.seen.keys.filter { byPath[$0] == nil } }
            for path in removed { forget(path: path, why: "its files were removed") }
            for files in found {
                let (previous, nameFree) = state.withLock { s in
                    (s.seen[files.path], s.seen[files.path].map { s.served[$0.name] == nil } ?? true)
                }
                // Unchanged files are not read again, unless they lost to another directory that is gone.
                if let previous, previous.files == files, !(previous.conflicting && nameFree) { continue }
                load(files)
            }
            state.withLock { $0.scans += 1 }
            return directories
        }
    }

    /// Loads the files of one directory and publishes the outcome.
    private func load(_ files: ModelFiles) {
        let outcome: ModelFiles.Loaded = if files.model == nil || files.metadata == nil {
            .failed(name: (files.path as NSString).lastPathComponent,
                    reason: "\(files.path) holds \(files.model == nil ? "metadata.json but no model.json" : "model.json but no metadata.json")")
        } else {
            ModelFiles.load(root: root, path: files.path)
        }
        switch outcome {
        case .model(let model):
            let conflict: String? = state.withLock { s in
                if let other = s.served[model.name], other.path != files.path, s.seen[other.path] != nil { return other.path }
                return nil
            }
            if let conflict {
                let reason = "\(files.path) also declares model \(model.name), which is served from \(conflict); not loaded"
                record(files, name: model.name, reason: reason, conflicting: true)
                return
            }
            let (old, renamedFrom) = state.withLock { s -> (ServedModel?, String?) in
                let before = s.seen[files.path]
                let old = s.served[model.name]
                s.served[model.name] = model
                s.seen[files.path] = Seen(files: files, name: model.name, reason: nil)
                // The directory used to declare another name: that one is gone.
                if let before, before.name != model.name, s.served[before.name]?.path == files.path {
                    s.served[before.name] = nil
                    return (old, before.name)
                }
                return (old, nil)
            }
            if let renamedFrom {
                logger.notice("model unloaded", metadata: ["model": "\(renamedFrom)", "reason": "\(files.path) now declares \(model.name)"])
                observer?(renamedFrom, nil)
            }
            if let old, old.digest == model.digest, old.version == model.version {
                logger.debug("model files touched, content unchanged", metadata: ["model": "\(model.name)"])
            } else {
                logger.notice(old == nil ? "model loaded" : "model replaced", metadata: [
                    "model": "\(model.name)", "version": "\(model.version)", "sha256": "\(model.digest.prefix(12))",
                    "path": "\(files.path)", "previous": "\(old.map(\.version) ?? "none")",
                ])
            }
            observer?(model.name, model)
        case .failed(let name, let reason):
            record(files, name: name, reason: reason)
        }
    }

    private func record(_ files: ModelFiles, name: String, reason: String, conflicting: Bool = false) {
        let serving = state.withLock { s -> ServedModel? in
            s.seen[files.path] = Seen(files: files, name: name, reason: reason, conflicting: conflicting)
            return s.served[name]
        }
        logger.warning("model files not loaded", metadata: [
            "model": "\(name)", "path": "\(files.path)", "reason": "\(reason)",
            "serving": "\(serving.map(\.version) ?? "nothing")",
        ])
    }

    private func forget(path: String, why: String) {
        let gone = state.withLock { s -> String? in
            guard let seen = s.seen.removeValue(forKey: path) else { return nil }
            guard s.served[seen.name]?.path == path else { return nil }
            s.served[seen.name] = nil
            return seen.name
        }
        if let gone {
            logger.notice("model unloaded", metadata: ["model": "\(gone)", "path": "\(path)", "reason": "\(why)"])
            observer?(gone, nil)
        }
    }

    // MARK: Watching

    /// Scans now, then on every change below the root and every `pollInterval` seconds, on a
    /// background thread, until ``stop()``.
    public func start(pollInterval: Double = 1) {
        let watcher = FileWatcher { [weak self] in self?.wakeups.signal() }
        self.watcher.withLock { $0 = watcher }
        watcher?.watch(Set(scan()))
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                _ = wakeups.wait(timeout: .now() + pollInterval)
                if stopped.load(ordering: .relaxed) { break }
                let directories = scan()
                self.watcher.withLock { $0?.watch(Set(directories)) }
            }
        }
        thread.name = "sluice.repository"
        thread.start()
    }

    /// Stops the background scans.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        watcher.withLock { $0?.stop() }
        wakeups.signal()
    }

    // MARK: Writing (the repository API)

    /// Publishes an artifact under `name`: checks its digest and that it decodes, writes
    /// `model.json` then `metadata.json` atomically (in the directory already serving `name`,
    /// else `<root>/<name>`), and loads it before returning.
    /// - Parameters:
    ///   - digest: the SHA-256 (hex) the client says the artifact has.
    ///   - metadata: the `metadata.json` to publish beside it; one is made up when `nil`.
    /// - Throws: ``ServeError``: 400 for a bad name, digest or metadata, 422 for an artifact that
    ///   does not decode, 500 when the files cannot be written.
    @discardableResult
    public func put(name: String, artifact bytes: [UInt8], digest: String, metadata: JSON?) throws(ServeError) -> ServedModel {
        guard ManifestFields.isModelName(name) else {
            throw .badRequest("\"\(name)\" is not a model name; names are DNS labels: lower-case letters, digits and '-', at most 63 characters")
        }
        let actual = SHA256.hex(of: bytes)
        guard actual == digest.lowercased() else {
            throw .badRequest("the body's sha256 is \(actual), but the request says \(digest); nothing was written")
        }
        do { _ = try ModelArtifact.decode(bytes, expectedDigest: actual) } catch {
            throw ServeError(422, "the body is not a Sluice model artifact: \(error); nothing was written")
        }
        var meta: [String: JSON] = [:]
        if let metadata {
            guard case .object(let object) = metadata else { throw .badRequest("the metadata must be a JSON object") }
            meta = object
            if let declared = meta["model"], declared != .string(name) {
                throw .badRequest("the metadata names model \(declared.canonical()), but the URL names \(name); nothing was written")
            }
            if let declared = meta["artifact"]?["sha256"], declared != .string(actual) {
                throw .badRequest("the metadata records artifact.sha256 \(declared.canonical()), but the body's is \(actual); nothing was written")
            }
        }
        meta["model"] = .string(name)
        if meta["version"]?.stringValue == nil { meta["version"] = .string("sha256:\(actual.prefix(12))") }
        meta["artifact"] = ["file": "model.json", "sha256": .string(actual), "bytes": .number(Double(bytes.count))]
        let metaBytes = JSON.object(meta).canonicalBytes(pretty: true)

        return try changes.withLock { _ throws(ServeError) -> ServedModel in
            let path = state.withLock { s in s.served[name]?.path } ?? name
            let directory = "\(root)/\(path)"
            do {
                try AtomicFile.write(bytes, to: "\(directory)/model.json")
                try AtomicFile.write(metaBytes, to: "\(directory)/metadata.json")
            } catch {
                throw ServeError(500, "cannot write \(path): \(error)")
            }
            let files = ModelFiles(path: path, model: .init("\(directory)/model.json"), metadata: .init("\(directory)/metadata.json"))
            load(files)
            guard let model = state.withLock({ $0.served[name] }), model.digest == actual else {
                throw ServeError(500, "the artifact was written to \(path) but did not load: \(status(name)?.reason ?? "unknown reason")")
            }
            return model
        }
    }

    /// Removes the model served (or last seen) under `name`: its files, then the model.
    /// - Throws: ``ServeError``: 404 when there is no such model, 500 when a file cannot be removed.
    public func delete(name: String) throws(ServeError) {
        try changes.withLock { _ throws(ServeError) in
            let path = state.withLock { s in Self.status(name, in: s)?.path }
            guard let path else { throw .notFound("no model named \(name) in the repository") }
            let directory = "\(root)/\(path)"
            for file in ["metadata.json", "model.json"] {
                if unlink("\(directory)/\(file)") != 0 && errno != ENOENT {
                    throw ServeError(500, "cannot remove \(path)/\(file): \(String(cString: strerror(errno)))")
                }
            }
            AtomicFile.syncDirectory(directory)
            if !path.isEmpty { rmdir(directory) }  // when nothing else is in it; never the repository itself
            forget(path: path, why: "deleted through the repository API")
        }
    }
}
