import Foundation
import Testing
import SluiceController
import SluiceCore

/// `sluice monitor NAME --data FILE.csv`: a batch file judged against the reference profile frozen in the
/// artifact of the version in service, with the real binary in a sandbox repository.
@Suite struct MonitorDataTests {
    /// The shipped iris rows, `copies` times over (600 rows for 4): the training distribution itself.
    static func irisRows(copies: Int = 4, labelled: Bool, shift: (column: String, by: Double)? = nil) throws -> String {
        let lines = try String(contentsOf: Sandbox.repository.appendingPathComponent("examples/data/iris.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        let keep = labelled ? header.indices.map { $0 } : header.indices.filter { header[$0] != "species" }
        let shifted = shift.flatMap { s in header.firstIndex(of: s.column) }
        var out = keep.map { header[$0] }.joined(separator: ",") + "\n"
        for _ in 0..<copies {
            for row in lines.dropFirst() {
                out += keep.map { i in
                    guard i == shifted, let d = Double(row[i]) else { return row[i] }
                    return JSON.format(d + shift!.by)
                }.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    static func report(_ r: Sandbox.Result) throws -> JSON { try JSONParser.parse(r.stdout).value }

    @Test func inDistributionRowsHoldNoConditionAndExitZero() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        try s.write("data/batch.csv", try Self.irisRows(labelled: false))
        let r = try s.run("monitor", "iris", "--data", "data/batch.csv")
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("600 rows of data/batch.csv; 600 rows, 0 labelled"), "\(r.stdout)")
        #expect(r.stdout.contains("no condition holds"), "\(r.stdout)")
        #expect(r.stdout.contains("petal_length"), "\(r.stdout)")

        let j = try Self.report(try s.run("monitor", "iris", "--data", "data/batch.csv", "--json"))
        #expect(j["rows"] == 600)
        #expect(j["labelled"] == 0)
        #expect(j["conditions"] == [])
        #expect(j["data"] == "data/batch.csv")
        #expect(j["version"]?.stringValue?.count == 64)
        for f in j["features"]?.arrayValue ?? [] {
            #expect(f["level"] == "ok", "\(f.canonical())")
            #expect((f["psi"]?.doubleValue ?? 1) < 0.1, "\(f.canonical())")
        }
        #expect((j["prediction"]?["psi"]?.doubleValue ?? 1) < 0.1)
        #expect(j["estimate"]?["accuracy"]?.doubleValue != nil, "a classifier has a label-free estimate")
    }

    @Test func oneShiftedColumnIsDriftedNamingItAndExitsThree() throws {
        let s = try Sandbox()
        // Two features, so that one in breach is the policy's share (0.5) of them.
        try s.edit("manifests/iris.json") { $0.set("spec.dataset.features", ["sepal_length", "petal_width"]) }
        #expect(try s.run("apply").status == 0)
        try s.write("data/shifted.csv", try Self.irisRows(labelled: false, shift: ("sepal_length", 1.5)))
        let r = try s.run("monitor", "iris", "--data", "data/shifted.csv")
        #expect(r.status == 3, "\(r.output)")
        #expect(r.stdout.contains("Drifted (FeatureDrift): feature drift: sepal_length (PSI "), "\(r.stdout)")

        let j = try Self.report(try s.run("monitor", "iris", "--data", "data/shifted.csv", "--json"))
        let drifted = j["conditions"]?.arrayValue?.filter { $0["reason"] == "FeatureDrift" } ?? []
        #expect(drifted.count == 1)
        #expect(drifted.first?["type"] == "Drifted")
        #expect(drifted.first?["features"] == ["sepal_length"])
        let levels = Dictionary(uniqueKeysWithValues: (j["features"]?.arrayValue ?? []).map { ($0["name"]!.stringValue!, $0["level"]!.stringValue!) })
        #expect(levels == ["sepal_length": "breach", "petal_width": "ok"])
    }

    @Test func aTargetColumnGivesTheLiveMetricWithItsInterval() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        try s.write("data/labelled.csv", try Self.irisRows(labelled: true))
        let r = try s.run("monitor", "iris", "--data", "data/labelled.csv", "--json")
        #expect(r.status == 0, "\(r.output)")
        let j = try Self.report(r)
        #expect(j["labelled"] == 600)
        #expect(j["live"]?["metric"] == "accuracy")
        #expect(j["live"]?["labelled"] == 600)
        let value = j["live"]?["value"]?.doubleValue ?? 0, low = j["live"]?["low"]?.doubleValue ?? 1, high = j["live"]?["high"]?.doubleValue ?? 0
        #expect(value > 0.9 && low < value && value <= high && high <= 1, "\(j["live"]!.canonical())")
        #expect(j["metric"]?["test"]?.doubleValue != nil)

        let text = try s.run("monitor", "iris", "--data", "data/labelled.csv")
        #expect(text.stdout.contains("live accuracy: "), "\(text.stdout)")
        #expect(text.stdout.contains("(95 % interval "), "\(text.stdout)")
        #expect(text.stdout.contains("on 600 labelled rows; test "), "\(text.stdout)")
    }

    @Test func unknownTruthLabelsCountAsWrong() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let rows = try Self.irisRows(copies: 1, labelled: true).replacingOccurrences(of: ",setosa\n", with: ",rose\n")
        try s.write("data/roses.csv", rows)
        let j = try Self.report(try s.run("monitor", "iris", "--data", "data/roses.csv", "--json"))
        #expect(j["labelled"] == 150)
        let value = j["live"]?["value"]?.doubleValue ?? 1
        #expect(value <= 100.0 / 150.0, "50 setosa rows labelled with a class the model does not know are wrong: \(value)")
    }

    @Test func htmlPageHasAChartPerChartedFeatureAndThePredictions() throws {
        let s = try Sandbox()
        try s.edit("manifests/iris.json") { $0.set("spec.dataset.features", ["sepal_length", "petal_width"]) }
        #expect(try s.run("apply").status == 0)
        try s.write("data/shifted.csv", try Self.irisRows(labelled: false, shift: ("sepal_length", 1.5)))
        let r = try s.run("monitor", "iris", "--data", "data/shifted.csv", "--html", "report.html")
        #expect(r.status == 3, "\(r.output)")
        let page = try s.read("report.html")
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.contains("<script"), "no script in the page")
        #expect(page.components(separatedBy: "<svg").count - 1 == 2, "sepal_length (in breach) and the predictions")
        #expect(page.contains("<title>sepal_length: PSI"))
        #expect(page.contains("Drifted</b> (FeatureDrift)"))
    }
}

