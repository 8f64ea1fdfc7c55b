import Foundation
import Testing
import SluiceCore
import SluiceController
import TestSupport

/// S3 end to end (issue 17): the real `sluice` binary against a real S3 server (SeaweedFS on
/// loopback, ``S3Server``): a dataset read from `s3://`, a model published to an `s3` target,
/// re-validation by ETag, drift repaired, retiring, and wrong credentials.
@Suite(.serialized, .enabled(if: !S3Server.skipped, "SLUICE_SKIP_S3=1"))
struct S3Tests {
    /// A sandbox with one model, `iris`, whose data is `s3://BUCKET/data/iris data+1.csv` (a key
    /// with a space and a `+`, encoded once) and whose target is `s3://BUCKET/models/iris`.
    func s3Model(_ bucket: S3Bucket, shipped: Bool = true) throws -> Sandbox {
        let s = try Sandbox(shipped: shipped)
        let iris = [UInt8](try Data(contentsOf: Sandbox.repository.appendingPathComponent("examples/data/iris.csv")))
        try bucket.put("data/iris data+1.csv", iris)
        var m = try JSONParser.parse(s.manifest(name: "s3iris", source: bucket.url("data/iris data+1.csv"))).value
        m.set("spec.deploy", ["target": "s3", "url": .string(bucket.url("models/iris"))])
        try s.write("manifests/s3iris.json", m.canonical(pretty: true))
        return s
    }

    func apply(_ s: Sandbox, _ bucket: S3Bucket, _ extra: [String] = [], environment: [String: String] = [:]) throws -> Sandbox.Result {
        try s.run(["apply"] + extra, environment: bucket.environment(environment))
    }

