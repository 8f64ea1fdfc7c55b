import Foundation
import HTTPTypes
import Testing
import SluiceCore
import SluiceLearn
@testable import SluiceServe

/// `PUT`/`DELETE`/`GET /v2/repository/models/{name}`: what the `http` deploy target calls.
@Suite struct RepositoryRouteTests {
    static let token = "s3cret-token"
    static let auth: HTTPFields = [.authorization: "Bearer \(token)"]

    static func digestHeader(_ bytes: [UInt8]) -> String {
        let hex = SHA256.hex(of: bytes)
        let raw = stride(from: 0, to: hex.count, by: 2).map { i -> UInt8 in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
        return "sha-256=:\(Data(raw).base64EncodedString()):"
    }

    static func putHeaders(_ bytes: [UInt8], metadata: JSON? = nil, auth: HTTPFields = auth) -> HTTPFields {
        var h = auth
        h[HTTPField.Name("Content-Digest")!] = digestHeader(bytes)
        if let metadata { h[HTTPField.Name("Sluice-Metadata")!] = Data(metadata.canonicalBytes()).base64EncodedString() }
        return h
    }

    @Test func withoutATokenTheRepositoryAPIIsOff() async throws {
        let s = try Served(token: nil)
        defer { s.remove() }
        let bytes = ServeFixtures.iris2.encoded()
        for (method, path) in [(HTTPRequest.Method.get, "/v2/repository/models/iris"), (.put, "/v2/repository/models/new"),
                               (.delete, "/v2/repository/models/iris"), (.get, "/v2/repository/models")] {
            let r = try await s.client.request(method, path, headers: Self.putHeaders(bytes), body: method == .put ? bytes : nil)
            #expect(r.status == 404, "\(method) \(path)")
            #expect(r.error?.contains("--token-env") == true, "\(r.text)")
        }
        #expect(s.repository.model("iris") != nil)
        #expect(!FileManager.default.fileExists(atPath: "\(s.directory)/new"))
    }

    @Test func aMissingOrWrongTokenIs401AndChangesNothing() async throws {
        let s = try Served(token: Self.token)
        defer { s.remove() }
        let bytes = ServeFixtures.iris2.encoded()
        let before = try FileManager.default.contentsOfDirectory(atPath: "\(s.directory)/iris")
        let modelBefore = try Data(contentsOf: URL(fileURLWithPath: "\(s.directory)/iris/model.json"))
        for auth: HTTPFields in [[:], [.authorization: "Bearer wrong"], [.authorization: "Basic \(Self.token)"], [.authorization: "Bearer \(Self.token)x"]] {
            let put = try await s.client.request(.put, "/v2/repository/models/iris", headers: Self.putHeaders(bytes, auth: auth), body: bytes)
            #expect(put.status == 401, "\(auth)")
            #expect(put.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(put.error != nil)
            let delete = try await s.client.request(.delete, "/v2/repository/models/iris", headers: auth)
            #expect(delete.status == 401)
            #expect(try await s.client.get("/v2/repository/models/iris", headers: auth).status == 401)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(s.directory)/iris") == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(s.directory)/iris/model.json")) == modelBefore)
        #expect(s.repository.model("iris")?.version == "v-iris-1")
    }

    @Test func putPublishesAndServesAtOnce() async throws {
        let s = try Served(token: Self.token)
        defer { s.remove() }
        let bytes = ServeFixtures.iris2.encoded()
        let digest = SHA256.hex(of: bytes)
        let metadata: JSON = ["model": "fresh", "version": "v-fresh-7", "metrics": ["accuracy": 0.97], "artifact": ["sha256": .string(digest)]]
        let r = try await s.client.request(.put, "/v2/repository/models/fresh", headers: Self.putHeaders(bytes, metadata: metadata), body: bytes)
        #expect(r.status == 200, "\(r.text)")
        #expect(r.json["name"] == "fresh")
        #expect(r.json["version"] == "v-fresh-7")
        #expect(r.json["sha256"] == .string(digest))
        #expect(r.json["ready"] == true)
        // Written as a directory target would: the artifact byte for byte, and its metadata.
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(s.directory)/fresh/model.json"))) == bytes)
        let written = try JSONParser.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: "\(s.directory)/fresh/metadata.json")))).value
        #expect(written["metrics"]?["accuracy"] == 0.97)
        #expect(written["artifact"]?["sha256"] == .string(digest))
        // Served before the PUT returned.
        let infer = try await s.client.post("/v2/models/fresh/infer", json: ["inputs": [InferenceRouteTests.irisInput()]])
        #expect(infer.status == 200)
        #expect(infer.json["model_version"] == "v-fresh-7")

        // A PUT over a served model replaces it in its own directory.
        let again = try await s.client.request(.put, "/v2/repository/models/mixed", headers: Self.putHeaders(bytes), body: bytes)
        #expect(again.status == 200, "\(again.text)")
        #expect(again.json["path"] == "team/mixed")
        #expect(again.json["version"] == .string("sha256:\(digest.prefix(12))"), "no metadata: the version is the digest")
        #expect(s.repository.model("mixed")?.digest == digest)
    }

    @Test func putChecksTheDigestTheArtifactAndTheName() async throws {
        let s = try Served(token: Self.token)
        defer { s.remove() }
        let bytes = ServeFixtures.iris2.encoded()
        let cases: [(String, [UInt8], HTTPFields, Int, String)] = [
            ("iris", bytes, Self.putHeaders(ServeFixtures.iris.encoded()), 400, "sha256"),
            ("iris", bytes, Self.auth, 400, "Content-Digest"),
            ("iris", bytes, Self.auth + [HTTPField.Name("Content-Digest")!: "md5=:abc:"], 400, "no sha-256"),
            ("iris", Array("{\"format\":\"other\"}".utf8), Self.putHeaders(Array("{\"format\":\"other\"}".utf8)), 422, "not a Sluice model artifact"),
            ("Bad_Name", bytes, Self.putHeaders(bytes), 400, "DNS label"),
            ("iris", bytes, Self.putHeaders(bytes, metadata: ["model": "other"]), 400, "names model \"other\""),
            ("iris", bytes, Self.putHeaders(bytes, metadata: ["artifact": ["sha256": "00"]]), 400, "artifact.sha256"),
            ("iris", bytes, Self.auth + [HTTPField.Name("Content-Digest")!: Self.digestHeader(bytes), HTTPField.Name("Sluice-Metadata")!: "%%%"], 400, "base64"),
        ]
        for (name, body, headers, status, message) in cases {
            let r = try await s.client.request(.put, "/v2/repository/models/\(name)", headers: headers, body: body)
            #expect(r.status == status, "\(message): \(r.text)")
            #expect(r.error?.contains(message) == true, "\(message): \(r.text)")
        }
        // Nothing changed.
        #expect(s.repository.model("iris")?.version == "v-iris-1")
        #expect(s.repository.models.count == 3)
    }

    @Test func getAndListObserveWhatIsServed() async throws {
        let s = try Served(token: Self.token)
        defer { s.remove() }
        let r = try await s.client.get("/v2/repository/models/iris", headers: Self.auth)
        #expect(r.status == 200)
        #expect(r.json["version"] == "v-iris-1")
        #expect(r.json["sha256"] == .string(SHA256.hex(of: ServeFixtures.iris.encoded())))
        #expect(r.json["path"] == "iris")
        #expect(r.json["loadedAt"] != nil)
        #expect(try await s.client.get("/v2/repository/models/nosuch", headers: Self.auth).status == 404)
        let list = try await s.client.get("/v2/repository/models", headers: Self.auth)
        #expect(list.json.arrayValue?.compactMap { $0["name"]?.stringValue } == ["iris", "mixed", "numeric"])
    }

    @Test func deleteRetiresTheModelAndItsFiles() async throws {
        let s = try Served(token: Self.token)
        defer { s.remove() }
        let r = try await s.client.request(.delete, "/v2/repository/models/mixed", headers: Self.auth)
        #expect(r.status == 200, "\(r.text)")
        #expect(!FileManager.default.fileExists(atPath: "\(s.directory)/team/mixed"))
        #expect(try await s.client.get("/v2/models/mixed").status == 404)
        #expect(try await s.client.get("/v2/repository/models/mixed", headers: Self.auth).status == 404)
        let again = try await s.client.request(.delete, "/v2/repository/models/mixed", headers: Self.auth)
        #expect(again.status == 404)
        // A later scan does not bring it back.
        s.repository.scan()
        #expect(s.repository.model("mixed") == nil)
        #expect(s.repository.model("iris") != nil)
    }
}

func + (a: HTTPFields, b: HTTPFields) -> HTTPFields {
    var out = a
    for field in b { out[field.name] = field.value }
    return out
}
