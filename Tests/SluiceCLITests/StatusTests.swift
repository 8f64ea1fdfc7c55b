import Foundation
import Testing
import SluiceCore

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