    /// The download cache's record of the dataset (its ETag and when it was fetched).
    func cacheRecords(_ s: Sandbox) throws -> [String: [UInt8]] {
        let directory = s.url(".sluice/downloads")
        var records: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".json") {
            records[name] = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
        }
        return records
    }

    @Test func applyReadsAnS3DatasetPublishesToS3AndAnUnchangedObjectIsNotDownloadedAgain() throws {
        let bucket = try S3Bucket()
        let s = try s3Model(bucket, shipped: false)
        let first = try apply(s, bucket)
        #expect(first.status == 0, "\(first.output)")

        let model = try #require(try bucket.get("models/iris/model.json"))
        let metadata = try #require(try bucket.get("models/iris/metadata.json"))
        let meta = try JSONParser.parse(metadata).value
        #expect(meta["model"] == "s3iris")
        #expect(meta["artifact"]?["sha256"]?.stringValue == SHA256.hex(of: model), "metadata.json carries model.json's digest")
        let history = try s.run(["history", "s3iris", "--json"], environment: bucket.environment())
        let version = try #require(try JSONParser.parse(history.stdout).value["versions"]?.arrayValue?.first)
        #expect(version["dataDigest"]?.stringValue == SHA256.hex(of: try #require(try bucket.get("data/iris data+1.csv"))))

        // Unchanged: re-validated (304), not downloaded again, nothing to do.
        let cached = try cacheRecords(s)
        #expect(cached.count == 1)
        let plan = try s.run(["plan", "--detailed-exitcode"], environment: bucket.environment())
        #expect(plan.status == 0, "no changes: \(plan.output)")
        let second = try apply(s, bucket)
        #expect(second.status == 0, "\(second.output)")
        #expect(try cacheRecords(s) == cached, "an unchanged object is not downloaded again (ETag, 304)")
        #expect(try s.trainings("s3iris") == 1)

        // Changed: downloaded, retrained, published.
        let iris = try #require(try bucket.get("data/iris data+1.csv"))
        try bucket.put("data/iris data+1.csv", iris + Array("5.0,3.4,1.5,0.2,setosa\n".utf8))
        let third = try apply(s, bucket)
        #expect(third.status == 0, "\(third.output)")
        #expect(try cacheRecords(s) != cached)
        #expect(try s.trainings("s3iris") == 2)
        let republished = try #require(try bucket.get("models/iris/metadata.json"))
        #expect(try JSONParser.parse(republished).value["version"] != meta["version"])
    }

    @Test func driftInTheBucketIsRepairedByTheNextApply() throws {
        let bucket = try S3Bucket()
        let s = try s3Model(bucket, shipped: false)
        #expect(try apply(s, bucket).status == 0)
        let model = try #require(try bucket.get("models/iris/model.json"))
        let metadata = try #require(try bucket.get("models/iris/metadata.json"))

        // Deleted.
        try bucket.delete("models/iris/model.json")
        let plan = try s.run(["plan", "--detailed-exitcode"], environment: bucket.environment())
        #expect(plan.status == 2, "\(plan.output)")
        #expect(plan.stdout.contains("model.json is missing"), "\(plan.output)")
        #expect(try apply(s, bucket).status == 0)
        #expect(try bucket.get("models/iris/model.json") == model)

        // Replaced: the metadata by other JSON, then the model by other bytes.
        try bucket.put("models/iris/metadata.json", Array(#"{"model": "s3iris", "version": "other"}"#.utf8))
        #expect(try s.run(["plan", "--detailed-exitcode"], environment: bucket.environment()).status == 2)
        #expect(try apply(s, bucket).status == 0)
        let repaired = try JSONParser.parse(try #require(try bucket.get("models/iris/metadata.json"))).value
        let original = try JSONParser.parse(metadata).value
        #expect(repaired["version"] == original["version"])
        #expect(repaired["artifact"]?["sha256"] == original["artifact"]?["sha256"])
        try bucket.put("models/iris/model.json", Array("{}".utf8))
        let replaced = try s.run(["plan"], environment: bucket.environment())
        #expect(replaced.stdout.contains("model.json was changed"), "\(replaced.output)")
        #expect(try apply(s, bucket).status == 0)
        #expect(try bucket.get("models/iris/model.json") == model)
        #expect(try s.trainings("s3iris") == 1, "repairs publish the same version")
    }

    @Test func retiringDeletesBothObjects() throws {
        let bucket = try S3Bucket()
        let s = try s3Model(bucket, shipped: false)
        #expect(try apply(s, bucket).status == 0)
        try s.edit("manifests/s3iris.json") { $0.set("spec.retired", true) }
        let retire = try apply(s, bucket)
        #expect(retire.status == 0, "\(retire.output)")
        #expect(try bucket.get("models/iris/model.json") == nil)
        #expect(try bucket.get("models/iris/metadata.json") == nil)
        #expect(try bucket.get("data/iris data+1.csv") != nil, "the data stays")
    }

    /// `spec.deploy.formats` with `onnx` on an s3 target: `model.onnx` beside the model, the digest
    /// metadata.json gives; a deleted one is repaired; dropping the format deletes it.
    @Test func theONNXFormatIsPublishedRepairedAndDroppedInTheBucket() throws {
        let bucket = try S3Bucket()
        let s = try s3Model(bucket, shipped: false)
        try s.edit("manifests/s3iris.json") { $0.set("spec.deploy.formats", .strings(["sluice", "onnx"])) }
        let first = try apply(s, bucket)
        #expect(first.status == 0, "\(first.output)")
        let onnx = try #require(try bucket.get("models/iris/model.onnx"))
        let meta = try JSONParser.parse(try #require(try bucket.get("models/iris/metadata.json"))).value
        #expect(meta["formats"]?["onnx"]?["sha256"]?.stringValue == SHA256.hex(of: onnx))
        try bucket.delete("models/iris/model.onnx")
        let repair = try apply(s, bucket)
        #expect(repair.stdout.contains("model.onnx is missing"), "\(repair.output)")
        #expect(try bucket.get("models/iris/model.onnx") == onnx)
        try s.edit("manifests/s3iris.json") { $0.set("spec.deploy.formats", .strings(["sluice"])) }
        #expect(try apply(s, bucket).status == 0)
        #expect(try bucket.get("models/iris/model.onnx") == nil, "a dropped format's object is deleted")
        #expect(try bucket.get("models/iris/model.json") != nil)
    }

    @Test func wrongCredentialsNameTheBucketAndTheStatusAndHarmNothingElse() throws {
        let bucket = try S3Bucket()
        let s = try s3Model(bucket)  // with the shipped iris model, published to a directory
        #expect(try apply(s, bucket).status == 0)
        let directoryModel = try s.bytes("deploy/iris/model.json")
        let s3Model = try #require(try bucket.get("models/iris/model.json"))
        let secret = "not-the-secret-\(UUID().uuidString)"

        for wrong in [["AWS_SECRET_ACCESS_KEY": secret], ["AWS_ACCESS_KEY_ID": "AKIANOSUCHKEY0000000", "AWS_SECRET_ACCESS_KEY": secret]] {
            // A changed dataset needs a download, and the target needs a look.
            let plan = try s.run(["plan"], environment: bucket.environment(wrong))
            #expect(plan.output.contains("s3://\(bucket.name)/"), "\(plan.output)")
            #expect(plan.output.contains("HTTP 403"), "\(plan.output)")
            #expect(plan.output.contains("check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"), "\(plan.output)")
            #expect(!plan.output.contains(secret), "the secret is never printed")
            #expect(!plan.output.contains("Signature="), "the signature is never printed")
            let apply = try apply(s, bucket, environment: wrong)
            #expect(apply.status == 1, "\(apply.output)")
            #expect(apply.output.contains("HTTP 403"), "\(apply.output)")
            #expect(!apply.output.contains(secret))
            #expect(!apply.stdout.contains("- retire"), "\(apply.output)")
            #expect(try s.bytes("deploy/iris/model.json") == directoryModel, "the other model is untouched")
            #expect(try bucket.get("models/iris/model.json") == s3Model, "nothing is retired or overwritten")
        }

        // Missing credentials: the variables are named.
        let missing = try apply(s, bucket, environment: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""])
        #expect(missing.status == 1)
        #expect(missing.output.contains("AWS credentials are not set (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY missing)"), "\(missing.output)")
        #expect(try s.bytes("deploy/iris/model.json") == directoryModel)

        // Back to the right ones: nothing to do.
        #expect(try s.run(["plan", "--detailed-exitcode"], environment: bucket.environment()).status == 0)
    }

    @Test func validateChecksTheTargetsBucketAndCredentialsWithoutWriting() throws {
        let bucket = try S3Bucket()
        let s = try Sandbox()
        try s.edit("manifests/iris.json") { $0.set("spec.deploy", ["target": "s3", "url": .string("s3://no-such-bucket-\(bucket.name)/iris")]) }
        let missing = try s.run(["validate"], environment: bucket.environment())
        #expect(missing.status == 1, "\(missing.output)")
        #expect(missing.output.contains("GET s3://no-such-bucket-\(bucket.name)/iris/metadata.json: HTTP 404 NoSuchBucket"), "\(missing.output)")

        try s.edit("manifests/iris.json") { $0.set("spec.deploy", ["target": "s3", "url": .string(bucket.url("iris"))]) }
        #expect(try s.run(["validate"], environment: bucket.environment()).status == 0)
        let refused = try s.run(["validate"], environment: bucket.environment(["AWS_SECRET_ACCESS_KEY": "wrong"]))
        #expect(refused.status == 1)
        #expect(refused.output.contains("s3://\(bucket.name)/iris/metadata.json: HTTP 403"), "\(refused.output)")
        #expect(try bucket.get("iris/metadata.json") == nil, "validate writes nothing")
    }

    @Test func aMissingBucketIsNamedWithWhatToDo() throws {
        let bucket = try S3Bucket()
        let s = try Sandbox(shipped: false)
        var m = try JSONParser.parse(s.manifest(name: "nobucket", source: "s3://no-such-bucket-\(bucket.name)/iris.csv")).value
        m.set("spec.deploy", ["target": "s3", "url": .string(bucket.url("models/nobucket"))])
        try s.write("manifests/nobucket.json", m.canonical(pretty: true))
        let validate = try s.run(["validate"], environment: bucket.environment())
        #expect(validate.status == 1)
        #expect(validate.output.contains("s3://no-such-bucket-\(bucket.name)/iris.csv"), "\(validate.output)")
        #expect(validate.output.contains("HTTP 404 NoSuchBucket"), "\(validate.output)")
    }
}
