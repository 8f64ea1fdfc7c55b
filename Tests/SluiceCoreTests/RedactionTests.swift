import Testing
import SluiceCore

/// One redaction for logs, errors, store records and `metadata.json` (D12).
@Suite struct RedactionTests {
    @Test(arguments: [
        ("http://alice:PWSECRET@example.com/data.csv", "http://***@example.com/data.csv"),
        ("https://ghp_TOKEN@github.com/org/repo.git", "https://***@github.com/org/repo.git"),
        ("https://s3.example.com/b/k.csv?X-Amz-Credential=AKIA&X-Amz-Date=20261130&X-Amz-Signature=SIGSECRET",
         "https://s3.example.com/b/k.csv?X-Amz-Credential=***&X-Amz-Date=20261130&X-Amz-Signature=***"),
        ("https://acct.blob.core.windows.net/c/d.csv?sv=2024&sp=r&sig=SAS#part", "https://acct.blob.core.windows.net/c/d.csv?sv=2024&sp=r&sig=***#part"),
        ("http://h/x?access_token=T&api_key=K&page=2&flag", "http://h/x?access_token=***&api_key=***&page=2&flag"),
        ("http://u:p@h:8080?token=T", "http://***@h:8080?token=***"),
        ("http://example.com/path@with-at", "http://example.com/path@with-at"),
        ("examples/data/iris.csv", "examples/data/iris.csv"),
        ("https://example.com/data.csv", "https://example.com/data.csv"),
    ])
    func urls(_ url: String, _ redacted: String) {
        #expect(Redaction.url(url) == redacted)
        #expect(Redaction.url(redacted) == redacted, "redacting twice changes nothing")
    }

    @Test func everyURLInATextIsRedacted() {
        let error = "git clone --quiet http://bob:GITSECRET@127.0.0.1:1/repo.git /tmp/x failed: fatal: unable to access 'http://bob:GITSECRET@127.0.0.1:1/repo.git/'"
        #expect(Redaction.text(error) == "git clone --quiet http://***@127.0.0.1:1/repo.git /tmp/x failed: fatal: unable to access 'http://***@127.0.0.1:1/repo.git/'")
        #expect(Redaction.text("no URL here: a@b, key=value") == "no URL here: a@b, key=value")
    }

    @Test func stringsInJSONAreRedactedKeysAreNot() {
        let inputs: JSON = ["dataset": ["source": "http://a:b@h/d.csv?sig=S", "target": "species"], "sig": 1]
        #expect(Redaction.json(inputs) == ["dataset": ["source": "http://***@h/d.csv?sig=***", "target": "species"], "sig": 1])
    }
}
