import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SluiceCore
import SluiceSystem

/// Datasets named by `http(s)://` URL (DESIGN §1): fetched through URLSession (libcurl on
/// Linux, TLS verification on), kept in the store's `downloads/` directory, and re-validated
/// with `If-None-Match` / `If-Modified-Since` on every run, so that an unchanged file is not
/// downloaded again and a changed one is (and, its digest being new, retrains the model).
///
/// Each fetch has a total deadline and a size cap (``DownloadLimits``); a URL that fails, drips
/// or is too large fails the models that name it and no other. ``prefetch(_:)`` starts the
/// fetches of different URLs at once, so one slow server delays nothing but its own models.
public final class Downloads: Sendable {
    /// The cache directory.
    public let directory: String
    /// Seconds without data before one attempt gives up.
    public let timeout: Double
    /// Attempts for a transient failure (a network error, a 5xx), with exponential backoff.
    public let attempts: Int
    public let limits: DownloadLimits
    /// At most this many downloads run at once.
    static let parallel = 8
    private let slots = Mutex([String: Slot]())
    private let running = DispatchSemaphore(value: Downloads.parallel)
    /// Called with the URL when a fetch that someone stopped waiting for finishes (the
    /// controller starts a cycle then).
    private let onLateFinish: (@Sendable (String) -> Void)?

    /// One URL's fetch: done once, awaited by every model that names the URL.
    private final class Slot: Sendable {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<String, DataError>?>(nil)
        let started = Date()
        /// A fetch returned the result (the next ``beginCycle()`` forgets it).
        let consumed = Atomic<Bool>(false)
        /// A fetch stopped waiting for it (see ``fetch(_:patience:)``).
        let abandoned = Atomic<Bool>(false)
    }

    public init(directory: String, timeout: Double = 30, attempts: Int = 3, limits: DownloadLimits = .standard,
                onLateFinish: (@Sendable (String) -> Void)? = nil) {
        self.directory = directory
        self.timeout = timeout
        self.attempts = attempts
        self.limits = limits
        self.onLateFinish = onLateFinish
    }

    /// For an instance kept across controller cycles: forgets the results a cycle has used, so
    /// that the next one re-validates them, and keeps the fetches still under way (and results
    /// no cycle has used yet).
    public func beginCycle() {
        slots.withLock { slots in
            slots = slots.filter { _, slot in !(slot.consumed.load(ordering: .relaxed) && slot.result.withLock { $0 != nil }) }
        }
    }

    /// What is known of a cached download (its URL redacted: the file's name is the digest of the
    /// whole URL, so the redacted one only confirms it).
    struct Entry {
        var url: String
        var etag: String?
        var lastModified: String?
        var fetchedAt: Date

        var json: JSON {
            ["url": .string(url), "etag": etag.map(JSON.string) ?? .null, "lastModified": lastModified.map(JSON.string) ?? .null,
             "fetchedAt": .number(fetchedAt.timeIntervalSince1970)]
        }

        init(url: String, etag: String?, lastModified: String?, fetchedAt: Date) {
            self.url = url
            self.etag = etag
            self.lastModified = lastModified
            self.fetchedAt = fetchedAt
        }

        init?(_ json: JSON) {
            guard let url = json["url"]?.stringValue else { return nil }
            self.init(url: url, etag: json["etag"]?.stringValue, lastModified: json["lastModified"]?.stringValue,
                      fetchedAt: Date(timeIntervalSince1970: json["fetchedAt"]?.doubleValue ?? 0))
        }
    }

    /// Starts fetching every URL, each on its own thread (at most ``parallel`` at once), and
    /// returns at once; ``fetch(_:)`` then waits for the one it needs.
    public func prefetch(_ urls: some Sequence<String>) {
        for url in Set(urls) {
            let (slot, owner) = claim(url)
            if owner { start(slot, url) }
        }
    }

