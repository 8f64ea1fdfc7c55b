import Foundation
import Testing
import SluiceCore

/// `sluice export NAME --format onnx` through the real binary (issue 17; docs/onnx.md).
@Suite struct ExportTests {
    @Test func writesNAMEDotONNXByDefaultAndTheSameBytesToAnyPath() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let r = try s.run("export", "iris", "--format", "onnx")
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("wrote iris version "), "\(r.stdout)")
        #expect(r.stdout.contains("(random_forest) as ONNX to iris.onnx"), "\(r.stdout)")
        let bytes = try s.bytes("iris.onnx")
        #expect(Array(bytes.prefix(2)) == [0x08, 0x0A], "ir_version 10 comes first")
        let again = try s.run("export", "iris", "--format", "onnx", "-o", "out/models/iris.onnx")
        #expect(again.status == 0, "\(again.output)")
        #expect(try s.bytes("out/models/iris.onnx") == bytes, "the same version gives the same bytes")
    }

    @Test func dashWritesTheModelToStandardOutputWhenItIsNotATerminal() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let r = try s.run("export", "iris", "--format", "onnx", "-o", "-")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.utf8.starts(with: [0x08, 0x0A]), "the model's bytes, not a message")
        #expect(!r.stdout.contains("wrote iris"))
        #expect(!s.exists("-") && !s.exists("iris.onnx"))
    }

    /// A one-character output name (Foundation's deletingLastPathComponent trapped on it).
    @Test func aOneCharacterOutputNameIsWritten() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let r = try s.run("export", "iris", "--format", "onnx", "-o", "x")
        #expect(r.status == 0, "\(r.output)")
        #expect(try s.run("export", "iris", "--format", "onnx").status == 0)
        #expect(try s.bytes("x") == s.bytes("iris.onnx"))
    }

    @Test func aVersionPrefixSelectsThatVersion() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let id = try #require(s.history("iris")["versions"]?.arrayValue?.first?["version"]?.stringValue)
        let r = try s.run("export", "iris", "--format", "onnx", "--version", String(id.prefix(8)), "-o", "v.onnx")
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("version \(id.prefix(12))"), "\(r.stdout)")
        #expect(try s.run("export", "iris", "--format", "onnx").status == 0)
        #expect(try s.bytes("v.onnx") == s.bytes("iris.onnx"), "the published version is that one")
    }

    @Test func theTritonLayoutWritesConfigAndVersionOneModel() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let r = try s.run("export", "iris", "--format", "onnx", "--layout", "triton", "-o", "repo")
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("as a Triton model directory repo/iris"), "\(r.stdout)")
        #expect(try s.run("export", "iris", "--format", "onnx").status == 0)
        #expect(try s.bytes("repo/iris/1/model.onnx") == s.bytes("iris.onnx"))
        let config = try s.read("repo/iris/config.pbtxt")
        #expect(config.hasPrefix("name: \"iris\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 0\n"), "\(config)")
        for feature in ["sepal_length", "sepal_width", "petal_length", "petal_width"] {
            #expect(config.contains("    name: \"\(feature)\"\n    data_type: TYPE_FP64\n    dims: [ -1, 1 ]\n"), "\(config)")
        }
        #expect(config.contains("    name: \"probabilities\"\n    data_type: TYPE_FP64\n    dims: [ -1, 3 ]\n"), "\(config)")
    }

    @Test func aModelWithoutAnONNXFormIsRefusedAndNothingIsWritten() throws {
        let s = try Sandbox()
        try s.write("manifests/nn.json", s.manifest(name: "nn", algorithm: "knn"))
        #expect(try s.run("apply").status == 0)
        let r = try s.run("export", "nn", "--format", "onnx")
        #expect(r.status == 1, "\(r.output)")
        #expect(r.stderr.contains("model nn (algorithm knn) cannot be exported to ONNX"), "\(r.stderr)")
        #expect(r.stderr.contains("exportable algorithms: decision_tree, random_forest"), "\(r.stderr)")
        #expect(!s.exists("nn.onnx"))
    }

    @Test func aModelWithNoVersionInServiceNeedsAVersion() throws {
        let s = try Sandbox()
        // A gate no model passes: the version is trained and stored, never published.
        try s.write("manifests/strict.json", s.manifest(name: "strict", gate: ["accuracy": ["max": 0.0]]))
        let applied = try s.run("apply")
        #expect(applied.output.contains("strict"), "\(applied.output)")
        #expect(try s.history("strict")["versions"]?.arrayValue?.count == 1)
        let r = try s.run("export", "strict", "--format", "onnx")
        #expect(r.status == 1, "\(r.output)")
        #expect(r.stderr.contains("model strict has no version in service; name one with --version"), "\(r.stderr)")
    }
}
