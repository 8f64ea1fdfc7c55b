import Foundation
import Testing
import SluiceCore

/// Artifacts written before the reference profile (format version 2, engine 3) keep loading and serving.
@Suite struct FormatTwoArtifactTests {
    /// The digest of the shipped iris model as engine 3 published it (format version 2, no profile).
    static let engineThreeIrisDigest = "0966d7ccd25d0a0b1e08f382761fdbc35b4e691d7de93a11f8f4b3893d77d834"

    @Test func aFormatTwoArtifactIsServedByTheRealServer() throws {
        let s = try Sandbox()
        let applied = try s.run("apply")
        #expect(applied.status == 0, "\(applied.output)")
        // Engine 4 publishes format 3 with the profile; without it, the bytes are exactly engine 3's.
        guard case .object(var doc) = try JSONParser.parse(s.bytes("deploy/iris/model.json")).value else {
            Issue.record("model.json is an object"); return
        }
        #expect(doc["formatVersion"] == 3 && doc["reference"]?["trainingRows"] == 105 && doc["reference"]?["testRows"] == 45)
        doc["reference"] = nil
        doc["formatVersion"] = 2
        let old = JSON.object(doc).canonicalBytes()
        #expect(SHA256.hex(of: old) == Self.engineThreeIrisDigest)

        try FileManager.default.createDirectory(at: s.url("served/iris"), withIntermediateDirectories: true)
        try Data(old).write(to: s.url("served/iris/model.json"))
        try s.write("served/iris/metadata.json", s.read("deploy/iris/metadata.json"))
        try s.edit("served/iris/metadata.json") { m in
            m.set("version", "engine3")
            m.set("artifact.sha256", .string(SHA256.hex(of: old)))
            m.set("artifact.bytes", .number(Double(old.count)))
        }
        let server = try ControllerProcess(s, ["--repository", "served", "--port", "0"], name: "serve", command: "serve")
        let port = try server.port()
        let infer = #"{"inputs":[{"name":"input-0","shape":[2,4],"datatype":"FP64","data":[5.1,3.5,1.4,0.2,6.7,3.0,5.2,2.3]}]}"#
        #expect(try waitUntil(timeout: 10) { try http("GET", "http://127.0.0.1:\(port)/v2/models/iris/ready").status == 200 })
        let answer = try http("POST", "http://127.0.0.1:\(port)/v2/models/iris/infer", body: infer)
        #expect(answer.status == 200, "\(answer.body)")
        let outputs = try JSONParser.parse(answer.body).value["outputs"]?.arrayValue ?? []
        #expect(outputs.first?["data"] == ["setosa", "virginica"], "\(answer.body)")
        #expect(try JSONParser.parse(answer.body).value["model_version"] == "engine3", "\(answer.body)")
    }
}
