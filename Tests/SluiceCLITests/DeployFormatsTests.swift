import Foundation
import Testing
import SluiceCore

/// `spec.deploy.formats: ["sluice", "onnx"]` through the real binary: `model.onnx` published beside
/// `model.json` (the same bytes as `sluice export`), its digest in `metadata.json`, observed for drift,
/// and removed when the format is dropped — all without training again.
@Suite struct DeployFormatsTests {
    static func withONNX(_ s: Sandbox, _ formats: [String] = ["sluice", "onnx"]) throws {
        try s.edit("manifests/iris.json") { $0.set("spec.deploy.formats", .strings(formats)) }
    }

    @Test func onnxIsPublishedBesideTheModelWithItsDigestAndNothingChangesTheSecondTime() throws {
        let s = try Sandbox()
        try Self.withONNX(s)
        let first = try s.run("apply")
        #expect(first.status == 0, "\(first.output)")
        let onnx = try s.bytes("deploy/iris/model.onnx")
        let meta = try JSONParser.parse(try s.bytes("deploy/iris/metadata.json")).value
        #expect(meta["formats"]?["onnx"]?["sha256"]?.stringValue == SHA256.hex(of: onnx))
        #expect(meta["formats"]?["onnx"]?["file"]?.stringValue == "model.onnx")
        #expect(try s.run("export", "iris", "--format", "onnx", "-o", "exported.onnx").status == 0)
        #expect(try s.bytes("exported.onnx") == onnx, "the published file is what sluice export writes")
        let second = try s.run("apply")
        #expect(second.status == 0)
        #expect(second.stdout.contains("No changes."), "\(second.output)")
        #expect(try s.bytes("deploy/iris/model.onnx") == onnx)
    }

    @Test func addingAndDroppingONNXRepublishesTheSameVersionWithoutTraining() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        #expect(!s.exists("deploy/iris/model.onnx"))
        let model = try s.bytes("deploy/iris/model.json")
        try Self.withONNX(s)
        let plan = try s.run("plan")
        #expect(plan.stdout.contains("deploy formats changed: [sluice] → [sluice, onnx]"), "\(plan.output)")
        #expect(try s.run("apply").status == 0)
        #expect(s.exists("deploy/iris/model.onnx"))
        #expect(try s.bytes("deploy/iris/model.json") == model, "the same version")
        try Self.withONNX(s, ["sluice"])
        #expect(try s.run("apply").status == 0)
        #expect(!s.exists("deploy/iris/model.onnx"), "a dropped format's file is removed")
        #expect(try JSONParser.parse(try s.bytes("deploy/iris/metadata.json")).value["formats"] == nil)
        #expect(try s.trainings("iris") == 1, "formats retrain nothing")
    }

    @Test func aDeletedOrReplacedONNXFileIsRepaired() throws {
        let s = try Sandbox()
        try Self.withONNX(s)
        #expect(try s.run("apply").status == 0)
        let onnx = try s.bytes("deploy/iris/model.onnx")
        try s.remove("deploy/iris/model.onnx")
        let repair = try s.run("apply")
        #expect(repair.stdout.contains("model.onnx is missing"), "\(repair.output)")
        #expect(try s.bytes("deploy/iris/model.onnx") == onnx)
        try s.write("deploy/iris/model.onnx", "not a model")
        let again = try s.run("apply")
        #expect(again.stdout.contains("model.onnx was changed"), "\(again.output)")
        #expect(try s.bytes("deploy/iris/model.onnx") == onnx)
    }

    @Test func aModelWithoutAnONNXFormIsAManifestErrorAndNothingElseIsAffected() throws {
        let s = try Sandbox()
        try s.write("manifests/nn.json", s.manifest(name: "nn", algorithm: "knn"))
        try s.edit("manifests/nn.json") { $0.set("spec.deploy.formats", .strings(["sluice", "onnx"])) }
        let r = try s.run("apply")
        #expect(r.status != 0, "\(r.output)")
        #expect(r.output.contains("manifests/nn.json"), "\(r.output)")
        #expect(r.output.contains("spec.deploy.formats: lists \"onnx\", but knn models cannot be exported as ONNX"), "\(r.output)")
        #expect(s.exists("deploy/iris/model.json"), "the other model is published")
    }
}
