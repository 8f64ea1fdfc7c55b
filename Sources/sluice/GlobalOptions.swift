import ArgumentParser
import Foundation
import Logging
import SluiceController
import SluiceCore
import SluiceSystem

/// Options every command shares (DESIGN §3).
struct GlobalOptions: ParsableArguments {
    @Option(help: "The repository root; dataset paths and relative deploy paths resolve against it.")
    var root: String = "."

    @Option(help: "The manifests directory, relative to the root.")
    var manifests: String = "manifests"

    @Option(help: "The store: sqlite:PATH, PATH relative to the root; or postgres://USER@HOST:PORT/DB (a libpq URI; password from PGPASSWORD or ~/.pgpass).")
    var store: String = GlobalOptions.defaultStore

    /// `--store`'s default: a SQLite file under the root that git ignores.
    static let defaultStore = "sqlite:.sluice/state.db"

    @Option(name: .customLong("deploy-root"),
            help: ArgumentHelp("Allow absolute deploy paths below DIR (repeatable); without it, only paths relative to the root.", valueName: "DIR"))
    var deployRoots: [String] = []

    @Flag(name: .shortAndLong, help: "Log each step to standard error.")
    var verbose = false

    @Option(help: ArgumentHelp("How long one dataset download (spec.dataset.source as a URL) may take in all, retries included (5m, or seconds).",
                               valueName: "DURATION"),
            transform: DurationOption.seconds)
    var downloadTimeout: Double = DownloadLimits.standard.deadline

    @Option(help: ArgumentHelp("The largest dataset download accepted: bytes, or with a unit (500M, 2G).", valueName: "SIZE"))
    var downloadMaxSize: String = "1G"

    /// The limits of dataset downloads, from `--download-timeout` and `--download-max-size`.
    var downloadLimits: DownloadLimits {
        DownloadLimits(deadline: downloadTimeout, maxBytes: GlobalOptions.bytes(downloadMaxSize) ?? DownloadLimits.standard.maxBytes)
    }

