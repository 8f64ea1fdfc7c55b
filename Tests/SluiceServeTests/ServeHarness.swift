import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Prometheus
import SluiceCore
import SluiceHTTP
import SluiceLearn
import SluiceServe

/// A repository with three published models (iris, a mixed-type regression, integer classes),
/// served in process.
struct Served {
    let directory: String
    let repository: ModelRepository
    let server: InferenceServer
    let client: InProcessClient
    let registry = PrometheusCollectorRegistry()

    init(token: String? = nil, maxBodySize: Int = 64 << 20, publish: Bool = true, scan: Bool = true) throws {
        directory = ServeFixtures.temporaryDirectory()
        if publish {
            try ServeFixtures.publish(ServeFixtures.iris, name: "iris", version: "v-iris-1", in: "\(directory)/iris")
            try ServeFixtures.publish(ServeFixtures.mixed, name: "mixed", version: "v-mixed-1", in: "\(directory)/team/mixed")
            try ServeFixtures.publish(ServeFixtures.numericClasses, name: "numeric", version: "v-numeric-1", in: "\(directory)/numeric")
        }
        var logger = Logger(label: "test.repository")
        logger.logLevel = .critical
        repository = ModelRepository(root: directory, logger: logger)
        if scan { repository.scan() }
        var options = InferenceServer.Options()
        options.token = token
        options.maxBodySize = maxBodySize
        server = InferenceServer(repository: repository, options: options, registry: registry)
        client = InProcessClient(router: server.router())
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Rows of iris and what the artifact itself predicts for them.
enum IrisRows {
    static let rows: [[Double]] = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]]
    static let features = ["sepal_length", "sepal_width", "petal_length", "petal_width"]

    static func expected(_ rows: [[Double]] = rows, artifact: ModelArtifact = ServeFixtures.iris) -> [Prediction] {
        try! artifact.predict(rows: rows.map { r in Dictionary(uniqueKeysWithValues: zip(features, r.map(JSON.number))) })
    }
}

/// Builds and reads bodies of the binary tensor extension.
enum Binary {
    static func bytes<T>(_ values: [T]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }  // little-endian on every platform Sluice runs on
    }

    static func strings(_ values: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for s in values {
            withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: s.utf8)
        }
        return out
    }

    /// A request whose JSON header is followed by `data`.
    static func request(_ header: JSON, _ data: [UInt8]) -> (body: [UInt8], headers: HTTPFields) {
        let json = header.canonicalBytes()
        return (json + data, [HTTPField.Name("Inference-Header-Content-Length")!: String(json.count)])
    }

    /// The binary outputs of a response, by name, as raw bytes.
    static func outputs(_ response: InProcessClient.Response) -> [String: [UInt8]] {
        guard let length = response.headers[HTTPField.Name("Inference-Header-Content-Length")!].flatMap(Int.init) else { return [:] }
        var offset = length
        var out: [String: [UInt8]] = [:]
        for output in response.json["outputs"]?.arrayValue ?? [] {
            guard let size = output["parameters"]?["binary_data_size"]?.intValue, let name = output["name"]?.stringValue else { continue }
            out[name] = Array(response.body[offset..<(offset + size)])
            offset += size
        }
        return out
    }

    static func doubles(_ bytes: [UInt8]) -> [Double] {
        stride(from: 0, to: bytes.count, by: 8).map { i in
            Double(bitPattern: bytes[i..<(i + 8)].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        }
    }

    static func int64s(_ bytes: [UInt8]) -> [Int64] {
        stride(from: 0, to: bytes.count, by: 8).map { i in
            bytes[i..<(i + 8)].withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
        }
    }

    static func decodeStrings(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        var i = 0
        while i + 4 <= bytes.count {
            let n = bytes[i..<(i + 4)].withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
            out.append(String(decoding: bytes[(i + 4)..<(i + 4 + n)], as: UTF8.self))
            i += 4 + n
        }
        return out
    }
}

extension JSON {
    /// The element at `index` of an array.
    subscript(_ index: Int) -> JSON? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
