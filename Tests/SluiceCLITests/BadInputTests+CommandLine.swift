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
    ]

    @Test(arguments: commandCases)
    func badCommandLineIsReportedAndHarmsNothing(_ c: CommandCase) throws {
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let model = try s.bytes("deploy/iris/model.json")
        let r = try s.run(c.arguments, stdin: c.stdin)
        #expect(r.status == c.status, "\(r.output)")
        for text in c.expect { #expect(r.output.contains(text), "\(c.arguments.joined(separator: " ")) should say \"\(text)\":\n\(r.output)") }
        #expect(!r.output.contains("Fatal error"), "\(r.output)")
        #expect(try s.bytes("deploy/iris/model.json") == model, "the published model is untouched")
        #expect(!s.exists("gone"), "no store is created where a missing root points")
    }
}
