import Foundation
import Testing
import SluiceCore

/// D8 (downloads) and issue 11: a dataset URL that drips, is too large or answers an error page
/// fails its own model, with a short reason, within the deadline; every other model is
/// reconciled, and different URLs are fetched at once.
@Suite struct DownloadLimitTests {
    @Test func slowAndOversizedURLsFailTheirModelsOnlyAndAreFetchedAtOnce() async throws {
        let s = try Sandbox()
        let server = try await DatasetServer(body: try s.read("examples/data/iris.csv"))
        // Four slow-drip URLs: fetched one after another they would take four deadlines.
        for i in 1...4 {
            try s.write("manifests/slow\(i).json", s.manifest(name: "slow\(i)", source: server.url("drip.csv?n=\(i)")))
        }
        try s.write("manifests/big.json", s.manifest(name: "big", source: server.url("big.csv")))
        try s.write("manifests/endless.json", s.manifest(name: "endless", source: server.url("endless.csv")))

        let start = Date()
        let apply = try s.run("apply", "--download-timeout", "5", "--download-max-size", "1M")
        let seconds = Date().timeIntervalSince(start)
        await server.stop()

        #expect(apply.status == 1, "\(apply.output)")
        #expect(seconds < 15, "four 5 s deadlines run at once, not one after another (\(seconds) s)")
        #expect(s.exists("deploy/iris/model.json"), "the local model is published: \(apply.output)")
        for i in 1...4 {
            #expect(apply.stdout.contains("slow\(i): failed: spec.dataset.source"), "\(apply.output)")
        }
        #expect(apply.stdout.contains("not complete after 5 s"), "\(apply.output)")
        #expect(apply.stdout.contains("it declares 200 MiB, more than the limit of 1.0 MiB; raise --download-max-size"), "\(apply.output)")
        #expect(apply.stdout.contains("endless.csv: it sent more than the limit of 1.0 MiB"), "\(apply.output)")
        #expect(!s.exists("deploy/slow1") && !s.exists("deploy/big"))
        // Nothing half-downloaded is left behind.
        let downloads = (try? FileManager.default.contentsOfDirectory(atPath: s.url(".sluice/downloads").path)) ?? []
        #expect(downloads.filter { $0.contains("tmp") }.isEmpty, "\(downloads)")
    }

    /// An error page for a dataset URL: the status and the page's title, not 40 KB of HTML, and no
    /// escape sequence. (Its own apply, without the slow URLs' 5 s deadline: on a loaded machine the
    /// 404 could arrive after it.)
    @Test func aDatasetURLsErrorPageIsSummarised() async throws {
        let s = try Sandbox()
        let server = try await DatasetServer(body: try s.read("examples/data/iris.csv"))
        try s.write("manifests/missing.json", s.manifest(name: "missing", source: server.url("missing.csv")))
        let apply = try s.run("apply")
        await server.stop()

        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.stdout.contains("HTTP 404: 404 Not Found [31m(nginx)"), "\(apply.output)")
        #expect(!apply.output.contains("padding"), "\(apply.output)")
        #expect(!apply.output.contains("\u{1B}"), "no terminal escape from a server reaches the screen")
        #expect(s.exists("deploy/iris/model.json"), "the local model is published: \(apply.output)")
    }

    /// The controller waits for a download only briefly: a stalled URL (here within a 5-minute
    /// deadline) holds back its own model, not the cycle; the others are published at once.
    @Test func theControllerReconcilesTheOtherModelsWhileADownloadIsUnderWay() async throws {
        let s = try Sandbox()
        let server = try await DatasetServer(body: try s.read("examples/data/iris.csv"))
        try s.write("manifests/slow.json", s.manifest(name: "slow", source: server.url("drip.csv")))
        let c = try ControllerProcess(s, ["--interval", "1", "--listen", "off"])
        #expect(waitUntil(timeout: 60) { s.exists("deploy/iris/model.json") }, "\(c.output)")
        #expect(waitUntil(timeout: 20) { c.output.contains("drip.csv is still downloading") }, "\(c.output)")
        #expect(!s.exists("deploy/slow"))
        #expect(c.signal(SIGTERM)?.status == 0, "\(c.output)")
        await server.stop()
    }

    /// A slow re-validation does not make a ready model flap to "still downloading": the copy it
    /// was trained from serves until the answer comes.
    @Test func aSlowRevalidationKeepsTheModelAsItIs() async throws {
        let s = try Sandbox()
        let server = try await DatasetServer(body: try s.read("examples/data/iris.csv"))
        try s.edit("manifests/iris.json") { $0.set("spec.dataset.source", .string(server.url("slow-revalidation.csv"))) }
        let c = try ControllerProcess(s, ["--interval", "0.5", "--listen", "off"])
        #expect(waitUntil(timeout: 60) { s.exists("deploy/iris/model.json") }, "\(c.output)")
        #expect(waitUntil(timeout: 30) { server.state.withLock { $0.notModified } >= 2 }, "\(c.output)")
        #expect(!c.output.contains("still downloading"), "\(c.output)")
        #expect(!c.output.contains("model failed"), "\(c.output)")
        #expect(server.state.withLock { $0.full } == 1)
        #expect(c.signal(SIGTERM)?.status == 0, "\(c.output)")
        await server.stop()
    }

    /// Issue 11 for deploy targets: an http target answering an HTML error page fails the model
    /// with the status and the page's title, not its markup or terminal escapes.
    @Test func anHTMLErrorPageFromADeployTargetIsSummarised() async throws {
        let s = try Sandbox()
        let server = try await DatasetServer(body: "")
        try s.edit("manifests/iris.json") { $0.set("spec.deploy", ["target": "http", "url": .string(server.url("missing.csv"))]) }
        let apply = try s.run("apply")
        await server.stop()
        #expect(apply.status == 1, "\(apply.output)")
        #expect(apply.output.contains("PUT \(server.url("missing.csv")): HTTP 404: 404 Not Found [31m(nginx)"), "\(apply.output)")
        #expect(!apply.output.contains("padding"), "\(apply.output)")
        #expect(!apply.output.contains("\u{1B}"))
    }

    @Test func theLimitsAreCheckedAndReadFromARunConfigFile() throws {
        let s = try Sandbox()
        let bad = try s.run("plan", "--download-max-size", "lots")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--download-max-size lots: expected a size such as 500M"), "\(bad.output)")
        let zero = try s.run("plan", "--download-timeout", "0")
        #expect(zero.status != 0)
        #expect(zero.stderr.contains("--download-timeout"), "\(zero.output)")
        try s.write("config.json", #"{"downloadTimeout": 0, "listen": "off"}"#)
        let run = try s.run("run", "--config", "config.json")
        #expect(run.status != 0, "\(run.output)")
        #expect(run.stderr.contains("--download-timeout 0.0: must be a positive number of seconds"), "\(run.output)")
    }
}
