import Foundation
import Testing
import SluiceCore
#if canImport(Glibc)
import Glibc
#endif

/// Every bad input of the core issue: a clear error naming the file, field and value; exit 1
/// from `validate`; and no change to any other model.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// Files to write (relative path → content), given the sandbox's manifest helper.
        var files: @Sendable (Sandbox) -> [String: String]
        /// Text each error must contain.
        var expect: [String]
        /// Anything else to make in the sandbox (links, FIFOs, sparse files), after the files.
        var prepare: @Sendable (Sandbox) throws -> Void = { _ in }
        var testDescription: String { name }
    }

    static func model(_ s: Sandbox, _ change: (inout JSON) -> Void) -> String {
        var json = try! JSONParser.parse(s.manifest(name: "bad")).value
        change(&json)
        return json.canonical(pretty: true)
    }

    /// A manifest without `spec.task` (inferred from the data).
    static func withoutTask(_ json: JSON) -> JSON {
        guard var root = json.objectValue, var spec = root["spec"]?.objectValue else { return json }
        spec["task"] = nil
        root["spec"] = .object(spec)
        return .object(root)
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
        Case(name: "unknown split method", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.split.method", "scikit-learn") }] },
             expect: ["manifests/bad.json:", "spec.dataset.split.method", "unknown split method \"scikit-learn\"", "\"sluice\"", "\"sklearn\""]),
        Case(name: "test size and test fraction together", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.split.testSize", 45) }] },
             expect: ["spec.dataset.split.testSize", "cannot be combined with testFraction"]),
        Case(name: "seed beyond numpy's range for sklearn", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.split", ["method": "sklearn", "seed": 4_294_967_296]) }] },
             expect: ["spec.dataset.split.seed", "4294967296 is too large for method \"sklearn\"", "0 to 4294967295"]),
        Case(name: "sklearn stratified split with a one-row class",
             files: { s in ["data/x.csv": "a,b,species\n1,2,x\n3,4,x\n5,6,y\n7,8,y\n9,1,z\n2,3,x\n4,5,y\n",
                            "manifests/bad.json": model(s) { $0.set("spec.dataset.source", "data/x.csv"); $0.set("spec.dataset.split", ["method": "sklearn", "testFraction": 0.5, "stratify": true]) }] },
             expect: ["data/x.csv", "class \"z\" of target \"species\" has 1 row(s) (data row 5)", "at least 2 rows of every class", "spec.dataset.split.stratify"]),
        Case(name: "test size not below the rows", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.split", ["method": "sklearn", "testSize": 150]) }] },
             expect: ["examples/data/iris.csv", "spec.dataset.split.testSize 150 is not below the 150 data rows"]),
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
        Case(name: "a target with one class", files: { s in ["data/x.csv": "a,b,species\n" + (1...40).map { "\($0),\($0 * 2),x\n" }.joined(), "manifests/bad.json": model(s) { $0.set("spec.dataset.source", "data/x.csv") }] },
             expect: ["data/x.csv", "single class (\"x\")"]),
        Case(name: "dataset URL with nothing listening", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.source", "http://127.0.0.1:1/data.csv") }] },
             expect: ["spec.dataset.source", "http://127.0.0.1:1/data.csv", "connection refused"]),
        Case(name: "sha256 mismatch", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.sha256", .string(String(repeating: "0", count: 64))) }] },
             expect: ["examples/data/iris.csv has sha256", "spec.dataset.sha256", "pins 0000"]),
        Case(name: "unknown algorithm", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.algorithm.name", "random_forrest") }] },
             expect: ["spec.algorithm.name", "unknown algorithm \"random_forrest\"", "did you mean \"random_forest\""]),
        Case(name: "parameter out of range", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.algorithm", ["name": "random_forest", "params": ["nEstimators": 0]]) }] },
             expect: ["spec.algorithm.params.nEstimators", "0 is not allowed", "an integer from 1 to 10000"]),
        Case(name: "a threshold written as a percentage", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.gate", ["accuracy": ["min": 90]]) }] },
             expect: ["manifests/bad.json", "spec.gate.accuracy.min", "90 is outside the range of accuracy (from 0 to 1)", "did you mean 0.9?"]),
        Case(name: "a maxRegression larger than the metric's range", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.gate", ["f1_macro": ["maxRegression": 2]]) }] },
             expect: ["spec.gate.f1_macro.maxRegression", "more than the whole range of f1_macro", "from 0 to 1"]),
        Case(name: "a regression metric on a classifier", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.gate", ["rmse": ["max": 0.5]]) }] },
             expect: ["spec.gate.rmse", "rmse is a regression metric, but spec.task is classification", "classification metrics: accuracy, balanced_accuracy"]),
        Case(name: "a regression metric on a classification-only algorithm", files: { s in
                 ["manifests/bad.json": model(s) { $0 = withoutTask($0); $0.set("spec.algorithm", ["name": "logistic_regression"]); $0.set("spec.gate", ["r2": ["min": 0.5]]) }] },
             expect: ["spec.gate.r2", "r2 is a regression metric, but algorithm logistic_regression does classification", "classification metrics: accuracy"]),
        Case(name: "a regression metric on a task inferred from the data", files: { s in ["manifests/bad.json": model(s) { $0 = withoutTask($0); $0.set("spec.gate", ["mae": ["max": 0.5]]) }] },
             expect: ["spec.gate.mae", "mae is a regression metric, but this model does classification", "inferred from the target \"species\"", "classification metrics: accuracy"]),
        Case(name: "more neighbours than training rows", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.algorithm", ["name": "knn", "params": ["nNeighbors": 200]]) }] },
             expect: ["spec.algorithm.params.nNeighbors is 200", "has only 105 rows", "at most 105"]),
        Case(name: "maxFeatures above the feature count", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.algorithm", ["name": "random_forest", "params": ["maxFeatures": 8e15]]) }] },
             expect: ["spec.algorithm.params.maxFeatures is 8000000000000000", "only 4 feature column(s)", "at most 4"]),
        Case(name: "maxFeatures fraction that selects no feature", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.algorithm", ["name": "extra_trees", "params": ["maxFeatures": 1e-9]]) }] },
             expect: ["spec.algorithm.params.maxFeatures is 1e-09", "selects no feature of 4", "at least 0.25"]),
        Case(name: "a split that leaves one test row", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.split.testFraction", 1e-300) }] },
             expect: ["spec.dataset.split.testFraction 1e-300 leaves 1 of 150 rows for testing", "at least 10 test rows", "at least 0.067"]),
        Case(name: "deploy path that is a file", files: { s in ["blocker": "x", "manifests/bad.json": model(s) { $0.set("spec.deploy.path", "blocker") }] },
             expect: ["blocker is a file, not a directory"]),
        Case(name: "deploy path that cannot be written", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.deploy.path", "/proc/sluice-cannot-write") }] },
             expect: ["/proc/sluice-cannot-write"]),
        // Manifest entries that cannot be read (D6), that would hang the walk or the read (D8), or
        // that are too large to read (D13): each one an error naming it, and nothing retired.
        Case(name: "dangling manifest symlink", files: { _ in [:] },
             expect: ["manifests/linked.json", "symbolic link to ../shared/linked.json", "No such file or directory"],
             prepare: { s in try FileManager.default.createSymbolicLink(atPath: s.url("manifests/linked.json").path, withDestinationPath: "../shared/linked.json") }),
        Case(name: "dangling symlink to a manifests subdirectory", files: { _ in [:] },
             expect: ["manifests/team", "symbolic link to /nonexistent/sluice-mount", "No such file or directory"],
             prepare: { s in try FileManager.default.createSymbolicLink(atPath: s.url("manifests/team").path, withDestinationPath: "/nonexistent/sluice-mount") }),
        Case(name: "symbolic link loops in the manifests directory", files: { _ in [:] },
             expect: ["manifests/a: is the same directory as the manifests directory itself", "manifests/b: is the same directory"],
             prepare: { s in
                 try FileManager.default.createSymbolicLink(atPath: s.url("manifests/a").path, withDestinationPath: ".")
                 try FileManager.default.createSymbolicLink(atPath: s.url("manifests/b").path, withDestinationPath: ".")
             }),
        Case(name: "FIFO named *.json", files: { _ in [:] },
             expect: ["manifests/bad.json", "a FIFO (named pipe), not a regular file"],
             prepare: { s in #expect(mkfifo(s.url("manifests/bad.json").path, 0o644) == 0) }),
        Case(name: "sparse 1 TiB manifest", files: { _ in ["manifests/bad.json": ""] },
             expect: ["manifests/bad.json", "is 1 TiB", "4 MiB limit"],
             prepare: { s in #expect(truncate(s.url("manifests/bad.json").path, 1 << 40) == 0) }),
        Case(name: "manifest of 4 MiB and one byte", files: { s in ["manifests/bad.json": model(s) { _ in } + String(repeating: " ", count: (4 << 20) + 1)] },
             expect: ["manifests/bad.json", "MiB), more than the 4 MiB limit"]),
        Case(name: "YAML manifest", files: { _ in ["manifests/bad.yaml": "apiVersion: sluice.dev/v1\nkind: Model\n", "manifests/team/other.yml": "kind: Model\n"] },
             expect: ["manifests/bad.yaml: is not read", "manifests/team/other.yml: is not read", "JSON files (*.json) only"]),
        // Deploy paths (D14): inside the root, out of Sluice's own directories, absolute only below --deploy-root.
        Case(name: "absolute deploy path without --deploy-root", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.deploy.path", "/tmp/sluice-outside") }] },
             expect: ["manifests/bad.json", "spec.deploy.path", "\"/tmp/sluice-outside\" is an absolute path", "--deploy-root"]),
        Case(name: "deploy path escaping with ..", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.deploy.path", "deploy/../../outside") }] },
             expect: ["spec.deploy.path", "\"deploy/../../outside\" leaves the root"]),
        Case(name: "deploy path that is the root", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.deploy.path", "./deploy/..") }] },
             expect: ["spec.deploy.path", "\"./deploy/..\" is the root itself"]),
        Case(name: "deploy path in the store directory", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.deploy.path", ".sluice") }] },
             expect: ["spec.deploy.path", "\".sluice\" is inside the store's directory"]),
        Case(name: "deploy path in the manifests directory", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.deploy.path", "manifests/pub") }] },
             expect: ["spec.deploy.path", "\"manifests/pub\" is inside the manifests directory"]),
        Case(name: "deploy path with NUL", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.deploy.path", "deploy/ok\u{0}/../../x") }] },
             expect: ["spec.deploy.path", "\"deploy/ok\\u0000/../../x\" contains the control character U+0000"]),
        Case(name: "deploy path through a symbolic link out of the root", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.deploy.path", "out/bad") }] },
             expect: ["spec.deploy.path", "\"out/bad\" (through a symbolic link, it is /tmp/bad)", "outside the root"],
             prepare: { s in try FileManager.default.createSymbolicLink(atPath: s.url("out").path, withDestinationPath: "/tmp") }),
        // Deploy targets shared by two models (D9, trust item 3): both invalid, the published one untouched.
        Case(name: "two models, one deploy directory", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.deploy.path", "./deploy//iris/") }] },
             expect: ["manifests/bad.json", "directory ./deploy//iris/ is also the deploy target of \"iris\" (manifests/iris.json)",
                      "manifests/iris.json", "directory deploy/iris is also the deploy target of \"bad\" (manifests/bad.json)"]),
        Case(name: "a deploy directory inside another model's", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.deploy.path", "deploy/iris/inner") }] },
             expect: ["directory deploy/iris/inner is inside the deploy directory of \"iris\" (manifests/iris.json)",
                      "directory deploy/iris holds the deploy directory of \"bad\" (manifests/bad.json)"]),
        Case(name: "two models, one deploy URL", files: { s in [
            "manifests/bad.json": model(s) { $0.set("spec.deploy", ["target": "http", "url": "http://LOCALHOST/v2/repository/models/x"]) },
            "manifests/bad2.json": model(s) { $0.set("metadata.name", "bad2"); $0.set("spec.deploy", ["target": "http", "url": "http://localhost:80/v2/repository/models/x/"]) },
        ] },
             expect: ["manifests/bad.json", "spec.deploy.url", "is also the deploy target of \"bad2\" (manifests/bad2.json)",
                      "manifests/bad2.json", "is also the deploy target of \"bad\" (manifests/bad.json)"]),
        Case(name: "monitor of a directory target without a server", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.monitor", ["interval": "1m"]) }] },
             expect: ["manifests/bad.json:", "spec.monitor.server", "is needed for a directory target: the URL of the sluice serve that serves it"]),
        Case(name: "monitor retraining on breach with nothing held out", files: { s in ["manifests/bad.json": model(s) {
            $0.set("spec.monitor", ["server": "http://127.0.0.1:8080", "onBreach": "retrain", "retrain": ["holdout": 0]])
        }] },
             expect: ["manifests/bad.json:", "spec.monitor.retrain.holdout", "0 would hold out no fresh row", "such as 0.3 (the default)"]),
        Case(name: "monitor retraining on breach with a percentage for a share", files: { s in ["manifests/bad.json": model(s) {
            $0.set("spec.monitor", ["server": "http://127.0.0.1:8080", "onBreach": "retrain", "retrain": ["holdout": 30]])
        }] },
             expect: ["spec.monitor.retrain.holdout", "30 is out of range", "did you mean 0.3?"]),
        Case(name: "monitor duration without a unit people write", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.monitor", ["server": "http://127.0.0.1:8080", "persistFor": "1 hour"]) }] },
             expect: ["spec.monitor.persistFor", "\"1 hour\" is not a duration", "30s, 5m, 1h, 7d"]),
        Case(name: "monitor warn above breach", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.monitor", ["server": "http://127.0.0.1:8080", "drift": ["warn": 0.5]]) }] },
             expect: ["spec.monitor.drift.warn", "0.5 is above drift.breach 0.2"]),
        // Database sources (issue 17).
        Case(name: "database query without ORDER BY", files: { s in ["manifests/bad.json": model(s) {
            $0.set("spec.dataset.source", "sqlite:data/iris.db"); $0.set("spec.dataset.query", "SELECT * FROM iris -- ORDER BY id")
        }] },
             expect: ["manifests/bad.json:", "spec.dataset.query", "\"SELECT * FROM iris -- ORDER BY id\" has no ORDER BY", "end it with ORDER BY"]),
        Case(name: "database query of two statements", files: { s in ["manifests/bad.json": model(s) {
            $0.set("spec.dataset.source", "sqlite:data/iris.db"); $0.set("spec.dataset.query", "SELECT * FROM iris ORDER BY id; DELETE FROM iris")
        }] },
             expect: ["manifests/bad.json:", "spec.dataset.query", "holds more than one statement"]),
        Case(name: "database source without a query", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.source", "sqlite:data/iris.db") }] },
             expect: ["manifests/bad.json:", "spec.dataset.query", "required field \"query\" is missing"]),
        Case(name: "query on a CSV file", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.query", "SELECT 1 ORDER BY 1") }] },
             expect: ["manifests/bad.json:", "spec.dataset.query", "is not a database", "Remove it"]),
        Case(name: "database as the fixed test set", files: { s in ["manifests/bad.json": model(s) {
            $0.set("spec.dataset.test", "sqlite:data/test.db")
        }] },
             expect: ["manifests/bad.json:", "spec.dataset.test", "\"sqlite:data/test.db\" is a database"]),
        Case(name: "SQLite database outside the root", files: { s in ["manifests/bad.json": model(s) {
            $0.set("spec.dataset.source", "sqlite:../iris.db"); $0.set("spec.dataset.query", "SELECT * FROM iris ORDER BY id")
        }] },
             expect: ["manifests/bad.json:", "spec.dataset.source", "../iris.db"]),
        Case(name: "SQLite query of a BLOB column", files: { s in ["manifests/bad.json": model(s) {
            $0.set("spec.dataset.source", "sqlite:data/blob.db"); $0.set("spec.dataset.query", "SELECT * FROM t ORDER BY id")
        }] },
             expect: ["manifests/bad.json", "spec.dataset.source \"sqlite:data/blob.db\"", "column \"picture\" holds a BLOB"],
             prepare: { s in
                 try FileManager.default.createDirectory(at: s.url("data"), withIntermediateDirectories: true)
                 try DatabaseSources.sqlite(s, "data/blob.db", "CREATE TABLE t (id integer, x real, picture blob, species text); INSERT INTO t VALUES (1, 1.5, x'00ff', 'a')")
             }),
        Case(name: "SQLite file that is not a database", files: { s in ["data/fake.db": "just text, not SQLite, long enough to fill a header of a database file..........",
                                                                         "manifests/bad.json": model(s) {
            $0.set("spec.dataset.source", "sqlite:data/fake.db"); $0.set("spec.dataset.query", "SELECT * FROM iris ORDER BY id")
        }] },
             expect: ["manifests/bad.json", "spec.dataset.source \"sqlite:data/fake.db\"", "file is not a database"]),
        Case(name: "s3 dataset that names a bucket but no object", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.dataset.source", "s3://only-a-bucket/") }] },
             expect: ["manifests/bad.json:", "spec.dataset.source", "\"s3://only-a-bucket/\" does not name an object; expected s3://BUCKET/KEY"]),
        Case(name: "s3 deploy url without a prefix", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.deploy", ["target": "s3", "url": "s3://models"]) }] },
             expect: ["manifests/bad.json:", "spec.deploy.url", "\"s3://models\" is not an s3://BUCKET/PREFIX URL"]),
        Case(name: "s3 deploy target with a path field", files: { s in ["manifests/bad.json": model(s) { $0.set("spec.deploy", ["target": "s3", "url": "s3://models/bad", "path": "deploy/bad"]) }] },
             expect: ["manifests/bad.json:", "spec.deploy.path", "unknown field"]),
    ]

    @Test(arguments: cases)
    func badInputIsReportedAndHarmsNothingElse(_ c: Case) throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let model = try s.bytes("deploy/iris/model.json")
        for (path, content) in c.files(s) { try s.write(path, content) }
        try c.prepare(s)

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
