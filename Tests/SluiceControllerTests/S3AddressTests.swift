import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import SluiceController

/// The environment as the AWS SDKs read it, and where each request goes: path-style on an
/// endpoint, virtual-hosted on AWS; keys encoded once.
@Suite struct S3AddressTests {
    static let keys = ["AWS_ACCESS_KEY_ID": "AKIAX", "AWS_SECRET_ACCESS_KEY": "SECRET"]

    @Test func theRegionComesFromAWSRegionThenTheDefaultRegionThenUSEast1() {
        #expect(S3Settings(environment: [:]).region == "us-east-1")
        #expect(S3Settings(environment: ["AWS_DEFAULT_REGION": "eu-west-1"]).region == "eu-west-1")
        #expect(S3Settings(environment: ["AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "ap-south-1"]).region == "ap-south-1")
        #expect(S3Settings(environment: ["AWS_REGION": "", "AWS_DEFAULT_REGION": "eu-west-1"]).region == "eu-west-1", "empty is unset")
    }

    @Test func theS3EndpointVariableWinsOverTheGeneralOne() {
        let both = S3Settings(environment: ["AWS_ENDPOINT_URL": "http://a:1", "AWS_ENDPOINT_URL_S3": "http://b:2"])
        #expect(both.endpoint?.url == "http://b:2")
        #expect(both.endpoint?.variable == "AWS_ENDPOINT_URL_S3")
        #expect(S3Settings(environment: ["AWS_ENDPOINT_URL": "http://a:1"]).endpoint?.variable == "AWS_ENDPOINT_URL")
        #expect(S3Settings(environment: [:]).endpoint == nil)
    }

    @Test func missingCredentialsNameTheVariables() throws {
        let none = S3Settings(environment: ["AWS_ACCESS_KEY_ID": "AKIAX"])
        #expect(none.credentials == nil)
        #expect(none.missingCredentials == ["AWS_SECRET_ACCESS_KEY"])
        let error = try #require(throws: S3Error.self) { try none.requireCredentials(for: "s3://b/k.csv") }
        #expect(error.message.hasPrefix("s3://b/k.csv: AWS credentials are not set (AWS_SECRET_ACCESS_KEY missing); export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"))
        let session = S3Settings(environment: Self.keys.merging(["AWS_SESSION_TOKEN": "TOKEN"]) { $1 })
        #expect(session.credentials == S3Credentials(accessKeyId: "AKIAX", secretAccessKey: "SECRET", sessionToken: "TOKEN"))
    }

    @Test(arguments: [
        // endpoint, bucket, key → URL, signed path, host
        ("http://127.0.0.1:8333", "data", "iris.csv", "http://127.0.0.1:8333/data/iris.csv", "/data/iris.csv", "127.0.0.1:8333"),
        ("http://127.0.0.1:8333/", "data", "a b/c+d ü.csv", "http://127.0.0.1:8333/data/a%20b/c%2Bd%20%C3%BC.csv", "/data/a%20b/c%2Bd%20%C3%BC.csv", "127.0.0.1:8333"),
        ("https://minio.example.com/s3/", "b", "k", "https://minio.example.com/s3/b/k", "/s3/b/k", "minio.example.com"),
        ("https://Store.Example.com:443", "b", "k", "https://store.example.com/b/k", "/b/k", "store.example.com"),
        ("http://store:80", "b", "", "http://store/b", "/b", "store"),
    ])
    func anEndpointIsAddressedPathStyle(_ endpoint: String, _ bucket: String, _ key: String, _ url: String, _ path: String, _ host: String) throws {
        let settings = S3Settings(environment: Self.keys.merging(["AWS_ENDPOINT_URL": endpoint]) { $1 })
        let address = try S3Address(S3Object(bucket: bucket, key: key), settings: settings)
        #expect(address.pathStyle)
        #expect(address.url.absoluteString == url)
        #expect(address.path == path)
        #expect(address.host == host)
    }

    @Test func awsIsAddressedVirtualHostedAndADottedBucketPathStyle() throws {
        let settings = S3Settings(environment: Self.keys.merging(["AWS_REGION": "eu-central-1"]) { $1 })
        let plain = try S3Address(S3Object(bucket: "models", key: "iris/model.json"), settings: settings)
        #expect(plain.url.absoluteString == "https://models.s3.eu-central-1.amazonaws.com/iris/model.json")
        #expect(plain.path == "/iris/model.json")
        #expect(!plain.pathStyle)
        let dotted = try S3Address(S3Object(bucket: "my.models", key: "k"), settings: settings)
        #expect(dotted.url.absoluteString == "https://s3.eu-central-1.amazonaws.com/my.models/k")
        #expect(dotted.pathStyle)
    }

