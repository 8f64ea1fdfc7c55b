import Foundation
import Testing
import SluiceCore
#if canImport(Glibc)
import Glibc
#endif

/// The monitoring loop with both real binaries on loopback, through labels and restarts: `sluice serve`
/// records traffic and accepts ground truth, `sluice run` judges the window; stopping and starting either
/// process loses no statistics, no label and no condition's `since`.
@Suite struct MonitorLoopTests {
    /// The iris rows (features, species), in file order.
    static func iris() throws -> [(features: [Double], species: String)] {
        let lines = try String(contentsOf: Sandbox.repository.appendingPathComponent("examples/data/iris.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        return lines.map { line in
            let cells = line.split(separator: ",")
            return (cells.prefix(4).map { Double($0)! }, String(cells[4]))
        }
    }

    /// One request of every iris row, features moved by `shift`, with the client's `id`.
    static func request(id: String, shift: Double) throws -> String {
        let rows = try iris()
        let data = rows.flatMap { $0.features.map { JSON.format($0 + shift) } }.joined(separator: ",")
        return #"{"id":"\#(id)","inputs":[{"name":"input-0","shape":[\#(rows.count),4],"datatype":"FP64","data":[\#(data)]}]}"#
    }

    static func startServe(_ s: Sandbox) throws -> (ControllerProcess, String) {
        let serve = try ControllerProcess(s, ["--repository", "deploy", "--port", "0", "--monitor-log-rows", "1",
                                              "--monitor-max-rows-per-second", "100000"], name: "serve", command: "serve")
        return (serve, "http://127.0.0.1:\(try serve.port())")
    }

    static func pointMonitor(_ s: Sandbox, at server: String) throws {
        try s.edit("manifests/iris.json") {
            $0.set("spec.monitor", ["server": .string(server), "interval": "1s", "window": "1h", "minSamples": 300, "persistFor": "0s",
                                    "performance": ["minLabels": 100]])
        }
    }

    @Test func labelsJoinAndRestartsOfServeAndControllerLoseNothing() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        var (serve, serveBase) = try Self.startServe(s)
        try Self.pointMonitor(s, at: serveBase)

        // 300 in-distribution rows under two client ids, then their labels (one request's before the
        // other's rows exist would also join: the join is at read time), then 600 shifted rows.
        #expect(try http("POST", "\(serveBase)/v2/models/iris/infer", body: try Self.request(id: "a", shift: 0)).status == 200)
        let rows = try Self.iris()
        let items = rows.enumerated().map { r, row in #"{"id":"a","row":\#(r),"truth":"\#(row.species)"}"# }
            + rows.enumerated().map { r, row in #"{"id":"b","row":\#(r),"truth":"\#(row.species)"}"# }
        let posted = try http("POST", "\(serveBase)/v2/models/iris/feedback", body: #"{"items":[\#(items.joined(separator: ","))]}"#)
        #expect(posted.status == 202, "\(posted.body)")
        #expect(try http("POST", "\(serveBase)/v2/models/iris/infer", body: try Self.request(id: "b", shift: 0)).status == 200)
        for k in 0..<4 {
            #expect(try http("POST", "\(serveBase)/v2/models/iris/infer", body: try Self.request(id: "s\(k)", shift: 10)).status == 200)
        }

        var run = try ControllerProcess(s, ["--interval", "30", "--listen", "127.0.0.1:0"])
        func monitor() -> JSON? {
            let out = (try? s.run("status", "--json").stdout) ?? ""
            return (try? JSONParser.parse(out).value)?["models"]?.arrayValue?.first { $0["name"] == "iris" }?["monitor"]
        }
        func drifted() -> JSON? {
            monitor()?["conditions"]?.arrayValue?.first { $0["reason"] == "FeatureDrift" && $0["breached"] == true }
        }
        #expect(waitUntil(timeout: 60) { drifted() != nil && monitor()?["report"]?["labelled"]?.intValue == 300 },
                "\(monitor() ?? .null)\n\(run.output)")
        let before = try #require(monitor())
        #expect(before["report"]?["rows"]?.intValue == 900, "\(before)")
        let live = try #require(before["report"]?["live"])
        #expect(live["metric"] == "accuracy" && live["labelled"]?.intValue == 300, "\(live)")
        let accuracy = try #require(live["value"]?.doubleValue)
        #expect(accuracy > 0.9 && accuracy <= 1, "labels joined to the rows the server answered: \(live)")
        let since = try #require(drifted()?["since"]?.stringValue)
        let checked = try #require(before["checkedAt"]?.stringValue)

        // Stop both; start both again (the server on a new port, which the manifest now names: changing
        // only spec.monitor trains nothing).
        #expect(run.signal(SIGTERM)?.status == 0, "\(run.output)")
        #expect(serve.signal(SIGTERM)?.status == 0, "\(serve.output)")
        (serve, serveBase) = try Self.startServe(s)
        try Self.pointMonitor(s, at: serveBase)
        #expect(try s.run("plan", "--detailed-exitcode").status == 0)
        run = try ControllerProcess(s, ["--interval", "30", "--listen", "127.0.0.1:0"], name: "controller2")
        // The restarted controller reads the restarted server: the same rows and labels, the same `since`.
        #expect(waitUntil(timeout: 60) {
            guard let m = monitor(), m["checkedAt"]?.stringValue != checked, m["problem"] == .null else { return false }
            return m["report"]?["rows"]?.intValue == 900 && m["report"]?["labelled"]?.intValue == 300 && drifted() != nil
        },
                "\(monitor() ?? .null)\n\(run.output)")
        #expect(drifted()?["since"]?.stringValue == since, "the breach's since survives the controller's restart")
        #expect(monitor()?["report"]?["live"]?["value"]?.doubleValue == accuracy)
        #expect(try s.history("iris")["versions"]?.arrayValue?.count == 1, "nothing was trained again")
        #expect(run.signal(SIGTERM)?.status == 0, "\(run.output)")
        #expect(serve.signal(SIGTERM)?.status == 0, "\(serve.output)")
    }
}
