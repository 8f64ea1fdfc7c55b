import Foundation
import Testing
import SluiceCore

/// `sluice serve` recording what it answers, with the real binary over loopback: generated request ids,
/// feedback joined to logged rows, the monitor window, and a restart that loses nothing.
@Suite struct ServeMonitorTests {
    static let twoRows = #"{"inputs":[{"name":"input-0","shape":[2,4],"datatype":"FP64","data":[5.1,3.5,1.4,0.2,6.7,3.0,5.2,2.3]}]}"#

    @Test func aRestartOfServeLosesNoStatisticsAndLabelsStillJoin() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        var server = try ControllerProcess(s, ["--repository", "deploy", "--port", "0", "--monitor-log-rows", "1"], name: "serve", command: "serve")
        var base = "http://127.0.0.1:\(try server.port())"

        // No id given: the server makes one up and echoes it; the client labels the rows with it.
        let answer = try http("POST", "\(base)/v2/models/iris/infer", body: Self.twoRows)
        #expect(answer.status == 200, "\(answer.body)")
        let id = try #require(JSONParser.parse(Array(answer.body.utf8)).value["id"]?.stringValue)
        #expect(UUID(uuidString: id) != nil, "\(answer.body)")
        #expect(try http("POST", "\(base)/v2/models/iris/infer", body: Self.twoRows.replacingOccurrences(of: "{\"inputs\"", with: "{\"id\":\"mine\",\"inputs\"")).status == 200)
        let labels = #"{"items":[{"id":"\#(id)","row":0,"truth":"setosa"},{"id":"\#(id)","row":1,"truth":"setosa"},{"id":"later","truth":"setosa"}]}"#
        let accepted = try http("POST", "\(base)/v2/models/iris/feedback", body: labels)
        #expect(accepted.status == 202, "\(accepted.body)")
        #expect(accepted.body == #"{"accepted":3}"#)

        func window() throws -> JSON {
            let r = try http("GET", "\(base)/v2/models/iris/monitor?window=1h")
            #expect(r.status == 200, "\(r.body)")
            return try JSONParser.parse(Array(r.body.utf8)).value
        }
        let before = try window()
        #expect(before["stats"]?["rows"] == 4)
        #expect(before["report"]?["labelled"] == 2)
        #expect(before["unmatchedLabels"] == 1, "the label for \"later\" waits for its row")
        #expect(before["model"] == "iris")
        #expect(s.exists("deploy/.sluice-monitor/monitor.db"))

        #expect(server.signal(SIGTERM)?.status == 0, "\(server.output)")
        server = try ControllerProcess(s, ["--repository", "deploy", "--port", "0", "--monitor-log-rows", "1"], name: "serve2", command: "serve")
        base = "http://127.0.0.1:\(try server.port())"
        let after = try window()
        #expect(after["stats"] == before["stats"], "nothing counted before the restart is lost")
        // The label that came first joins the row that comes after the restart.
        #expect(try http("POST", "\(base)/v2/models/iris/infer", body: Self.twoRows.replacingOccurrences(of: "{\"inputs\"", with: "{\"id\":\"later\",\"inputs\"")).status == 200)
        let joined = try window()
        #expect(joined["stats"]?["rows"] == 6)
        #expect(joined["report"]?["labelled"] == 3)
        #expect(joined["unmatchedLabels"] == 0)
        // The monitor's directory is not a model, and the controller sees no drift from it.
        #expect(try JSONParser.parse(http("GET", "\(base)/v2/models/.sluice-monitor").body).value["error"] != nil)
        let plan = try s.run(["plan", "--detailed-exitcode"])
        #expect(plan.status == 0, "\(plan.output)")
        #expect(server.signal(SIGTERM)?.status == 0, "\(server.output)")
    }

    @Test func noMonitorRecordsNothing() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let server = try ControllerProcess(s, ["--repository", "deploy", "--port", "0", "--no-monitor"], name: "serve", command: "serve")
        let base = "http://127.0.0.1:\(try server.port())"
        let answer = try http("POST", "\(base)/v2/models/iris/infer", body: Self.twoRows)
        #expect(answer.status == 200)
        #expect(!answer.body.contains("\"id\""), "\(answer.body)")
        #expect(try http("GET", "\(base)/v2/models/iris/monitor").status == 404)
        #expect(server.signal(SIGTERM)?.status == 0)
        #expect(!s.exists("deploy/.sluice-monitor"))
    }
}
