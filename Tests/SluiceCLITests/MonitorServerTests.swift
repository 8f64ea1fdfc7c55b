import Foundation
import Testing
import SluiceCore

/// `sluice monitor NAME` reading a running `sluice serve`'s window, and `sluice feedback import` posting
/// labels to it: the real binaries over loopback.
@Suite struct MonitorServerTests {
    /// A sandbox whose iris manifest deploys to a `sluice serve` that logs every row, applied.
    static func start(monitor: JSON? = nil) throws -> (Sandbox, ControllerProcess, String) {
        let s = try Sandbox()
        try FileManager.default.createDirectory(at: s.url("served"), withIntermediateDirectories: true)
        let server = try ControllerProcess(s, ["--repository", "served", "--port", "0", "--token-env", "SERVE_TOKEN",
                                               "--monitor-log-rows", "1", "--monitor-max-rows-per-second", "100000"],
                                           name: "serve", command: "serve", environment: ["SERVE_TOKEN": "t0ken"])
        let port = try server.port()
        try s.edit("manifests/iris.json") { m in
            m.set("spec.deploy", ["target": "http", "url": .string("http://127.0.0.1:\(port)/v2/repository/models/iris"), "tokenEnv": "IRIS_TOKEN"])
            if let monitor { m.set("spec.monitor", monitor) }
        }
        let applied = try s.run(["apply"], environment: ["IRIS_TOKEN": "t0ken"])
        #expect(applied.status == 0, "\(applied.output)")
        return (s, server, "http://127.0.0.1:\(port)")
    }