    /// "1048576", "512K", "500M", "2G", "1T" (powers of 1024; a trailing "B" or "iB" allowed).
    static func bytes(_ text: String) -> Int64? {
        var digits = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) { digits.removeLast(suffix.count); break }
        var scale: Int64 = 1
        if let unit = digits.last, let power = ["K": 1, "M": 2, "G": 3, "T": 4][String(unit)] {
            scale = Int64(1) << (10 * power)
            digits.removeLast()
        }
        guard let n = Int64(digits.trimmingCharacters(in: .whitespaces)), n > 0 else { return nil }
        let (product, overflow) = n.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }

    /// Checks a store URL given to `option` (`--store`, or `store copy`'s `--from` and `--to`).
    static func checkStore(_ url: String, option: String) throws {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            guard url.count > url.prefix(while: { $0 != ":" }).count + "://".count else {
                throw ValidationError("\(option) \(url): expected a PostgreSQL URI such as postgres://sluice@db.example:5432/sluice")
            }
        } else {
            guard url.hasPrefix("sqlite:") else {
                throw ValidationError("\(option) \(url) is not supported; use sqlite:PATH (e.g. sqlite:.sluice/state.db) or postgres://USER@HOST:PORT/DB")
            }
            guard url.count > "sqlite:".count else { throw ValidationError("\(option) needs a path after sqlite:") }
        }
    }

    func validate() throws {
        try Self.checkStore(store, option: "--store")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: rootURL.path, isDirectory: &isDirectory) else {
            throw ValidationError("--root \(root): no such directory (\(rootURL.path)); point --root at the repository holding \(manifests)/")
        }
        guard isDirectory.boolValue else { throw ValidationError("--root \(root) is a file, not a directory; point --root at the repository holding \(manifests)/") }
        for d in deployRoots where d.isEmpty || d.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError("--deploy-root \(JSON.string(d).canonical()): expected a directory path")
        }
        guard downloadTimeout > 0, downloadTimeout.isFinite else {
            throw ValidationError("--download-timeout \(downloadTimeout): must be a positive number of seconds")
        }
        guard GlobalOptions.bytes(downloadMaxSize) != nil else {
            throw ValidationError("--download-max-size \(downloadMaxSize): expected a size such as 500M, 2G or a number of bytes")
        }
    }

    var rootURL: URL {
        URL(fileURLWithPath: PosixFiles.join(PosixFiles.currentDirectory, PosixFiles.expandingTilde(root)), isDirectory: true)
    }

    /// The `--store` URI when it names a PostgreSQL database (`postgres://` or `postgresql://`).
    var postgresURI: String? {
        store.hasPrefix("postgres://") || store.hasPrefix("postgresql://") ? store : nil
    }

    /// The store's file path (for a PostgreSQL store, its URI without the password).
    var storePath: String {
        if let uri = postgresURI { return PostgresStore.redacted(uri) }
        let path = String(store.dropFirst("sqlite:".count))
        return PosixFiles.userPath(path, relativeTo: rootURL.path)
    }

    /// `--deploy-root` directories, absolute (relative ones resolve against the current directory).
    var deployRootPaths: [String] {
        deployRoots.map { PosixFiles.userPath($0, relativeTo: PosixFiles.currentDirectory) }
    }

    /// The directory holding the store's file: its downloads, git checkouts and artifacts live
    /// here, and no model may be published into it. With a PostgreSQL store, `.sluice/` under the root.
    var storeDirectory: String {
        if postgresURI != nil { return rootURL.path + "/.sluice" }
        return (storePath as NSString).deletingLastPathComponent
    }

    /// Where datasets named by URL are cached: `downloads/` beside the store.
    var downloadsPath: String {
        storeDirectory + "/downloads"
    }

    /// Opens the store, or fails with exit code 1 and a message.
    func openStore() throws -> any Store {
        do {
            if let uri = postgresURI { return try PostgresStore(uri: uri) }
            return try SQLiteStore(path: storePath)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
    }

    /// Opens an existing store for reading (the read-only commands never create one); `nil` when
    /// there is none yet. Fails with exit code 1 and a message when it cannot be read.
    func openStoreReadOnly() throws -> (any Store)? {
        do {
            if let uri = postgresURI { return try PostgresStore(uri: uri, readOnly: true) }
            return try SQLiteStore(path: storePath, readOnly: true)
        } catch is StoreMissing {
            return nil
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(1)
        }
    }

    /// An existing store for reading, or exit code 1 saying there is none yet.
    func requireStoreReadOnly() throws -> any Store {
        guard let store = try openStoreReadOnly() else {
            Terminal.error("\(StoreMissing(path: storePath))")
            throw ExitCode(1)
        }
        return store
    }

    /// Takes the store's writer lease, or fails with exit code 1 naming the holder. On a store
    /// replicas share, it also fails while a replica still works on a model (a leader that just
    /// stopped leaves its queue behind): replicas claim nothing while this command holds the lease,
    /// but what they already claimed would be done twice.
    func lockStore(_ store: any Store, timeout seconds: Double) throws -> WriterLease {
        do {
            let lease = try WriterLease.acquire(store: store, command: CommandLine.arguments.joined(separator: " "),
                                                timeout: .milliseconds(Int(seconds * 1000)))
            if let queue = store as? any WorkQueue {
                let now = try queue.serverTime()
                let busy = try queue.workEntries().filter { $0.holder != nil && ($0.leaseUntil ?? .distantPast) > now }
                if !busy.isEmpty {
                    lease.release()
                    let holders = Set(busy.compactMap(\.holder)).sorted().joined(separator: ", ")
                    throw StoreError("replicas are still working on \(busy.count) model\(busy.count == 1 ? "" : "s") of this store (\(busy.prefix(5).map(\.model).joined(separator: ", ")); \(holders)); stop the `sluice run` replicas and let their claims end (--claim-lease), then try again")
                }
            }
            return lease
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

    /// `--cache DIR` (of `apply`, `gate` and `run`) as an absolute path: `~` expanded, relative to
    /// the current directory.
    static func cachePath(_ cache: String?) -> String? {
        cache.map { PosixFiles.join(PosixFiles.currentDirectory, PosixFiles.expandingTilde($0)) }
    }

    func reconciler(store: any Store, allowEmpty: Bool = false, cache: String? = nil) -> Reconciler {
        let cachePath = Self.cachePath(cache)
        return Reconciler(configuration: .init(root: rootURL, manifests: manifests, planner: .init(allowEmpty: allowEmpty), cache: cachePath,
                                               downloads: downloadsPath, downloadLimits: downloadLimits,
                                               storeDirectory: storeDirectory,
                                               deployRoots: deployRootPaths),
                          store: store, logger: logger)
    }
}
