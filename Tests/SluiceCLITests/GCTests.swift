import Foundation
import Testing
import SluiceCore

/// D18: `sluice gc` keeps what published models and recent versions need, removes the rest
/// (and artifacts no version records), never touches history, and leaves the store consistent:
/// a collected version asked for again is trained again, byte for byte the same.
@Suite struct GCTests {
    func artifacts(_ s: Sandbox) -> [String] {
        let base = s.url(".sluice/artifacts/sha256").path
        let prefixes = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        return prefixes.flatMap { p in
            ((try? FileManager.default.contentsOfDirectory(atPath: "\(base)/\(p)")) ?? []).filter { !$0.hasPrefix(".") }
        }.sorted()
    }

    func deploy(_ s: Sandbox, trees: Int) throws {
        try s.write("manifests/iris.json", s.manifest(name: "iris", algorithm: "random_forest", params: ["nEstimators": .number(Double(trees))],
                                                      gate: ["accuracy": ["min": 0.3]], deploy: "deploy/iris"))
        let apply = try s.run("apply")
        #expect(apply.status == 0, "\(apply.output)")
    }

    @Test func gcKeepsThePublishedAndNewestVersionsAndACollectedVersionIsRetrainedIdentically() throws {
        let s = try Sandbox()
        for trees in 3...7 { try deploy(s, trees: trees) }
        #expect(try s.trainings("iris") == 5)
        #expect(artifacts(s).count == 5)
        let first = try #require(try s.history("iris")["versions"]?.arrayValue?.first { $0["inputs"]?["algorithm"]?["params"]?["nEstimators"] == 3 })
        let firstDigest = try #require(first["artifactDigest"]?.stringValue)
        // An artifact no version records (a process killed between writing it and recording it).
        let stray = String(repeating: "ab", count: 32)
        try s.write(".sluice/artifacts/sha256/ab/\(stray).json", "{}")

        let dry = try s.run("gc", "--keep", "2", "--dry-run")
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.stdout.contains("would remove 4 artifact(s)"), "\(dry.output)")
        #expect(dry.stdout.contains("recorded by no version"), "\(dry.output)")
        #expect(artifacts(s).count == 6, "a dry run removes nothing")

        let gc = try s.run("gc", "--keep", "2")
        #expect(gc.status == 0, "\(gc.output)")
        #expect(gc.stdout.contains("removed 4 artifact(s)"), "\(gc.output)")
        #expect(artifacts(s).count == 2)
        #expect(!artifacts(s).contains("\(firstDigest).json"))
        let published = SHA256.hex(of: try s.bytes("deploy/iris/model.json"))
        #expect(artifacts(s).contains("\(published).json"), "the published artifact stays")
        // History is whole, and says what gc did.
        let history = try s.history("iris")
        #expect(history["versions"]?.arrayValue?.count == 5)
        #expect(history["events"]?.arrayValue?.filter { $0["kind"] == "collected" }.count == 3)
        #expect(try s.run("plan", "--detailed-exitcode").status == 0, "nothing to do after gc")
        #expect(try s.run("gc", "--keep", "2").stdout.contains("removed 0 artifact(s)"))

        // Reverting to the first version: its artifact is gone, so it is trained again, identical.
        try s.write("manifests/iris.json", s.manifest(name: "iris", algorithm: "random_forest", params: ["nEstimators": 3],
                                                      gate: ["accuracy": ["min": 0.3]], deploy: "deploy/iris"))
        let plan = try s.run("plan")
        #expect(plan.stdout.contains("+ train"), "\(plan.output)")
        #expect(try s.run("apply").status == 0)
        #expect(SHA256.hex(of: try s.bytes("deploy/iris/model.json")) == firstDigest)
        #expect(artifacts(s).contains("\(firstDigest).json"))
        #expect(try s.run("plan", "--detailed-exitcode").status == 0)
    }

    @Test func gcRefusesToKeepNothing() throws {
        let s = try Sandbox()
        let r = try s.run("gc", "--keep", "0")
        #expect(r.status != 0)
        #expect(r.stderr.contains("--keep 0: keep at least 1"), "\(r.output)")
    }
}
