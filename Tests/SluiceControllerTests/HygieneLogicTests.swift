import Foundation
import Testing
import SluiceCore
@testable import SluiceController

/// The pure parts of issue 11's fetch messages and D18's hygiene: no I/O.
@Suite struct HygieneLogicTests {
    @Test func errorPagesBecomeTheirStatusAndAShortPrintableExcerpt() {
        let page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>" + String(repeating: "<p>x</p>", count: 5000) + "</body></html>"
        #expect(FetchMessages.httpError(status: 502, body: Array(page.utf8), contentType: "text/html") == "HTTP 502: 502 Bad Gateway")
        let untitled = "<html><script>alert('no')</script><style>p{}</style><h1>Access &amp; denied</h1>\n\n<p>ask   the admin</p></html>"
        #expect(FetchMessages.excerpt(Array(untitled.utf8), contentType: nil) == "Access & denied ask the admin")
        let escape = "bad \u{1B}[2J\u{1B}]0;title\u{07} request"
        #expect(!FetchMessages.excerpt(Array(escape.utf8), contentType: "text/plain").contains("\u{1B}"))
        let long = String(repeating: "word ", count: 200)
        #expect(FetchMessages.excerpt(Array(long.utf8), contentType: "text/plain").count == FetchMessages.excerptLength + 1)
        #expect(FetchMessages.httpError(status: 503, body: Array("upstream is down\n".utf8), contentType: "text/plain") == "HTTP 503: upstream is down")
        #expect(FetchMessages.httpError(status: 500, body: [], contentType: nil) == "HTTP 500")
    }

    @Test func foundationErrorsAreNamedByTheirReason() {
        #expect(FetchMessages.reason(NSError(domain: NSURLErrorDomain, code: NSURLErrorCannotConnectToHost)) == "connection refused")
        #expect(FetchMessages.reason(NSError(domain: NSURLErrorDomain, code: NSURLErrorTimedOut)).contains("timed out"))
        let write = NSError(domain: NSCocoaErrorDomain, code: 512, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))])
        #expect(FetchMessages.reason(write) == String(cString: strerror(ENOSPC)))
        #expect(FetchMessages.reason(NSError(domain: NSCocoaErrorDomain, code: 512)) == "the file could not be written")
        #expect(!FetchMessages.reason(NSError(domain: NSCocoaErrorDomain, code: 512)).contains("512"))
    }

    @Test func temporaryFileNamesAndOrphans() {
        #expect(TemporaryFiles.writer(of: ".model.json.tmp-1234-99") == 1234)
        #expect(TemporaryFiles.writer(of: ".metadata.json.tmp-7-0") == 7)
        #expect(TemporaryFiles.writer(of: ".sluice-probe-42-4294967295") == 42)
        #expect(TemporaryFiles.writer(of: ".download.tmp-5-6") == 5)
        #expect(TemporaryFiles.writer(of: "model.json.tmp-1-2") == nil, "not hidden: not Sluice's")
        #expect(TemporaryFiles.writer(of: ".model.json") == nil)
        #expect(TemporaryFiles.writer(of: ".notes-1-2") == nil)
        #expect(TemporaryFiles.writer(of: ".x.tmp-abc-2") == nil)
        #expect(TemporaryFiles.isOrphan(age: 600, writer: 5, alive: false, ourPID: 1))
        #expect(!TemporaryFiles.isOrphan(age: 10, writer: 5, alive: false, ourPID: 1), "within the grace period")
        #expect(!TemporaryFiles.isOrphan(age: 600, writer: 5, alive: true, ourPID: 1), "its writer runs")
        #expect(TemporaryFiles.isOrphan(age: 2 * 86400, writer: 5, alive: true, ourPID: 1), "stale: the PID was reused")
        #expect(!TemporaryFiles.isOrphan(age: 2 * 86400, writer: 1, alive: true, ourPID: 1), "never our own")
    }

    static func version(_ model: String, _ id: String, digest: String, at t: Double) -> VersionRecord {
        VersionRecord(model: model, id: id, artifactDigest: digest, inputs: [:], manifestDigest: "m", manifestFile: "f", dataDigest: "d",
                      testDigest: nil, metrics: [:], evaluation: .null, trainSeconds: 0, trainedAt: Date(timeIntervalSince1970: t), revision: nil)
    }

    @Test func collectionKeepsPublishedAndNewestAndRemovesTheRest() {
        let versions = [
            Self.version("a", "a1", digest: "d1", at: 1), Self.version("a", "a2", digest: "d2", at: 2), Self.version("a", "a3", digest: "d3", at: 3),
            Self.version("b", "b1", digest: "d1", at: 1),  // shares an artifact with a1
            Self.version("b", "b2", digest: "d4", at: 5),
        ]
        let stored: [String: Int64] = ["d1": 10, "d2": 20, "d3": 30, "d4": 40, "orphan": 5]
        let gc = GarbageCollection.plan(stored: stored, versions: versions, published: ["d2"], keep: 1)
        #expect(gc.removals.map(\.digest) == ["d1", "orphan"])
        #expect(gc.removals.first?.versions.map(\.description) == ["a/a1", "b/b1"])
        #expect(gc.removals.last?.versions.map(\.description) == [])
        #expect(gc.bytes == 15)
        #expect(gc.kept == ["d2": .published, "d3": .newest, "d4": .newest])
        let all = GarbageCollection.plan(stored: stored, versions: versions, published: [], keep: 5)
        #expect(all.removals.map(\.digest) == ["orphan"])
    }
}
