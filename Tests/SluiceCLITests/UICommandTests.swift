import Foundation
import Testing
import SluiceCore

/// `sluice ui`: the real binary serving the pages over a real SQLite store made by `sluice apply`,
/// over real HTTP on 127.0.0.1.
@Suite struct UICommandTests {
    @Test func servesThePagesOverAStoreReadOnlyAndStopsOnSIGTERM() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let before = try s.bytes(".sluice/state.db")
        let ui = try ControllerProcess(s, ["--listen", "127.0.0.1:0"], name: "ui", command: "ui")
        let base = "http://127.0.0.1:\(try ui.port())"

        let models = try http("GET", base + "/ui")
        #expect(models.status == 200, "\(ui.output)")
        #expect(models.headers["content-type"] == "text/html; charset=utf-8")
        #expect(models.body.contains(#"<tr data-model="iris" data-health="ready" data-sync="synced""#), "\(models.body)")
        #expect(!models.body.contains("Reconcile now"), "no action without a controller")
        #expect(models.body.contains("Served by sluice ui"))

        let model = try http("GET", base + "/ui/models/iris")
        #expect(model.status == 200)
        #expect(model.body.contains(#"<table id="versions">"#))
        let plan = try http("GET", base + "/ui/plan")
        #expect(plan.body.contains("No changes. The models match their manifests."), "the plan as `sluice plan` makes it")
        #expect(plan.body.contains(#"<div class="plan-item" data-model="iris" data-changes="false">"#))
        let events = try http("GET", base + "/ui/events?kind=published")
        #expect(events.body.contains(#"<tr data-kind="published" data-model="iris">"#))
        #expect(try http("GET", base + "/healthz").body == "ok\n")
        #expect(try http("GET", base + "/ui/models/nobody").status == 404)
        #expect(try http("POST", base + "/ui/reconcile", body: "back=%2Fui").status == 404, "nothing starts a cycle")
        #expect(try http("POST", base + "/reconcile").status == 404)

        let said = ui.output
        let exit = try #require(ui.signal(SIGTERM), "did not exit: \(ui.output)")
        #expect(exit.status == 0, "\(ui.output)")
        #expect(ui.output == said, "nothing printed after SIGTERM")
        #expect(try s.bytes(".sluice/state.db") == before, "the store is not written")
    }

    @Test func withoutManifestsThePagesShowTheStoreOnly() throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let ui = try ControllerProcess(s, ["--listen", ":0", "--manifests", "elsewhere"], name: "ui", command: "ui")
        let base = "http://127.0.0.1:\(try ui.port())"
        let plan = try http("GET", base + "/ui/plan")
        #expect(plan.status == 200)
        #expect(plan.body.contains("No manifests at \(s.root.path)/elsewhere: the pages show the store only"), "\(plan.body)")
        #expect(try http("GET", base + "/ui").body.contains(#"data-model="iris""#))
        #expect(try #require(ui.signal(SIGINT)).status == 0)
    }

    @Test func aMissingStoreIsAnError() throws {
        let s = try Sandbox()
        let r = try s.run("ui", "--listen", "127.0.0.1:0")
        #expect(r.status == 1)
        #expect(r.stderr.contains("no store at \(s.root.path)/.sluice/state.db yet"), "\(r.stderr)")
        #expect(!s.exists(".sluice/state.db"), "nothing created")
    }

    @Test func aBadListenAddressIsAnError() throws {
        let s = try Sandbox()
        let r = try s.run("ui", "--listen", "8088")
        #expect(r.status != 0)
        #expect(r.stderr.contains("--listen 8088: expected HOST:PORT"), "\(r.stderr)")
    }

    /// `sluice run --token-env NAME` (or `"token-env"` in its --config file) with NAME unset or empty does not start.
    @Test(arguments: [(["--token-env", "SLUICE_TEST_NO_TOKEN"], [:]), (["--token-env", "SLUICE_TEST_EMPTY"], ["SLUICE_TEST_EMPTY": ""]),
                      (["--config", "run.json"], [:])] as [([String], [String: String])])
    func runWithAnUnsetTokenVariableDoesNotStart(arguments: [String], environment: [String: String]) throws {
        let s = try Sandbox()
        try s.write("run.json", #"{"token-env": "SLUICE_TEST_NO_TOKEN"}"#)
        let r = try s.run(["run", "--listen", "off"] + arguments, environment: environment)
        #expect(r.status == 1)
        let name = arguments.last == "run.json" ? "SLUICE_TEST_NO_TOKEN" : arguments[1]
        #expect(r.stderr.contains("--token-env \(name): the environment variable \(name) is not set or empty"), "\(r.output)")
        #expect(!s.exists(".sluice/state.db"), "nothing done")
    }

    /// The real `sluice run --token-env` over HTTP: the token reaches POST /reconcile and the UI's form.
    @Test func runWithATokenGuardsReconcileOverHTTP() throws {
        let s = try Sandbox()
        let c = try ControllerProcess(s, ["--listen", "127.0.0.1:0", "--interval", "1h", "--token-env", "SLUICE_TEST_TOKEN"],
                                      environment: ["SLUICE_TEST_TOKEN": "t0ken"])
        let base = "http://127.0.0.1:\(try c.port())"
        let refused = try http("POST", base + "/reconcile")
        #expect(refused.status == 401, "\(c.output)")
        #expect(refused.headers["www-authenticate"] == #"Bearer realm="sluice""#)
        #expect(try http("POST", base + "/reconcile", headers: ["Authorization": "Bearer wrong"]).status == 401)
        #expect(try http("POST", base + "/reconcile", headers: ["Authorization": "Bearer t0ken"]).status == 202)
        #expect(try http("GET", base + "/ui/plan").body.contains(#"<input type="password" name="token""#))
        #expect(try http("POST", base + "/ui/reconcile", body: "token=nope&back=%2Fui", headers: ["Content-Type": "application/x-www-form-urlencoded"]).status == 401)
        #expect(try #require(c.signal(SIGTERM)).status == 0, "\(c.output)")
    }
}
