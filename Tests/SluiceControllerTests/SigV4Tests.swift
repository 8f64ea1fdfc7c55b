import Foundation
import Testing
import SluiceCore
@testable import SluiceController

/// AWS Signature Version 4 against AWS's published examples: S3's "Signature Calculations for
/// the Authorization Header" (GET and PUT object, GET bucket lifecycle and list) and cases of
/// the aws-sig-v4-test-suite (service `service`).
@Suite struct SigV4Tests {
    /// The S3 examples' key, time and host.
    static let s3Credentials = S3Credentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let s3Date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
    static let s3Host = "examplebucket.s3.amazonaws.com"

    /// The test suite's key and time.
    static let suiteCredentials = S3Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    static let suiteScope = SigV4.Scope(region: "us-east-1", service: "service")

    @Test func theAmzDateIsUTCInBasicFormat() {
        #expect(SigV4.amzDate(Self.s3Date) == "20130524T000000Z")
        #expect(SigV4.amzDate(Self.suiteDate) == "20150830T123600Z")
    }

    @Test func s3GetObjectExample() {
        let request = SigV4.Request(method: "GET", path: "/test.txt", headers: [
            ("Host", Self.s3Host), ("Range", "bytes=0-9"), ("x-amz-content-sha256", SigV4.emptyPayloadHash), ("x-amz-date", "20130524T000000Z"),
        ], payloadHash: SigV4.emptyPayloadHash)
        let signed = SigV4.sign(request, credentials: Self.s3Credentials, scope: SigV4.Scope(region: "us-east-1"), date: Self.s3Date)
        #expect(SHA256.hex(of: SigV4.canonicalRequest(request).text) == "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
        #expect(signed.authorization == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    /// The key `test$file.text` is encoded once (`%24`), and the body's hash is signed.
    @Test func s3PutObjectExample() {
        let body = Array("Welcome to Amazon S3.".utf8)
        let hash = SHA256.hex(of: body)
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let request = SigV4.Request(method: "PUT", path: "/" + SigV4.uriEncode("test$file.text", slash: false), headers: [
            ("Host", Self.s3Host), ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-date", "20130524T000000Z"),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"), ("x-amz-content-sha256", hash),
        ], payloadHash: hash)
        let signed = SigV4.sign(request, credentials: Self.s3Credentials, scope: SigV4.Scope(region: "us-east-1"), date: Self.s3Date)
        #expect(request.path == "/test%24file.text")
        #expect(signed.signedHeaders == "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class")
        #expect(signed.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test(arguments: [
        ([("lifecycle", "")], "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
        ([("prefix", "J"), ("max-keys", "2")], "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
    ])
    func s3BucketExamplesWithQueries(_ query: [(String, String)], _ expected: String) {
        let request = SigV4.Request(method: "GET", path: "/", query: query.map { (name: $0.0, value: $0.1) }, headers: [
            ("host", Self.s3Host), ("x-amz-content-sha256", SigV4.emptyPayloadHash), ("x-amz-date", "20130524T000000Z"),
        ], payloadHash: SigV4.emptyPayloadHash)
        #expect(SigV4.sign(request, credentials: Self.s3Credentials, scope: SigV4.Scope(region: "us-east-1"), date: Self.s3Date).signature == expected)
    }

    /// aws-sig-v4-test-suite: get-vanilla, get-vanilla-query-order-key (sorted by name, then
    /// value), get-header-value-trim (spaces collapsed), get-utf8 and get-space (the path
    /// encoded once, as S3 does), post-vanilla, post-sts-header-before (the session token signed).
    @Test(arguments: [
        ("GET", "/", [(String, String)](), [(String, String)](), "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ("GET", "/", [("Param1", "value2"), ("Param1", "Value1")], [], "host;x-amz-date", "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1"),
        ("GET", "/", [], [("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")], "host;my-header1;my-header2;x-amz-date",
         "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        ("GET", "/ሴ", [], [], "host;x-amz-date", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        ("GET", "/example space/", [], [], "host;x-amz-date", "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
        ("POST", "/", [], [("X-Amz-Security-Token", "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==")],
         "host;x-amz-date;x-amz-security-token", "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"),
    ])
    func testSuite(_ method: String, _ path: String, _ query: [(String, String)], _ headers: [(String, String)], _ signedHeaders: String,
                   _ signature: String) {
        let request = SigV4.Request(method: method, path: SigV4.uriEncode(path, slash: false), query: query.map { (name: $0.0, value: $0.1) },
                                    headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")] + headers.map { (name: $0.0, value: $0.1) },
                                    payloadHash: SigV4.emptyPayloadHash)
        let signed = SigV4.sign(request, credentials: Self.suiteCredentials, scope: Self.suiteScope, date: Self.suiteDate)
        #expect(signed.authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=\(signedHeaders), Signature=\(signature)")
    }

    @Test func theStringToSignOfTheQueryOrderCase() {
        let request = SigV4.Request(method: "GET", path: "/", query: [("Param1", "value2"), ("Param1", "Value1")],
                                    headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")], payloadHash: SigV4.emptyPayloadHash)
        let canonical = SigV4.canonicalRequest(request).text
        #expect(canonical == "GET\n/\nParam1=Value1&Param1=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SigV4.stringToSign(canonicalRequest: canonical, amzDate: "20150830T123600Z", credentialScope: "20150830/us-east-1/service/aws4_request")
                == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89")
    }

    @Test(arguments: [
        ("data/iris.csv", false, "data/iris.csv"),
        ("a b/c+d.csv", false, "a%20b/c%2Bd.csv"),
        ("ü/ሴ.csv", false, "%C3%BC/%E1%88%B4.csv"),
        ("a//b/./c", false, "a//b/./c"),
        ("-_.~!*'()$&=;:@,?#[]%", false, "-_.~%21%2A%27%28%29%24%26%3D%3B%3A%40%2C%3F%23%5B%5D%25"),
        ("a/b c", true, "a%2Fb%20c"),
    ])
    func uriEncoding(_ text: String, _ slash: Bool, _ encoded: String) {
        #expect(SigV4.uriEncode(text, slash: slash) == encoded)
    }

    @Test func hmacIsRFC4231TestCase2() {
        let mac = HMACSHA256.mac(key: Array("Jefe".utf8), text: "what do ya want for nothing?")
        #expect(HMACSHA256.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func credentialsDescribeThemselvesWithoutTheSecret() {
        let c = S3Credentials(accessKeyId: "AKIAX", secretAccessKey: "SECRETVALUE", sessionToken: "TOKENVALUE")
        #expect("\(c)" == "access key AKIAX")
    }
}
