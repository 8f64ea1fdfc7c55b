import Foundation
import Synchronization
import SluiceCore
import SluiceLearn
import SluiceManifest
import SluiceReconcile
import SluiceSystem

/// Finds, verifies and reads the datasets that manifests name, relative to the repository root.
///
/// Digests come from the ``FileDigester`` cache; parsed frames are kept for the life of the
/// resolver so that models sharing a dataset read it once per run.
public final class DataResolver: Sendable {
    public let root: URL
    let digester: FileDigester
    private let frames = Mutex([String: DataFrame]())
    /// Dataset paths already located in this run (relative → absolute): thousands of manifests
    /// usually share a few files.
    private let located = Mutex([String: String]())

    /// Where datasets named by URL are fetched to; `nil`: URL datasets are an error.
    let downloads: Downloads?
    /// Seconds to wait for a download under way before reporting the model as waiting for it;
    /// `nil`: wait until it ends (``Downloads/fetch(_:patience:)``).
    let patience: Double?
    /// The results of database sources' queries, run once for the life of the resolver (a run,
    /// a cycle) and removed with it.
    let queries: QueryResults

    /// - Parameter queryTimeout: seconds a database source's query may run.
    public init(root: URL, digester: FileDigester, downloads: Downloads? = nil, patience: Double? = nil, queryTimeout: Double = 600) {
        self.root = root.standardizedFileURL
        self.digester = digester
        self.downloads = downloads
        self.patience = patience
        self.queries = QueryResults(directory: downloads?.directory ?? FileManager.default.temporaryDirectory.path, timeout: queryTimeout)
    }

    /// Starts fetching, all at once, the datasets these manifests name by URL, so that one slow
    /// server delays only its own models (``Downloads/prefetch(_:)``).
    public func prefetch(_ manifests: [Manifest]) {
        guard let downloads else { return }
        let urls = manifests.flatMap { [$0.dataset.source] + ($0.dataset.test.map { [$0] } ?? []) }
            .filter { DatasetSourceKind($0).isDownloaded }
        downloads.prefetch(urls)
    }

    /// The absolute path of a dataset path from a manifest, checked to stay inside the root
    /// (after following symbolic links).
    /// A URL's local copy in the download cache, or a database query's result as a CSV file
    /// (``queryResult(_:field:manifest:)``).
    public func locate(_ relative: String, field: String, manifest: Manifest) throws -> String {
        let kind = DatasetSourceKind(relative)
        if kind.isQuery { return try queryResult(relative, field: field, manifest: manifest) }
        if kind.isDownloaded {
            guard let downloads else {
                throw DataError("\(field) \"\(Redaction.url(relative))\" (\(manifest.origin.file)): this command cannot fetch datasets by URL")
            }
            do { return try downloads.fetch(relative, patience: patience) } catch {
                throw DataError("\(field) (\(manifest.origin.file)): \(Redaction.text("\(error)"))")
            }
        }
        if let path = located.withLock({ $0[relative] }) { return path }
        let url = root.appendingPathComponent(relative).standardizedFileURL
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw DataError("\(field) \"\(relative)\" (\(manifest.origin.file)): no such file under \(root.path)")
        }
        let real = url.resolvingSymlinksInPath().path
        let realRoot = root.resolvingSymlinksInPath().path
        guard real == realRoot || real.hasPrefix(realRoot + "/") else {
            throw DataError("\(field) \"\(relative)\" (\(manifest.origin.file)) resolves to \(real), outside the repository root \(realRoot)")
        }
        located.withLock { $0[relative] = path }
        return path
    }

    /// The content digests of a manifest's data, with the `sha256` pins checked.
    public func resolve(_ m: Manifest) -> DesiredModel.DataState {
        do {
            let source = try digest(m.dataset.source, field: "spec.dataset.source", pin: m.dataset.sha256, pinField: "spec.dataset.sha256", m)
            let test = try m.dataset.test.map { try digest($0, field: "spec.dataset.test", pin: m.dataset.testSha256, pinField: "spec.dataset.testSha256", m) }
            return .resolved(dataDigest: source, testDigest: test)
        } catch {
            return .failed(Redaction.text("\(error)"))
        }
    }

    private func digest(_ relative: String, field: String, pin: String?, pinField: String, _ m: Manifest) throws -> String {
        let path = try locate(relative, field: field, manifest: m)
        // A query's result file is digested as it is written (and is not kept in the digest cache).
        guard let digest = try queries.digest(of: path) ?? digester.digest(path) else {
            throw DataError("\(field) \"\(Redaction.url(relative))\": the file disappeared while it was being read")
        }
        if let pin, pin != digest {
            throw DataError("\(Redaction.url(relative)) has sha256 \(digest), but \(pinField) in \(m.origin.file) pins \(pin); nothing is trained from unpinned data. Update the pin if the data change is intended")
        }
        return digest
    }

    /// Reads and parses a dataset, keyed by its digest so a changed file is read again.
    public func frame(_ relative: String, digest: String, field: String, manifest: Manifest) throws -> DataFrame {
        if let cached = frames.withLock({ $0[digest] }) { return cached }
        let path = try locate(relative, field: field, manifest: manifest)
        let bytes: [UInt8]
        do { bytes = try PosixFiles.read(path, limit: PosixFiles.datasetLimit) } catch { throw DataError("\(Redaction.url(relative)) \(error)") }
        guard SHA256.hex(of: bytes) == digest else {
            throw DataError("\(Redaction.url(relative)) changed while Sluice was reading it; run again")
        }
        do {
            let frame = try CSVReader.parse(bytes)
            frames.withLock { $0[digest] = frame }
            return frame
        } catch {
            throw DataError("\(Redaction.url(relative)): \(error)")
        }
    }

    /// The training and test frames of a manifest.
    public func partition(_ m: Manifest, data: DesiredModel.DataState, spec: TrainingSpec) throws -> (train: DataFrame, test: DataFrame) {
        guard case .resolved(let d, let t) = data else { throw DataError("data unavailable") }
        let frame = try self.frame(m.dataset.source, digest: d, field: "spec.dataset.source", manifest: m)
        let test = try m.dataset.test.map { try self.frame($0, digest: t!, field: "spec.dataset.test", manifest: m) }
        do { return try Trainer.partition(spec, data: frame, test: test) } catch let e as LearnError {
            throw DataError("\(Redaction.url(m.dataset.source)): \(e.message)")
        }
    }
}
