import Foundation
import Testing
import SluiceCore
import SluiceController
import SluiceMonitor
import SluiceReconcile

/// `sluice status` reports what the store recorded, and read-only commands never create a store.
@Suite struct StatusTests {
    @Test func statusShowsWhatApplyRecordedNotANewPlanFromLocalFiles() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let version = try #require(try s.history("iris")["versions"]?.arrayValue?.first?["version"]?.stringValue)
        // A local edit nobody has applied: a new plan would call the model pending.
        try s.edit("manifests/iris.json") { $0.set("spec.algorithm.params.nEstimators", 7) }
        let status = try JSONParser.parse(try s.run("status", "--json").stdout).value
        let iris = try #require(status["models"]?.arrayValue?.first { $0["name"] == "iris" })
        #expect(iris["condition"] == "ready", "\(iris)")
        #expect(iris["published"]?["version"]?.stringValue == version)
        #expect(iris["since"]?.stringValue != nil && iris["checkedAt"]?.stringValue != nil)
    }

    @Test func statusFromAnotherDirectoryWithStoreShowsTheRecordedFailure() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        try s.remove("examples/data/iris.csv")
        #expect(try s.run("apply").status == 1)
        let elsewhere = try Sandbox(shipped: false)
        let r = try elsewhere.run("status", "--store", "sqlite:" + s.url(".sluice/state.db").path)
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("iris  failed"), "\(r.output)")
        #expect(r.stdout.contains("examples/data/iris.csv"), "the recorded message: \(r.output)")
        #expect(r.stdout.contains("stays in service"), "\(r.output)")
    }

    /// The issue's case: a controller on a git source is ready, and `status` (run where the
    /// controller's root has no manifests) must say so rather than plan from local files.
    @Test func statusOfAControllerOnAGitSourceIsWhatTheControllerRecorded() throws {
        let up = try Sandbox()
        try up.commitAll()
        let ctl = try Sandbox(shipped: false)
        let c = try ControllerProcess(ctl, ["--git", up.root.path, "--branch", "main", "--path", "manifests", "--interval", "0.3", "--listen", "off"])
        func condition() -> String? {
            let out = (try? ctl.run("status", "--json").stdout) ?? ""
            return (try? JSONParser.parse(out).value)?["models"]?.arrayValue?.first?["condition"]?.stringValue
        }
        #expect(waitUntil(timeout: 60) { condition() == "ready" }, "\(c.output)")
        let status = try ctl.run("status")
        #expect(status.stdout.contains("iris  ready"), "\(status.output)")
        let revision = try JSONParser.parse(try ctl.run("status", "--json").stdout).value["models"]?.arrayValue?.first?["revision"]?.stringValue
        #expect(revision?.isEmpty == false, "the revision the controller reconciled")
        #expect(c.signal(SIGTERM)?.status == 0)
    }

    @Test func statusShowsTheMonitorConditionsTheControllerRecorded() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let store = try SQLiteStore(path: s.url(".sluice/state.db").path)
        let since = Date(timeIntervalSince1970: 1_767_225_600)
        try store.recordMonitor(MonitorState(
            model: "iris", version: "v1", checkedAt: since.addingTimeInterval(3_600),
            conditions: [.init(condition: MonitorCondition(kind: .drifted, reason: .featureDrift, message: "feature drift: petal_width (PSI 0.42) at or above 0.2, 1 of 4 features",
                                                           features: ["petal_width"]), since: since, breached: true)],
            report: #"{"rows": 800}"#), events: [])
        let text = try s.run("status")
        #expect(text.status == 0, "\(text.output)")
        #expect(text.stdout.contains("monitor: Drifted (FeatureDrift) breach since 2026-01-01T00:00:00Z: feature drift: petal_width (PSI 0.42)"), "\(text.output)")
        let json = try JSONParser.parse(try s.run("status", "--json").stdout).value
        let monitor = try #require(json["models"]?.arrayValue?.first { $0["name"] == "iris" }?["monitor"])
        let condition = try #require(monitor["conditions"]?.arrayValue?.first)
        #expect(condition["type"] == "Drifted" && condition["breached"] == true, "\(monitor)")
        #expect(condition["since"] == "2026-01-01T00:00:00Z")
        #expect(condition["features"] == ["petal_width"])
        #expect(monitor["problem"] == .null && monitor["report"]?["rows"] == 800)

        // A check that could not judge says why.
        try store.recordMonitor(MonitorState(model: "iris", version: nil, checkedAt: since, problem: "GET http://127.0.0.1:1/v2/models/iris/monitor: connection refused"), events: [])
        let refused = try s.run("status")
        #expect(refused.stdout.contains("monitor: cannot judge (checked 2026-01-01T00:00:00Z): GET http://127.0.0.1:1/v2/models/iris/monitor: connection refused"), "\(refused.output)")
    }

    @Test func readOnlyCommandsNeverCreateAStore() throws {
        let s = try Sandbox()
        let status = try s.run("status")
        #expect(status.status == 0, "\(status.output)")
        #expect(status.stdout.contains("No store at \(s.url(".sluice/state.db").path) yet"), "\(status.output)")
        let plan = try s.run("plan", "--detailed-exitcode")
        #expect(plan.status == 2, "a first plan trains: \(plan.output)")
        #expect(plan.stdout.contains("train"), "\(plan.output)")
        #expect(try s.run("validate").status == 0)
        let history = try s.run("history", "iris")
        #expect(history.status == 1)
        #expect(history.stderr.contains("no store at"), "\(history.output)")
        let predict = try s.run("predict", "iris", stdin: "{}")
        #expect(predict.status == 1)
        #expect(predict.stderr.contains("no store at"), "\(predict.output)")
        #expect(!s.exists(".sluice"), "no store directory was created")

        // Reading an existing store leaves it as it was.
        #expect(try s.run("apply").status == 0)
        let before = try s.bytes(".sluice/state.db")
        #expect(try s.run("status").status == 0)
        #expect(try s.run("plan").status == 0)
        #expect(try s.run("history", "iris").status == 0)
        #expect(try s.bytes(".sluice/state.db") == before)
    }
}