    /// The iris rows four times over (600), with their species, `sepal_length` moved by `shift`.
    static func rows(shift: Double = 0) throws -> [(features: [Double], species: String)] {
        let lines = try String(contentsOf: Sandbox.repository.appendingPathComponent("examples/data/iris.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let one = lines.map { l in ([Double(l[0])! + shift] + l[1...3].map { Double($0)! }, l[4]) }
        return one + one + one + one
    }

    /// Sends `rows` in requests of 100 rows, with ids `r0`, `r1`, …
    static func infer(_ base: String, _ rows: [(features: [Double], species: String)]) throws {
        for start in stride(from: 0, to: rows.count, by: 100) {
            let part = rows[start..<min(start + 100, rows.count)]
            let data = part.flatMap(\.features).map(JSON.format).joined(separator: ",")
            let body = #"{"id":"r\#(start / 100)","inputs":[{"name":"input-0","shape":[\#(part.count),4],"datatype":"FP64","data":[\#(data)]}]}"#
            let answer = try http("POST", "\(base)/v2/models/iris/infer", body: body)
            #expect(answer.status == 200, "\(answer.body)")
        }
    }

    @Test func inDistributionTrafficHoldsNoConditionAndImportedLabelsGiveLiveAccuracy() throws {
        let (s, server, base) = try Self.start()
        defer { _ = server.signal(SIGTERM) }
        let rows = try Self.rows()
        try Self.infer(base, rows)

        // The server is the model's http target; its window is judged against the served version's profile.
        let r = try s.run(["monitor", "iris", "--json"], environment: ["IRIS_TOKEN": "t0ken"])
        #expect(r.status == 0, "\(r.output)")
        let j = try JSONParser.parse(r.stdout).value
        #expect(j["rows"] == 600)
        #expect(j["labelled"] == 0)
        #expect(j["conditions"] == [])
        #expect(j["server"]?.stringValue == base)
        #expect(j["version"]?.stringValue == s.publishedVersion("served/iris"))
        #expect((86_400.0..<86_520).contains(j["window"]?["seconds"]?.doubleValue ?? 0), "24h, in whole buckets of the server")
        #expect(j["data"] == .null)

        // Labels from a warehouse: every line checked, then posted in chunks.
        var csv = "id,row,truth\n"
        for (i, row) in rows.enumerated() { csv += "r\(i / 100),\(i % 100),\(row.species)\n" }
        try s.write("labels.csv", csv)
        let imported = try s.run(["feedback", "import", "iris", "labels.csv", "--batch-size", "250"], environment: ["IRIS_TOKEN": "t0ken"])
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.stdout.contains("600 label(s) of 600 accepted by \(base) for iris in 3 request(s)"), "\(imported.output)")

        let labelled = try s.run(["monitor", "iris", "--window", "1h", "--json", "--html", "live.html"], environment: ["IRIS_TOKEN": "t0ken"])
        #expect(labelled.status == 0, "\(labelled.output)")
        let k = try JSONParser.parse(labelled.stdout).value
        #expect(k["labelled"] == 600)
        #expect(k["live"]?["metric"] == "accuracy")
        #expect((k["live"]?["value"]?.doubleValue ?? 0) > 0.9)
        #expect(k["live"]?["low"]?.doubleValue != nil)
        #expect((3_600.0..<3_720).contains(k["window"]?["seconds"]?.doubleValue ?? 0), "--window 1h")
        #expect((k["series"]?.arrayValue ?? []).contains { $0["live"]?.doubleValue != nil }, "\(k["series"]?.canonical() ?? "")")
        let page = try s.read("live.html")
        #expect(page.contains("<title>accuracy over the window</title>"), "the series chart")
        #expect(page.contains("the last 1h on \(base)"))

        let text = try s.run(["monitor", "iris", "--server", base])
        #expect(text.status == 0, "\(text.output)")
        #expect(text.stdout.contains("600 rows, 600 labelled"), "\(text.stdout)")
        #expect(text.stdout.contains("live accuracy: "), "\(text.stdout)")
    }

    @Test func shiftedTrafficIsDriftedNamingTheFeatureWithExitThree() throws {
        let (s, server, base) = try Self.start(monitor: ["drift": ["share": 0.25]])
        defer { _ = server.signal(SIGTERM) }
        try Self.infer(base, try Self.rows(shift: 1.5))
        let r = try s.run(["monitor", "iris"], environment: ["IRIS_TOKEN": "t0ken"])
        #expect(r.status == 3, "\(r.output)")
        #expect(r.stdout.contains("Drifted (FeatureDrift): feature drift: sepal_length (PSI "), "\(r.stdout)")
        #expect(r.stdout.contains("1 of 4 features"), "\(r.stdout)")
    }

    @Test func aModelTheServerDoesNotServeAndAVersionTheStoreDoesNotHoldAreErrors() throws {
        let (s, server, base) = try Self.start()
        defer { _ = server.signal(SIGTERM) }
        try Self.infer(base, Array(try Self.rows().prefix(100)))

        let unknown = try s.run("monitor", "setosa", "--server", base)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("HTTP 404"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("the server does not serve setosa"), "\(unknown.stderr)")

        // Another store, whose iris is another version: it cannot judge the server's rows.
        let other = try Sandbox()
        try other.edit("manifests/iris.json") { $0.set("spec.algorithm.params.nEstimators", 7) }
        #expect(try other.run("apply").status == 0)
        let foreign = try other.run("monitor", "iris", "--server", base)
        #expect(foreign.status == 1)
        #expect(foreign.stderr.contains("reports rows of iris version \(String(s.publishedVersion("served/iris")!.prefix(12)))"), "\(foreign.stderr)")
        #expect(foreign.stderr.contains("which this store does not hold"), "\(foreign.stderr)")

        // A feedback chunk the server refuses: exit 1, saying what was accepted before it.
        try s.write("bad.csv", "id,truth\nr0,setosa\nr0x,setosa\n")
        let refused = try s.run(["feedback", "import", "iris", "bad.csv", "--server", base + "/nowhere"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("bad.csv lines 2–3"), "\(refused.stderr)")
        #expect(refused.stderr.contains("HTTP 404"), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was accepted"), "\(refused.stderr)")
    }
}

extension MonitorServerTests {
    @Test func labelsWithoutALoggedRowAreReportedAsUnmatched() throws {
        let (s, server, base) = try Self.start()
        defer { _ = server.signal(SIGTERM) }
        try Self.infer(base, Array(try Self.rows().prefix(100)))
        // A file with a bad line sends nothing, not even its good lines.
        try s.write("bad.csv", "id,row,truth\nr0,0,setosa\nr0,one,setosa\n")
        let refused = try s.run(["feedback", "import", "iris", "bad.csv", "--server", base])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("bad.csv:3: column \"row\": \"one\" is not a row index"), "\(refused.stderr)")
        let before = try JSONParser.parse(try s.run(["monitor", "iris", "--server", base, "--json"]).stdout).value
        #expect(before["labelled"] == 0)
        #expect(before["unmatchedLabels"] == 0)

        try s.write("labels.csv", "id,row,truth\nr0,0,setosa\nnever-served,0,setosa\nnever-served,1,virginica\n")
        let imported = try s.run(["feedback", "import", "iris", "labels.csv", "--server", base])
        #expect(imported.stdout.contains("3 label(s) of 3 accepted"), "\(imported.output)")
        let r = try s.run(["monitor", "iris", "--server", base])
        #expect(r.stdout.contains("100 rows, 1 labelled"), "\(r.stdout)")
        #expect(r.stdout.contains("2 label(s) on the server match no logged row"), "\(r.stdout)")
        let j = try JSONParser.parse(try s.run(["monitor", "iris", "--server", base, "--json"]).stdout).value
        #expect(j["unmatchedLabels"] == 2)
        #expect(j["dropped"] == 0)
    }
}
