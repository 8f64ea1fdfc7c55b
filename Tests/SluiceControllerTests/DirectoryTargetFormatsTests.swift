import Foundation
import Testing
import SluiceCore
import SluiceManifest
import SluiceReconcile
import SluiceTesting
@testable import SluiceController

/// `spec.deploy.formats` at a directory target: `model.onnx` beside `model.json`, its digest in
/// `metadata.json`, drift when it is missing, changed or left over, and gone on retirement.
@Suite struct DirectoryTargetFormatsTests {
    let repository: ScratchRepository
    let target: DirectoryTarget
    let artifact = Array(#"{"format":"sluice.model"}"#.utf8)
    let onnx = PublishedFile(format: .onnx, bytes: [0x08, 0x0A, 0x12, 0x06, 0x73, 0x6C, 0x75, 0x69, 0x63, 0x65])

    init() throws {
        repository = try ScratchRepository()
        target = DirectoryTarget(path: repository.url("deploy/iris").path, display: "deploy/iris", digester: FileDigester(store: InMemoryStore()))
    }

    func metadata(_ files: [PublishedFile]) -> [UInt8] {
        var o: [String: JSON] = ["model": "iris", "version": "v1", "artifact": ["sha256": .string(SHA256.hex(of: artifact))]]
        if !files.isEmpty { o["formats"] = .object(Dictionary(uniqueKeysWithValues: files.map { ($0.format.rawValue, $0.metadata) })) }
        return JSON.object(o).canonicalBytes()
    }

    func expected(_ formats: [PublishFormat]) -> ExpectedContent {
        ExpectedContent(model: "iris", version: "v1", artifactDigest: SHA256.hex(of: artifact), formats: formats)
    }

    @Test func theONNXFileIsPublishedBesideTheModelAndObserved() throws {
        try target.publish(artifact: artifact, metadata: metadata([onnx]), files: [onnx], fence: {})
        #expect(repository.bytes("deploy/iris/model.onnx") == onnx.bytes)
        #expect(try target.observe(expected([.sluice, .onnx])) == .matches)
        let meta = try JSONParser.parse(repository.bytes("deploy/iris/metadata.json")!).value
        #expect(meta["formats"]?["onnx"]?["sha256"]?.stringValue == SHA256.hex(of: onnx.bytes))
    }

    @Test func aMissingOrChangedONNXFileIsDrift() throws {
        try target.publish(artifact: artifact, metadata: metadata([onnx]), files: [onnx], fence: {})
        try repository.write("deploy/iris/model.onnx", "tampered")
        guard case .drifted(let changed) = try target.observe(expected([.sluice, .onnx])) else { Issue.record("no drift"); return }
        #expect(changed.contains("deploy/iris/model.onnx was changed"), "\(changed)")
        try FileManager.default.removeItem(at: repository.url("deploy/iris/model.onnx"))
        #expect(try target.observe(expected([.sluice, .onnx])) == .drifted("deploy/iris/model.onnx is missing"))
    }

    @Test func aFormatNoLongerPublishedIsDriftUntilPublishingRemovesIt() throws {
        try target.publish(artifact: artifact, metadata: metadata([onnx]), files: [onnx], fence: {})
        guard case .drifted(let leftover) = try target.observe(expected([.sluice])) else { Issue.record("no drift"); return }
        #expect(leftover.contains("model.onnx is there, but spec.deploy.formats does not list onnx"), "\(leftover)")
        try target.publish(artifact: artifact, metadata: metadata([]), files: [], fence: {})
        #expect(!repository.exists("deploy/iris/model.onnx"))
        #expect(try target.observe(expected([.sluice])) == .matches)
    }

    @Test func theFenceStopsEveryWrite() throws {
        struct Lost: Error {}
        #expect(throws: Lost.self) { try target.publish(artifact: artifact, metadata: metadata([onnx]), files: [onnx], fence: { throw Lost() }) }
        #expect(!repository.exists("deploy/iris/model.onnx"))
        #expect(!repository.exists("deploy/iris/model.json"))
    }

    @Test func retiringRemovesEveryFormat() throws {
        try target.publish(artifact: artifact, metadata: metadata([onnx]), files: [onnx], fence: {})
        try target.retire(fence: {})
        #expect(!repository.exists("deploy/iris"))
    }
}
