import ArgumentParser
import Foundation
import Logging
import SluiceController
import SluiceCore

/// Options every command shares (DESIGN §3).
struct GlobalOptions: ParsableArguments {
    @Option(help: "The repository root; dataset paths and relative deploy paths resolve against it.")
    var root: String = "."

    @Option(help: "The manifests directory, relative to the root.")
    var manifests: String = "manifests"

    @Option(help: "The store: sqlite:PATH, PATH relative to the root.")
    var store: String = "sqlite:.sluice/state.db"

    @Option(name: .customLong("deploy-root"),
            help: ArgumentHelp("Allow absolute deploy paths below DIR (repeatable); without it, only paths relative to the root.", valueName: "DIR"))
    var deployRoots: [String] = []

    @Flag(name: .shortAndLong, help: "Log each step to standard error.")
    var verbose = false

    func validate() throws {
        guard store.hasPrefix("sqlite:") else {
            throw ValidationError("--store \(store) is not supported; use sqlite:PATH (e.g. sqlite:.sluice/state.db)")
        }
        guard store.count > "sqlite:".count else { throw ValidationError("--store needs a path after sqlite:") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: rootURL.path, isDirectory: &isDirectory) else {
            throw ValidationError("--root \(root): no such directory (\(rootURL.path)); point --root at the repository holding \(manifests)/")
        }
        guard isDirectory.boolValue else { throw ValidationError("--root \(root) is a file, not a directory; point --root at the repository holding \(manifests)/") }
        for d in deployRoots where d.isEmpty || d.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError("--deploy-root \(JSON.string(d).canonical()): expected a directory path")
        }
    }

    var rootURL: URL {
        URL(fileURLWithPath: root, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
    }

    /// The store's file path.
    var storePath: String {
        let path = String(store.dropFirst("sqlite:".count))
        return path.hasPrefix("/") ? path : rootURL.appendingPathComponent(path).path
    }

    /// `--deploy-root` directories, absolute (relative ones resolve against the current directory).
    var deployRootPaths: [String] {
        deployRoots.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
    }

    /// Where datasets named by URL are cached: `downloads/` beside the store.
    var downloadsPath: String {
        (storePath as NSString).deletingLastPathComponent + "/downloads"
    }

    /// Opens the store, or fails with exit code 1 and a message.
    func openStore() throws -> SQLiteStore {
        do { return try SQLiteStore(path: storePath) } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
    }

    /// Opens an existing store for reading (the read-only commands never create one); `nil` when
    /// there is none yet. Fails with exit code 1 and a message when it cannot be read.
    func openStoreReadOnly() throws -> SQLiteStore? {
        do { return try SQLiteStore(path: storePath, readOnly: true) } catch is StoreMissing {
            return nil
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
    }

    /// An existing store for reading, or exit code 1 saying there is none yet.
    func requireStoreReadOnly() throws -> SQLiteStore {
        guard let store = try openStoreReadOnly() else {
            Terminal.error("\(StoreMissing(path: storePath))")
            throw ExitCode(1)
        }
        return store
    }

    /// Takes the store's writer lease, or fails with exit code 1 naming the holder.
    func lockStore(_ store: any Store, timeout seconds: Double) throws -> WriterLease {
        do {
            return try WriterLease.acquire(store: store, command: CommandLine.arguments.joined(separator: " "),
                                           timeout: .milliseconds(Int(seconds * 1000)))
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
    }

    /// Reads the desired and observed state, or fails with exit code 1.
    func snapshot(_ reconciler: Reconciler) throws -> Reconciler.Snapshot {
        do { return try reconciler.snapshot() } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
    }

    var logger: Logger {
        var logger = Logger(label: "sluice") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = verbose ? .info : .warning
        return logger
    }

    func reconciler(store: any Store, allowEmpty: Bool = false, cache: String? = nil) -> Reconciler {
        let cachePath = cache.map { $0.hasPrefix("/") ? $0 : URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path }
        return Reconciler(configuration: .init(root: rootURL, manifests: manifests, planner: .init(allowEmpty: allowEmpty), cache: cachePath,
                                               downloads: downloadsPath, storeDirectory: (storePath as NSString).deletingLastPathComponent,
                                               deployRoots: deployRootPaths),
                          store: store, logger: logger)
    }
}