    private func start(_ slot: Slot, _ url: String) {
        let thread = Thread { [self] in
            running.wait()
            defer { running.signal() }
            finish(slot, url)
        }
        thread.name = "sluice.download"
        thread.start()
    }

    /// The local copy of `url`, brought up to date.
    /// - Parameter patience: seconds to wait for a fetch under way; `nil`: until it ends (at
    ///   its deadline at the latest). The controller waits briefly, so that a slow download
    ///   holds back only its own models; the fetch goes on, and a later cycle uses its result.
    /// - Throws: ``DataError`` naming the URL and what went wrong (status and excerpt, the
    ///   network error, the deadline or the size cap, or that it is still downloading);
    ///   nothing stale is used in its place.
    public func fetch(_ url: String, patience: Double? = nil) throws -> String {
        let (slot, owner) = claim(url)
        if owner, patience == nil {
            finish(slot, url)
        } else {
            if owner { start(slot, url) }
            if let patience {
                if slot.done.wait(timeout: .now() + patience) == .timedOut {
                    slot.abandoned.store(true, ordering: .sequentiallyConsistent)
                    // It may have finished meanwhile: then the result is used now.
                    if slot.result.withLock({ $0 == nil }) {
                        // A re-validation under way: the copy the model was trained from serves
                        // this cycle (the model stays as it is), and the result the next one.
                        if let cached = cachedCopy(url) { return cached }
                        let elapsed = Int(Date().timeIntervalSince(slot.started))
                        throw DataError("\(url) is still downloading (\(elapsed) s so far; --download-timeout \(Self.seconds(limits.deadline)) s); the model is reconciled once it is complete")
                    }
                } else {
                    slot.done.signal()  // for the next waiter
                }
            } else {
                slot.done.wait()
                slot.done.signal()  // for the next waiter
            }
        }
        slot.consumed.store(true, ordering: .relaxed)
        return try slot.result.withLock { $0! }.get()
    }

    private func claim(_ url: String) -> (Slot, owner: Bool) {
        slots.withLock { slots in
            if let slot = slots[url] { return (slot, false) }
            let slot = Slot()
            slots[url] = slot
            return (slot, true)
        }
    }

    private func finish(_ slot: Slot, _ url: String) {
        let result = Result<String, DataError> { () throws(DataError) -> String in try refresh(url) }
        slot.result.withLock { $0 = result }
        slot.done.signal()
        if slot.abandoned.load(ordering: .sequentiallyConsistent) { onLateFinish?(url) }
    }

    /// The cached copy of `url`, if there is one.
    private func cachedCopy(_ url: String) -> String? {
        let (dataPath, metaPath) = paths(url)
        guard FileManager.default.fileExists(atPath: dataPath), let bytes = try? PosixFiles.read(metaPath, limit: PosixFiles.metadataLimit),
              let json = try? JSONParser.parse(bytes).value, Entry(json)?.url == Redaction.url(url) else { return nil }
        return dataPath
    }

    private func paths(_ url: String) -> (data: String, meta: String) {
        let key = String(SHA256.hex(of: Array(url.utf8)).prefix(32))
        return ("\(directory)/\(key).data", "\(directory)/\(key).json")
    }

    /// The request for one attempt at `url`, with the cache's validators: a plain GET for an
    /// `http(s)://` URL, a signed one for an `s3://` object (signed for each attempt, since the
    /// signature carries the time, with the credentials in the environment then).
    private func request(_ url: String, validators cached: Entry?) throws(DataError) -> URLRequest {
        var conditions: [String: String] = [:]
        if let etag = cached?.etag { conditions["If-None-Match"] = etag }
        if let modified = cached?.lastModified { conditions["If-Modified-Since"] = modified }
        if let object = S3Object(url: url) {
            do { return try S3Request.make("GET", object, settings: .current(), date: Date(), headers: conditions, timeout: timeout) } catch {
                throw DataError("cannot fetch \(error.message)")
            }
        }
        guard let target = URL(string: url), ["http", "https"].contains(target.scheme?.lowercased() ?? "") else {
            throw DataError("\(url) is not an http(s) or s3 URL")
        }
        var request = URLRequest(url: target)
        request.timeoutInterval = timeout
        request.setValue("sluice/\(sluiceVersion)", forHTTPHeaderField: "User-Agent")
        for (name, value) in conditions { request.setValue(value, forHTTPHeaderField: name) }
        return request
    }

