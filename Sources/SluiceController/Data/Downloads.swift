import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SluiceCore

/// Datasets named by `http(s)://` URL (DESIGN §1): fetched through URLSession (libcurl on
/// Linux, TLS verification on), kept in the store's `downloads/` directory, and re-validated
/// with `If-None-Match` / `If-Modified-Since` on every run, so that an unchanged file is not
/// downloaded again and a changed one is (and, its digest being new, retrains the model).
public final class Downloads: Sendable {
    /// The cache directory.
    public let directory: String
    /// Seconds one request may take.
    public let timeout: Double
    /// Attempts for a transient failure (a network error, a 5xx), with exponential backoff.
    public let attempts: Int
    private let session: URLSession
    /// URLs already checked by this instance (one run or cycle): each is fetched once.
    private let checked = Mutex([String: Result<String, DataError>]())

    public init(directory: String, timeout: Double = 30, attempts: Int = 3) {
        self.directory = directory
        self.timeout = timeout
        self.attempts = attempts
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil  // the cache is ours, keyed by URL, validated by ETag
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpAdditionalHeaders = ["User-Agent": "sluice/0.1"]
        session = URLSession(configuration: configuration)
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

    /// The local copy of `url`, brought up to date.
    /// - Throws: ``DataError`` naming the URL and what went wrong (status and body, or the
    ///   network error); nothing stale is used in its place.
    public func fetch(_ url: String) throws -> String {
        if let known = checked.withLock({ $0[url] }) { return try known.get() }
        let result = Result<String, DataError> { () throws(DataError) -> String in try refresh(url) }
        checked.withLock { $0[url] = result }
        return try result.get()
    }

    private func paths(_ url: String) -> (data: String, meta: String) {
        let key = String(SHA256.hex(of: Array(url.utf8)).prefix(32))
        return ("\(directory)/\(key).data", "\(directory)/\(key).json")
    }

    private func refresh(_ url: String) throws(DataError) -> String {
        guard let target = URL(string: url), ["http", "https"].contains(target.scheme?.lowercased() ?? "") else {
            throw DataError("\(url) is not an http(s) URL")
        }
        let (dataPath, metaPath) = paths(url)
        var cached: Entry?
        if FileManager.default.fileExists(atPath: dataPath), let bytes = try? PosixFiles.read(metaPath, limit: PosixFiles.metadataLimit),
           let json = try? JSONParser.parse(bytes).value, let entry = Entry(json), entry.url == Redaction.url(url) {
            cached = entry
        }
        var request = URLRequest(url: target)
        if let etag = cached?.etag { request.setValue(etag, forHTTPHeaderField: "If-None-Match") }
        if let modified = cached?.lastModified { request.setValue(modified, forHTTPHeaderField: "If-Modified-Since") }

        var wait = 0.5
        for attempt in 1...attempts {
            let outcome = download(request)
            switch outcome {
            case .notModified where cached != nil:
                return dataPath
            case .downloaded(let file, let response):
                do {
                    try AtomicFile.makeDirectory(directory)
                    let partial = dataPath + ".partial"
                    try? FileManager.default.removeItem(atPath: partial)
                    try FileManager.default.moveItem(atPath: file.path, toPath: partial)
                    guard rename(partial, dataPath) == 0 else { throw DataError("cannot rename \(partial): \(String(cString: strerror(errno)))") }
                    let entry = Entry(url: Redaction.url(url), etag: response.value(forHTTPHeaderField: "ETag"),
                                      lastModified: response.value(forHTTPHeaderField: "Last-Modified"), fetchedAt: Date())
                    try AtomicFile.write(entry.json.canonicalBytes(pretty: true), to: metaPath)
                    return dataPath
                } catch {
                    throw DataError("\(url): cannot keep the download in \(directory): \(error)")
                }
            case .notModified:
                throw DataError("\(url) answered 304 Not Modified to a request that had no validators")
            case .failed(let message, let transient):
                guard transient, attempt < attempts else {
                    throw DataError("cannot fetch \(url): \(message)\(attempt > 1 ? " (after \(attempt) attempts)" : "")")
                }
                Thread.sleep(forTimeInterval: wait)
                wait *= 2
            }
        }
        throw DataError("cannot fetch \(url)")
    }

    private enum Outcome {
        case notModified
        case downloaded(URL, HTTPURLResponse)
        case failed(String, transient: Bool)
    }

    private func download(_ request: URLRequest) -> Outcome {
        let done = DispatchSemaphore(value: 0)
        let box = Mutex<Outcome?>(nil)
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-download-\(UUID().uuidString)")
        let task = session.downloadTask(with: request) { file, response, error in
            let outcome: Outcome
            if let error {
                outcome = .failed(error.localizedDescription, transient: true)
            } else if let http = response as? HTTPURLResponse {
                if http.statusCode == 304 {
                    outcome = .notModified
                } else if (200..<300).contains(http.statusCode), let file, (try? FileManager.default.moveItem(at: file, to: staging)) != nil {
                    outcome = .downloaded(staging, http)
                } else if (200..<300).contains(http.statusCode) {
                    outcome = .failed("the download could not be saved", transient: true)
                } else {
                    let body = file.flatMap { try? String(contentsOf: $0, encoding: .utf8) }?.prefix(200) ?? ""
                    let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
                    outcome = .failed("HTTP \(http.statusCode)\(text.isEmpty ? "" : ": \(text)")",
                                      transient: http.statusCode >= 500 || http.statusCode == 429)
                }
            } else {
                outcome = .failed("no HTTP response", transient: true)
            }
            box.withLock { $0 = outcome }
            done.signal()
        }
        task.delegate = RedirectPolicy.withoutCrossOriginCredentials.delegate
        task.resume()
        done.wait()
        return box.withLock { $0! }
    }
}
