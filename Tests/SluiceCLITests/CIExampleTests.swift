import Foundation
import Testing
import SluiceCore

/// The commands of `examples/ci/github-actions.yml`, run in order on the shipped repository.
@Suite struct CIExampleTests {
    struct Step {
        var name: String
        var run: String
    }

    /// The workflow's `run:` steps, in order (single-line and `|` block forms).
    static func steps(_ yaml: String) -> [Step] {
        var steps: [Step] = []
        var name = ""
        let lines = yaml.components(separatedBy: "\n")
        var i = 0
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("- name:") {
                name = trimmed.dropFirst("- name:".count).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            } else if trimmed.hasPrefix("run:") {
                let rest = trimmed.dropFirst("run:".count).trimmingCharacters(in: .whitespaces)
                if rest == "|" {
                    let indent = line.prefix { $0 == " " }.count
                    var body: [String] = []
                    i += 1
                    func indented(_ l: String) -> Bool { l.trimmingCharacters(in: .whitespaces).isEmpty || l.prefix(while: { $0 == " " }).count > indent }
                    while i < lines.count, indented(lines[i]) {
                        body.append(String(lines[i].dropFirst(min(indent + 2, lines[i].count))))
                        i += 1
                    }
                    steps.append(Step(name: name, run: body.joined(separator: "\n")))
                    continue
                }
                steps.append(Step(name: name, run: rest))
            }
            i += 1
        }
        return steps
    }

    @Test func theGitHubActionsStepsSucceedOnTheShippedRepository() throws {
        let yaml = try String(contentsOf: Sandbox.repository.appendingPathComponent("examples/ci/github-actions.yml"), encoding: .utf8)
        let all = Self.steps(yaml)
        #expect(all.contains { $0.name.hasPrefix("Set up:") }, "the parser finds the set-up steps")
        let steps = all.filter { !$0.name.hasPrefix("Set up:") }
        #expect(steps.map(\.name) == ["Fetch the models in production", "Gate the changed models", "Post the report as the job summary"])

        // Production: main applied by the controller; the pull request changes the iris manifest.
        let s = try Sandbox()
        #expect(try s.run("apply").status == 0)
        let champion = try #require(try s.history("iris")["versions"]?.arrayValue?.first?["version"]?.stringValue)
        try s.commitAll()
        try s.git("remote", "add", "origin", s.root.path)
        try s.git("fetch", "-q", "origin")
        try s.git("checkout", "-q", "-b", "feature")
        try s.edit("manifests/iris.json") { $0.set("metadata.labels", ["team": "demo", "reviewed": "yes"]) }
        try s.commitAll("label iris")
        // A CI runner starts from a clone: no store; the models in production are fetched into baseline/.
        try s.remove(".sluice")
        try FileManager.default.moveItem(at: s.url("deploy"), to: s.url("baseline"))

        let summary = s.url("step-summary.md")
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = Sandbox.binary.deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["GITHUB_BASE_REF"] = "main"
        env["GITHUB_STEP_SUMMARY"] = summary.path
        env["NO_COLOR"] = "1"
        for step in steps {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-e", "-o", "pipefail", "-c", step.run]
            p.currentDirectoryURL = s.root
            p.environment = env
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            try p.run()
            let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "step \"\(step.name)\" failed:\n\(output)")
        }
        let report = try String(contentsOf: summary, encoding: .utf8)
        #expect(report.contains("## ✅ iris"))
        // A label is not a training input: the candidate is the version in production.
        #expect(report.contains("the candidate is the version in service (baseline baseline/iris)"), "\(report)")
        #expect(report.contains("Candidate `\(champion.prefix(12))`"), "\(report)")
        #expect(report.contains("➖ not applicable"), "\(report)")
        #expect(s.exists("gate.xml") && s.exists("gate.html"))
        #expect(s.exists(".sluice-cache/versions"))
    }
}
