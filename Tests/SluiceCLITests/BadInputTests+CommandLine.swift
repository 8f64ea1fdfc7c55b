import Foundation
import Testing
import SluiceCore

/// The bad-input corpus, command lines: after a clean `apply`, each case runs one command with a
/// bad argument or bad input and must exit with the documented code, name what is wrong and say
/// what to do, change no published model, and create no store where none was.
extension BadInputTests {
    struct CommandCase: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        var stdin: String? = nil
        /// Files to write in the sandbox (relative path → content) after the clean `apply`.
        var files: [String: String] = [:]
        var status: Int32 = 1
        /// Text the output (standard output and error) must contain.
        var expect: [String]
        var testDescription: String { name }
    }

    static let commandCases: [CommandCase] = [
        CommandCase(name: "predict with a renamed column", arguments: ["predict", "iris"],
             stdin: "sepal_length,sepal_width,petal_len,petal_width\n5.1,3.5,1.4,0.2\n",
             expect: ["standard input", "unknown column \"petal_len\" (did you mean \"petal_length\"?)", "missing feature \"petal_length\"",
                      "--allow-missing"]),
        CommandCase(name: "predict with an unknown column only", arguments: ["predict", "iris"], stdin: "{\"foo\": 1}",
             expect: ["unknown column \"foo\"", "missing feature \"sepal_length\"", "missing feature \"petal_width\"",
                      "takes the columns sepal_length, sepal_width, petal_length, petal_width"]),
        CommandCase(name: "predict with a feature missing from some rows", arguments: ["predict", "iris", "--json"],
             stdin: "[{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}, {\"sepal_length\": 5.1}]",
             expect: ["missing feature \"sepal_width\" in 1 of 2 row(s)"]),
        CommandCase(name: "gate with a mistyped baseline directory", arguments: ["gate", "--baseline", "basline", "--require-champion"],
             expect: ["--baseline basline: no such directory", "check the path, or create it empty"]),
        CommandCase(name: "gate with a baseline that is a file", arguments: ["gate", "--baseline", "manifests/iris.json"],
             expect: ["--baseline manifests/iris.json is a file, not a directory"]),
        CommandCase(name: "a store of an unknown kind", arguments: ["status", "--store", "mysql://db/sluice"],
             expect: ["--store mysql://db/sluice is not supported", "sqlite:PATH", "postgres://USER@HOST:PORT/DB"]),
        CommandCase(name: "a PostgreSQL store without a host or database", arguments: ["apply", "--store", "postgres://"],
             expect: ["--store postgres://: expected a PostgreSQL URI such as postgres://sluice@db.example:5432/sluice"]),
        CommandCase(name: "a duration without a known unit", arguments: ["apply", "--lock-timeout", "2x"],
             expect: ["'2x' is invalid for '--lock-timeout", "250ms, 1.5s, 30s, 5m, 1h, 7d"]),
        CommandCase(name: "a negative duration", arguments: ["run", "--interval=-5s", "--listen", "off"],
             expect: ["'-5s' is invalid for '--interval", "plain seconds"]),
        CommandCase(name: "apply with a mistyped model name", arguments: ["apply", "--model", "irsi"],
             expect: ["--model irsi: no manifest declares it", "did you mean \"iris\"?"]),
        CommandCase(name: "plan with an unknown model name", arguments: ["plan", "--model", "nope"],
             expect: ["--model nope: no manifest declares it", "models: iris"]),
        // Relative, inside the sandbox: a binary with the bug creates it, and it must not outlive the test.
        CommandCase(name: "status with a missing root", arguments: ["status", "--root", "gone/root"],
             expect: ["--root gone/root: no such directory"]),
        CommandCase(name: "plan with a missing root", arguments: ["plan", "--root", "no-such-dir"],
             expect: ["--root no-such-dir: no such directory"]),
        CommandCase(name: "history with a root that is a file", arguments: ["history", "iris", "--root", "manifests/iris.json"],
             expect: ["--root manifests/iris.json is a file, not a directory"]),
        CommandCase(name: "serve with a row-log share above 1", arguments: ["serve", "--repository", "deploy", "--port", "0", "--monitor-log-rows", "2"],
             expect: ["--monitor-log-rows 2.0: must be a share between 0 and 1"]),
        CommandCase(name: "serve with a fractional monitor bucket", arguments: ["serve", "--repository", "deploy", "--port", "0", "--monitor-bucket", "1.5s"],
             expect: ["--monitor-bucket 1.5s: must be a whole number of seconds"]),
        CommandCase(name: "serve with a row-log size that is no size", arguments: ["serve", "--repository", "deploy", "--port", "0", "--monitor-max-bytes", "lots"],
             expect: ["--monitor-max-bytes", "\"lots\" is not a size", "KiB, MiB, GiB or TiB"]),
        CommandCase(name: "serve keeping rows for no time", arguments: ["serve", "--repository", "deploy", "--port", "0", "--monitor-retention-rows", "0s"],
             expect: ["--monitor-retention-rows 0.0: must be a positive duration"]),
        CommandCase(name: "serve with a monitor directory that is a file", arguments: ["serve", "--repository", "deploy", "--port", "0", "--monitor-dir", "manifests/iris.json/state"],
             expect: ["--monitor-dir manifests/iris.json/state", "manifests/iris.json is a file, not a directory"]),
    ] + monitorCases + feedbackCases + storeCopyCases

    /// `sluice store copy`: stores that cannot be copied, and copies that would mix stores.
    static let storeCopyCases: [CommandCase] = [
        CommandCase(name: "store copy into the store itself", arguments: ["store", "copy", "--from", "sqlite:.sluice/state.db", "--to", "sqlite:.sluice/../.sluice/state.db"],
             expect: ["--from and --to name the same store", ".sluice/state.db", "copy into another store"]),
        CommandCase(name: "store copy from a store that is not there", arguments: ["store", "copy", "--from", "sqlite:gone/state.db", "--to", "sqlite:copy/state.db"],
             expect: ["no store at", "gone/state.db"]),
        CommandCase(name: "store copy from a store of an unknown kind", arguments: ["store", "copy", "--from", "mysql://db/sluice", "--to", "sqlite:copy/state.db"],
             expect: ["--from mysql://db/sluice is not supported", "sqlite:PATH", "postgres://USER@HOST:PORT/DB"]),
        CommandCase(name: "store copy into a sqlite: store without a path", arguments: ["store", "copy", "--from", "sqlite:.sluice/state.db", "--to", "sqlite:"],
             expect: ["--to needs a path after sqlite:"]),
        CommandCase(name: "store copy given --store", arguments: ["store", "copy", "--store", "sqlite:x.db", "--from", "sqlite:.sluice/state.db", "--to", "sqlite:copy/state.db"],
             expect: ["store copy reads --from and writes --to; drop --store sqlite:x.db"]),
    ]

    static let irisHeader = "sepal_length,sepal_width,petal_length,petal_width\n"

    /// `sluice monitor`: bad batch files and bad options.
    static let monitorCases: [CommandCase] = [
        CommandCase(name: "monitor a ragged batch file", arguments: ["monitor", "iris", "--data", "data/bad.csv"],
             files: ["data/bad.csv": irisHeader + "5.1,3.5,1.4,0.2\n5.1,3.5\n"],
             expect: ["data/bad.csv: line 3: row has 2 fields but the header has 4"]),
        CommandCase(name: "monitor a batch file without a feature column", arguments: ["monitor", "iris", "--data", "data/bad.csv"],
             files: ["data/bad.csv": "sepal_length,sepal_width,petal_length\n5.1,3.5,1.4\n"],
             expect: ["data/bad.csv: no column \"petal_width\", which iris needs", "(sepal_length, sepal_width, petal_length, petal_width)",
                      "may have the target \"species\""]),
        CommandCase(name: "monitor a batch file with text in a numeric feature", arguments: ["monitor", "iris", "--data", "data/bad.csv"],
             files: ["data/bad.csv": irisHeader + "wide,3.5,1.4,0.2\n"],
             expect: ["data/bad.csv: feature \"sepal_length\" must be numeric", "wide"]),
        CommandCase(name: "monitor a batch file that does not exist", arguments: ["monitor", "iris", "--data", "data/nope.csv"],
             expect: ["--data data/nope.csv: cannot read the file"]),
        CommandCase(name: "monitor an unknown model", arguments: ["monitor", "irsi", "--data", "data/nope.csv"],
             expect: ["the store has no model named irsi"]),
        CommandCase(name: "monitor an unknown version", arguments: ["monitor", "iris", "--data", "data/b.csv", "--version", "abcdef"],
             files: ["data/b.csv": irisHeader + "5.1,3.5,1.4,0.2\n"],
             expect: ["--version abcdef: no such version", "versions of iris: "]),
        CommandCase(name: "monitor with a bad window", arguments: ["monitor", "iris", "--window", "2x"],
             expect: ["--window 2x", "30s, 5m, 1h, 7d"]),
        CommandCase(name: "monitor a file with a window", arguments: ["monitor", "iris", "--data", "data/b.csv", "--window", "1h"],
             expect: ["--window needs a server"]),
        CommandCase(name: "monitor --version without --data", arguments: ["monitor", "iris", "--version", "abcdef"],
             expect: ["--version needs --data"]),
        CommandCase(name: "monitor a model with no server to ask", arguments: ["monitor", "iris"],
             expect: ["no server to ask about iris: it is published to directory deploy/iris", "--server URL", "--data FILE.csv"]),
        CommandCase(name: "monitor a server that is not there", arguments: ["monitor", "iris", "--server", "http://127.0.0.1:1"],
             expect: ["cannot reach the server", "127.0.0.1:1", "is `sluice serve` running there?"]),
        CommandCase(name: "monitor a server URL that is not http", arguments: ["monitor", "iris", "--server", "ftp://x"],
             expect: ["--server ftp://x: expected an http(s) URL"]),
    ]

    /// `sluice feedback import`: files refused before anything is sent (the server named does not exist,
    /// so a binary that sent anything would fail differently).
    static let feedbackCases: [CommandCase] = [
        CommandCase(name: "feedback without a truth column", arguments: ["feedback", "import", "iris", "l.csv", "--server", "http://127.0.0.1:1"],
             files: ["l.csv": "id,row,label\na,0,setosa\n"],
             expect: ["l.csv:1: no column \"truth\" in the header (columns: id, row, label)", "--truth-column", "nothing was sent"]),
        CommandCase(name: "feedback with a bad row index", arguments: ["feedback", "import", "iris", "l.csv", "--server", "http://127.0.0.1:1"],
             files: ["l.csv": "id,row,truth\na,0,setosa\nb,-1,setosa\n"],
             expect: ["l.csv:3: column \"row\": \"-1\" is not a row index", "nothing was sent"]),
        CommandCase(name: "feedback with an empty id", arguments: ["feedback", "import", "iris", "l.csv", "--server", "http://127.0.0.1:1"],
             files: ["l.csv": "id,row,truth\na,0,setosa\n,1,setosa\n"],
             expect: ["l.csv:3: column \"id\" is empty", "nothing was sent"]),
        CommandCase(name: "feedback with an empty truth", arguments: ["feedback", "import", "iris", "l.csv", "--server", "http://127.0.0.1:1"],
             files: ["l.csv": "id,truth\na,setosa\nb,\n"],
             expect: ["l.csv:3: column \"truth\" is empty", "nothing was sent"]),
        CommandCase(name: "feedback labelling a row twice", arguments: ["feedback", "import", "iris", "l.csv", "--server", "http://127.0.0.1:1"],
             files: ["l.csv": "id,row,truth\na,0,setosa\nb,0,setosa\na,,virginica\n"],
             expect: ["l.csv:4: id \"a\" row 0 is labelled twice (first on line 2)", "nothing was sent"]),
        CommandCase(name: "feedback with a ragged line", arguments: ["feedback", "import", "iris", "l.csv", "--server", "http://127.0.0.1:1"],
             files: ["l.csv": "id,row,truth\na,0,setosa\n\"b\n2\",0\n"],
             expect: ["l.csv:3: 2 fields but the header has 3", "nothing was sent"]),
        CommandCase(name: "feedback with an unclosed quote", arguments: ["feedback", "import", "iris", "l.csv", "--server", "http://127.0.0.1:1"],
             files: ["l.csv": "id,row,truth\na,0,setosa\nb,0,\"setosa\n"],
             expect: ["l.csv:3: a quoted field opened here is never closed", "nothing was sent"]),
        CommandCase(name: "feedback with only a header", arguments: ["feedback", "import", "iris", "l.csv", "--server", "http://127.0.0.1:1"],
             files: ["l.csv": "id,row,truth\n"],
             expect: ["l.csv: the file has a header but no labels", "nothing was sent"]),
        CommandCase(name: "feedback from a file that does not exist", arguments: ["feedback", "import", "iris", "nope.csv"],
             expect: ["nope.csv: cannot read the file"]),
        CommandCase(name: "feedback with the same column twice", arguments: ["feedback", "import", "iris", "l.csv", "--truth-column", "id"],
             expect: ["must name three different columns"]),
        CommandCase(name: "feedback export of a model without snapshots", arguments: ["feedback", "export", "iris"],
             expect: ["the store has no feedback snapshot of iris", "spec.monitor.onBreach"]),
        CommandCase(name: "feedback drop of a model without snapshots", arguments: ["feedback", "drop", "iris"],
             expect: ["the store has no feedback snapshot of iris", "spec.monitor.onBreach"]),
        CommandCase(name: "feedback export with a short snapshot prefix", arguments: ["feedback", "export", "iris", "--snapshot", "3d98"],
             expect: ["--snapshot 3d98: expected at least 8 hexadecimal characters", "sluice feedback snapshots iris"]),
        CommandCase(name: "feedback snapshots of an unknown model", arguments: ["feedback", "snapshots", "irsi"],
             expect: ["the store has no model named irsi"]),
    ]

    @Test(arguments: commandCases)
    func badCommandLineIsReportedAndHarmsNothing(_ c: CommandCase) throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let model = try s.bytes("deploy/iris/model.json")
        for (path, text) in c.files { try s.write(path, text) }
        let r = try s.run(c.arguments, stdin: c.stdin)
        #expect(r.status == c.status, "\(r.output)")
        for text in c.expect { #expect(r.output.contains(text), "\(c.arguments.joined(separator: " ")) should say \"\(text)\":\n\(r.output)") }
        #expect(!r.output.contains("Fatal error"), "\(r.output)")
        #expect(try s.bytes("deploy/iris/model.json") == model, "the published model is untouched")
        #expect(!s.exists("gone"), "no store is created where a missing root points")
    }
}