    private func refresh(_ url: String) throws(DataError) -> String {
        let (dataPath, metaPath) = paths(url)
        let cached = cachedCopy(url).flatMap { _ in try? PosixFiles.read(metaPath, limit: PosixFiles.metadataLimit) }
            .flatMap { try? JSONParser.parse($0).value }.flatMap(Entry.init)
        _ = try request(url, validators: cached)  // a bad URL or missing credentials fail before anything else
        do { try AtomicFile.makeDirectory(directory) } catch {
            throw DataError("\(url): cannot keep downloads in \(directory): \(error)")
        }
        // S3's error answers are XML with a Code and a Message (and what to do about them).
        let describe: Transfer.Describe
        if S3Object(url: url) != nil {
            let endpoint = S3Settings.current().endpointDescription
            describe = { status, body, _ in S3Error.answer(status: status, body: body, endpoint: endpoint) }
        } else {
            describe = FetchMessages.httpError
        }

        let deadline = DispatchTime.now() + limits.deadline
        var wait = 0.5
        for attempt in 1...max(attempts, 1) {
            let after = attempt > 1 ? " (after \(attempt) attempts)" : ""
            let outcome = Transfer(request: try request(url, validators: cached), directory: directory, maxBytes: limits.maxBytes,
                                   deadline: deadline, describe: describe).run()
            switch outcome {
            case .notModified where cached != nil:
                return dataPath
            case .downloaded(let staged, let response):
                guard rename(staged, dataPath) == 0 else {
                    let reason = String(cString: strerror(errno))
                    unlink(staged)
                    throw DataError("\(url): cannot keep the download in \(directory): \(reason)")
                }
                AtomicFile.syncDirectory(directory)
                let entry = Entry(url: Redaction.url(url), etag: response.value(forHTTPHeaderField: "ETag"),
                                  lastModified: response.value(forHTTPHeaderField: "Last-Modified"), fetchedAt: Date())
                do { try AtomicFile.write(entry.json.canonicalBytes(pretty: true), to: metaPath) } catch {
                    throw DataError("\(url): cannot keep the download in \(directory): \(error)")
                }
                return dataPath
            case .notModified:
                throw DataError("\(url) answered 304 Not Modified to a request that had no validators")
            case .failed(let message, let transient):
                let backoff = DispatchTime.now() + wait
                guard transient, attempt < attempts, backoff < deadline else {
                    throw DataError("cannot fetch \(url): \(message)\(after)")
                }
                Thread.sleep(forTimeInterval: wait)
                wait *= 2
            case .tooLarge(let declared):
                let size = declared.map { "it declares \(Self.bytes($0)), more than" } ?? "it sent more than"
                throw DataError("cannot fetch \(url): \(size) the limit of \(Self.bytes(limits.maxBytes)); raise --download-max-size if the file is meant to be this large")
            case .deadlinePassed(let received):
                throw DataError("cannot fetch \(url): not complete after \(Self.seconds(limits.deadline)) s (\(Self.bytes(received)) received)\(after); the server is too slow or stalled. Raise --download-timeout if it is only slow")
            }
        }
        throw DataError("cannot fetch \(url)")
    }

    /// A size for people: "1.5 MiB", "300 bytes".
    public static func bytes(_ n: Int64) -> String {
        if n < 1024 { return "\(n) bytes" }
        let units = ["KiB", "MiB", "GiB", "TiB"]
        var value = Double(n) / 1024
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: value < 10 ? "%.1f" : "%.0f", value) + " " + units[unit]
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? String(Int(s)) : String(s)
    }
}