extension MonitorDataTests {
    @Test func theManifestsSpecMonitorSetsTheThresholdsAndTheServer() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        try s.write("data/shifted.csv", try Self.irisRows(copies: 1, labelled: false, shift: ("sepal_length", 1.5)))
        // The defaults: 150 rows are too few to judge drift (500).
        let defaults = try Self.report(try s.run("monitor", "iris", "--data", "data/shifted.csv", "--json"))
        #expect(defaults["conditions"]?.arrayValue?.map { $0["reason"] } == ["TooFewRows"])
        // spec.monitor: judged from 100 rows, one feature of four is enough. Changing it retrains nothing.
        try s.edit("manifests/iris.json") { $0.set("spec.monitor", ["server": "http://127.0.0.1:9", "minSamples": 100, "drift": ["share": 0.25]]) }
        let r = try s.run("monitor", "iris", "--data", "data/shifted.csv")
        #expect(r.status == 3, "\(r.output)")
        #expect(r.stdout.contains("Drifted (FeatureDrift): feature drift: sepal_length (PSI "), "\(r.stdout)")
        #expect(r.stdout.contains("1 of 4 features"), "\(r.stdout)")
        // Without --data, spec.monitor.server is the server asked.
        let unreachable = try s.run("monitor", "iris")
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr.contains("cannot reach the server: GET http://127.0.0.1:9/v2/models/iris/monitor?window=24h"), "\(unreachable.stderr)")
    }

    @Test func theGatesMetricIsWatchedWithoutSpecMonitor() throws {
        let s = try Sandbox()
        try s.edit("manifests/iris.json") { $0.set("spec.gate", ["f1_macro": ["min": 0.5]]) }
        #expect(try s.run("apply").status == 0)
        try s.write("data/labelled.csv", try Self.irisRows(copies: 1, labelled: true))
        let j = try Self.report(try s.run("monitor", "iris", "--data", "data/labelled.csv", "--json"))
        #expect(j["metric"]?["name"] == "f1_macro")
        #expect(j["live"]?["metric"] == "f1_macro")
    }

    @Test func aModelNoManifestDeclaresIsJudgedWithTheDefaultsAndAWarning() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        try s.write("data/batch.csv", try Self.irisRows(copies: 1, labelled: false))
        let r = try s.run("monitor", "iris", "--data", "data/batch.csv", "--manifests", "elsewhere")
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stderr.contains("warning: no valid manifest in elsewhere/ declares iris; judging with the default thresholds"), "\(r.stderr)")
    }
}

extension MonitorDataTests {
    @Test func aVersionTrainedBeforeMonitoringSaysToRetrainIt() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        // The in-service artifact as an engine before monitoring wrote it: format 2, no "reference", stored
        // as another version of iris.
        let store = try SQLiteStore(path: s.url(".sluice/state.db").path)
        let current = try #require(try store.versions(model: "iris").first)
        var artifact = try JSONParser.parse(try store.artifact(current.artifactDigest)).value
        #expect(artifact["reference"] != nil)
        artifact.set("formatVersion", 2)
        guard case .object(var fields) = artifact else { Issue.record("an artifact is an object"); return }
        fields["reference"] = nil
        let old = JSON.object(fields).canonicalBytes()
        var record = current
        record.id = String(repeating: "0", count: 64)
        record.artifactDigest = try store.putArtifact(old)
        try store.recordVersion(record)

        try s.write("data/batch.csv", try Self.irisRows(copies: 1, labelled: false))
        let r = try s.run("monitor", "iris", "--data", "data/batch.csv", "--version", "000000")
        #expect(r.status == 1, "\(r.output)")
        #expect(r.stderr.contains("version 000000000000 of iris was trained before monitoring and has no reference profile to compare with; retrain it"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        // The version in service has its profile.
        #expect(try s.run("monitor", "iris", "--data", "data/batch.csv").status == 0)
    }
}
