import Foundation
import Testing
import SluiceCore

/// Every bad input of the core issue: a clear error naming the file, field and value; exit 1
/// from `validate`; and no change to any other model.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// Files to write (relative path → content), given the sandbox's manifest helper.
        var files: @Sendable (Sandbox) -> [String: String]
        /// Text each error must contain.
        var expect: [String]
        var testDescription: String { name }
    }

    static func model(_ s: Sandbox, _ change: (inout JSON) -> Void) -> String {
        var json = try! JSONParser.parse(s.manifest(name: "bad")).value
        change(&json)
        return json.canonical(pretty: true)
    }

    static let cases: [Case] = [
        Case(name: "invalid JSON", files: { _ in ["manifests/bad.json": "{\n  \"apiVersion\": \"sluice.dev/v1\",\n  \"kind\": \"Model\"\n  \"metadata\": {}\n}"] },
             expect: ["manifests/bad.json:4:3", "invalid JSON", "expected ',' or '}'"]),
        Case(name: "unknown field with a suggestion", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.algorithm.params.nEstimator", 5); $0.set("spec.algorithm.name", "random_forest") }] },
             expect: ["spec.algorithm.params.nEstimator", "unknown field", "did you mean \"nEstimators\""]),
        Case(name: "unknown top-level spec field", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.deplyo", "x") }] },
             expect: ["spec.deplyo", "did you mean \"deploy\""]),
        Case(name: "wrong type", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.split.testFraction", "0.3") }] },
             expect: ["spec.dataset.split.testFraction", "expected a number, got a string \"0.3\""]),
        Case(name: "name with a slash", files: { s in ["manifests/bad.json": model(s) { $0.set("metadata.name", "team/iris") }] },
             expect: ["metadata.name", "\"team/iris\" contains \"/\"", "DNS label"]),
        Case(name: "name with dots", files: { s in ["manifests/bad.json": model(s) { $0.set("metadata.name", "..") }] },
             expect: ["metadata.name", "contains \"..\""]),
        Case(name: "upper-case name", files: { s in ["manifests/bad.json": model(s) { $0.set("metadata.name", "Iris") }] },
             expect: ["metadata.name", "upper-case", "try \"iris\""]),
        Case(name: "name of 64 characters", files: { s in ["manifests/bad.json": model(s) { $0.set("metadata.name", .string(String(repeating: "a", count: 64))) }] },
             expect: ["metadata.name", "64 characters long"]),
        Case(name: "duplicate names across files", files: { s in ["manifests/bad.json": model(s) { $0.set("metadata.name", "iris") }] },
             expect: ["\"iris\" is already declared at manifests/bad.json", "unique"]),
        Case(name: "missing dataset file", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.source", "examples/data/nope.csv") }] },
             expect: ["spec.dataset.source \"examples/data/nope.csv\"", "no such file"]),
        Case(name: "source outside the root", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.source", "../../etc/passwd") }] },
             expect: ["spec.dataset.source", "escapes the repository root"]),
        Case(name: "absolute source", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.source", "/etc/passwd") }] },
             expect: ["spec.dataset.source", "absolute path"]),
        Case(name: "ragged CSV", files: { s in ["data/x.csv": "a,b,species\n1,2,x\n3,y\n", "manifests/bad.json": model(s) { $0.set("spec.dataset.source", "data/x.csv") }] },
             expect: ["data/x.csv", "line 3", "2 fields but the header has 3"]),
        Case(name: "empty CSV", files: { s in ["data/x.csv": "", "manifests/bad.json": model(s) { $0.set("spec.dataset.source", "data/x.csv") }] },
             expect: ["data/x.csv", "the file is empty"]),
        Case(name: "header-only CSV", files: { s in ["data/x.csv": "a,b,species\n", "manifests/bad.json": model(s) { $0.set("spec.dataset.source", "data/x.csv") }] },
             expect: ["data/x.csv", "no data rows"]),
        Case(name: "missing target column", files: { s in ["data/x.csv": "a,b,kind\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n", "manifests/bad.json": model(s) { $0.set("spec.dataset.source", "data/x.csv") }] },
             expect: ["data/x.csv", "no target column \"species\"", "columns: a, b, kind"]),
        Case(name: "text in a numeric feature", files: { s in ["data/x.csv": "a,b,species\n1,2,x\n3,oops,y\n5,6,x\n7,8,y\n", "manifests/bad.json": model(s) { $0.set("spec.dataset.source", "data/x.csv") }] },
             expect: ["data/x.csv", "column \"b\"", "\"oops\"", "line 3"]),
        Case(name: "a target with one class", files: { s in ["data/x.csv": "a,b,species\n1,2,x\n3,4,x\n5,6,x\n7,8,x\n", "manifests/bad.json": model(s) { $0.set("spec.dataset.source", "data/x.csv") }] },
             expect: ["data/x.csv", "single class (\"x\")"]),
        Case(name: "dataset URL with nothing listening", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.source", "http://127.0.0.1:1/data.csv") }] },
             expect: ["spec.dataset.source", "http://127.0.0.1:1/data.csv", "connection refused"]),
        Case(name: "sha256 mismatch", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.sha256", .string(String(repeating: "0", count: 64))) }] },
             expect: ["examples/data/iris.csv has sha256", "spec.dataset.sha256", "pins 0000"]),
        Case(name: "unknown algorithm", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.algorithm.name", "random_forrest") }] },
             expect: ["spec.algorithm.name", "unknown algorithm \"random_forrest\"", "did you mean \"random_forest\""]),
        Case(name: "parameter out of range", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.algorithm", ["name": "random_forest", "params": ["nEstimators": 0]]) }] },
             expect: ["spec.algorithm.params.nEstimators", "0 is not allowed", "an integer from 1 to 10000"]),
        Case(name: "deploy path that is a file", files: { s in ["blocker": "x", "manifests/bad.json": model(s) { $0.set("spec.deploy.path", "blocker") }] },
             expect: ["blocker is a file, not a directory"]),
        Case(name: "deploy path that cannot be written", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.deploy.path", "/proc/sluice-cannot-write") }] },
             expect: ["/proc/sluice-cannot-write"]),
    ]

    @Test(arguments: cases)
    func badInputIsReportedAndHarmsNothingElse(_ c: Case) throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let model = try s.bytes("deploy/iris/model.json")
        for (path, content) in c.files(s) { try s.write(path, content) }

        let validate = try s.run("validate")
        #expect(validate.status == 1, "\(validate.output)")
        for text in c.expect { #expect(validate.output.contains(text), "validate should say \"\(text)\":\n\(validate.output)") }

        let apply = try s.run("apply")
        #expect(apply.status == 1, "\(apply.output)")
        #expect(!apply.output.contains("Fatal error"), "\(apply.output)")
        #expect(try s.bytes("deploy/iris/model.json") == model, "the other model is untouched")
        #expect(!apply.stdout.contains("- retire"))
    }

    @Test func aStoreThatIsNotSQLiteIsAClearError() throws {
        let s = try Sandbox()
        try s.write(".sluice/state.db", "this is not a database, just text that is long enough to look like a header............")
        for command in ["plan", "apply", "status"] {
            let r = try s.run(command)
            #expect(r.status == 1, "\(command): \(r.output)")
            #expect(r.stderr.contains("is not a SQLite database"), "\(command): \(r.output)")
        }
        #expect(!s.exists("deploy/iris"))
    }
}