    @Test(arguments: ["ftp://h", "127.0.0.1:8333", "http://", "http://h?x=1"])
    func anEndpointThatIsNotAnHTTPURLIsRefusedNamingTheVariable(_ endpoint: String) {
        let settings = S3Settings(environment: Self.keys.merging(["AWS_ENDPOINT_URL_S3": endpoint]) { $1 })
        let error = #expect(throws: S3Error.self) { try S3Address(S3Object(bucket: "b", key: "k"), settings: settings) }
        #expect(error?.message.contains("AWS_ENDPOINT_URL_S3=\(endpoint) is not an http(s)://HOST[:PORT] URL") == true)
    }

    @Test func credentialsInAnEndpointURLAreRefusedAndNeverPrinted() {
        let settings = S3Settings(environment: Self.keys.merging(["AWS_ENDPOINT_URL": "http://user:PASSWORD@127.0.0.1:9"]) { $1 })
        let error = #expect(throws: S3Error.self) { try S3Address(S3Object(bucket: "b", key: "k"), settings: settings) }
        #expect(error?.message.hasPrefix("AWS_ENDPOINT_URL=http://***@127.0.0.1:9 is not an http(s)://HOST[:PORT] URL") == true, "\(String(describing: error))")
        #expect(settings.endpointDescription == "AWS_ENDPOINT_URL=http://***@127.0.0.1:9")
    }

    @Test func objectsAreParsedFromURLsAndPrefixes() {
        #expect(S3Object(url: "s3://b/dir/k.csv") == S3Object(bucket: "b", key: "dir/k.csv"))
        #expect(S3Object(url: "s3://b/") == nil)
        #expect(S3Object(url: "s3:///k") == nil)
        #expect(S3Object(url: "https://b/k") == nil)
        #expect(S3Object(prefixURL: "s3://b/models/iris//", name: "model.json") == S3Object(bucket: "b", key: "models/iris/model.json"))
        #expect(S3Object(bucket: "b", key: "k").description == "s3://b/k")
    }

    @Test func aSignedRequestCarriesTheDateTheHashTheTokenAndNoSecret() throws {
        let settings = S3Settings(environment: Self.keys.merging(["AWS_SESSION_TOKEN": "TOKEN", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"]) { $1 })
        let body = Array("{}".utf8)
        let request = try S3Request.make("PUT", S3Object(bucket: "b", key: "p/model.json"), settings: settings,
                                         date: Date(timeIntervalSince1970: 1_369_353_600), body: body, headers: ["Content-Type": "application/json"])
        #expect(request.url?.absoluteString == "http://127.0.0.1:9/b/p/model.json")
        #expect(request.value(forHTTPHeaderField: "x-amz-date") == "20130524T000000Z")
        #expect(request.value(forHTTPHeaderField: "x-amz-content-sha256") == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
        #expect(request.value(forHTTPHeaderField: "x-amz-security-token") == "TOKEN")
        let authorization = try #require(request.value(forHTTPHeaderField: "Authorization"))
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIAX/20130524/us-east-1/s3/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature="))
        #expect(!authorization.contains("SECRET"))
    }

    @Test(arguments: [
        (403, "<?xml version=\"1.0\"?><Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message><AWSAccessKeyId>AKIAX</AWSAccessKeyId></Error>",
         "HTTP 403 InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"),
        (403, "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message><SignatureProvided>abc123</SignatureProvided><StringToSign>AWS4</StringToSign></Error>",
         "HTTP 403 SignatureDoesNotMatch: The request signature we calculated does not match; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"),
        (404, "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>nope</BucketName></Error>",
         "HTTP 404 NoSuchBucket: The specified bucket does not exist; the bucket does not exist; create it, or fix the bucket in the URL"),
        (403, "", "HTTP 403; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"),
        (502, "<html><title>Bad gateway</title></html>", "HTTP 502: Bad gateway"),
        (500, "<Error><Code>InternalError</Code><Message>We encountered an internal error &amp; retried.</Message></Error>",
         "HTTP 500 InternalError: We encountered an internal error & retried."),
    ])
    func errorAnswersNameTheStatusTheCodeAndWhatToDo(_ status: Int, _ body: String, _ expected: String) {
        #expect(S3Error.answer(status: status, body: Array(body.utf8)) == expected)
    }
}
