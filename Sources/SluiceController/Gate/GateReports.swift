import Foundation
import SluiceCore
import SluiceManifest
import SluiceReconcile

/// Renders gate results for people (Markdown, for a pull-request comment), CI systems (JUnit XML)
/// and programs (JSON).
public enum GateReports {
    /// The exit code of `gate`: 0 all pass, 3 a gate failed, 1 an error.
    public static func exitCode(_ run: GateRun) -> Int32 {
        if !run.errors.isEmpty || run.results.contains(where: { $0.error != nil }) { return 1 }
        return run.results.allSatisfy(\.passed) ? 0 : 3
    }

    static func fmt(_ d: Double?) -> String {
        guard let d, d.isFinite else { return "–" }
        return String(format: "%.4f", d)
    }

    /// A Markdown report: a verdict table per model with candidate, champion, delta and threshold.
    public static func markdown(_ run: GateRun) -> String {
        let results = run.results
        var out = "# Sluice gate report\n\n"
        let passed = results.filter(\.passed).count
        out += "\(passed) of \(results.count) model(s) passed their gate.\n"
        for e in run.errors { out += "\n**Invalid manifest:** `\(e)`\n" }
        for r in results {
            out += "\n## \(r.passed ? "✅" : "❌") \(r.model)\n\n"
            if let e = r.error {
                out += "**Error:** \(e)\n"
                continue
            }
            guard let report = r.report, let v = r.version else { continue }
            out += "Candidate `\(VersionIdentity.short(v))`\(r.trained ? " (trained in \(String(format: "%.2f", r.trainSeconds ?? 0)) s)" : " (reused from the store)")"
            out += ", data sha256 `\(r.dataDigest?.prefix(12) ?? "?")`"
            if let c = r.champion, !r.candidateInService {
                out += "; champion `\(VersionIdentity.short(c.version))` from \(c.origin)"
            } else {
                out += "; \(r.championText)"
            }
            out += ".\n\n"
            if let n = r.testRows { out += "Test set: \(n) rows.\n\n" }
            for w in r.resolutionWarnings { out += "> ⚠️ \(w)\n\n" }
            out += "| metric | rule | threshold | candidate | champion | delta | verdict |\n|---|---|---:|---:|---:|---:|---|\n"
            for o in report.outcomes {
                let champ = o.champion ?? r.champion?.metrics?[o.metric]
                let delta = champ.map { o.candidate - $0 }
                let verdict = switch o.status {
                case .passed: "✅ pass"
                case .failed: "❌ **fail**"
                case .skipped: "⏭️ skipped"
                case .notApplicable: "➖ not applicable"
                }
                out += "| \(o.metric) | \(o.threshold) | \(fmt(o.limit)) | \(fmt(o.candidate)) | \(fmt(champ)) | \(delta.map { ($0 >= 0 ? "+" : "") + fmt($0) } ?? "–") | \(verdict) |\n"
            }
            if report.outcomes.isEmpty { out += "| – | – | – | – | – | – | no rules: passes |\n" }
            out += "\n" + report.outcomes.map { "- \($0.message)" }.joined(separator: "\n") + "\n"
            if let labels = r.evaluation["labels"]?.arrayValue?.compactMap(\.stringValue),
               let rows = r.evaluation["confusion"]?.arrayValue {
                out += "\n<details><summary>Confusion matrix (rows: truth, columns: predicted)</summary>\n\n"
                out += "| | " + labels.joined(separator: " | ") + " |\n|---|" + String(repeating: "---:|", count: labels.count) + "\n"
                for (label, row) in zip(labels, rows) {
                    out += "| **\(label)** | " + (row.arrayValue ?? []).map { JSON.format($0.doubleValue ?? 0) }.joined(separator: " | ") + " |\n"
                }
                out += "\n</details>\n"
            }
        }
        if !run.skipped.isEmpty {
            out += "\n## Skipped\n\n" + run.skipped.map { "- **\($0.model)**: \($0.reason)" }.joined(separator: "\n") + "\n"
        }
        return out
    }

    /// JUnit XML: one test suite per model, one test case per gate rule.
    public static func junit(_ run: GateRun) -> String {
        let results = run.results
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var suites = ""
        var total = 0, failures = 0, errors = 0, skipped = 0
        for r in results {
            var cases = ""
            var f = 0, e = 0, s = 0
            if let err = r.error {
                cases += "    <testcase classname=\"sluice.gate.\(esc(r.model))\" name=\"gate\"><error message=\"\(esc(err))\"/></testcase>\n"
                e += 1
            }
            for o in r.report?.outcomes ?? [] {
                let name = "\(o.metric) \(o.threshold) \(fmt(o.limit))"
                cases += "    <testcase classname=\"sluice.gate.\(esc(r.model))\" name=\"\(esc(name))\">"
                switch o.status {
                case .passed: break
                case .failed: cases += "<failure message=\"\(esc(o.message))\">\(esc(o.message))</failure>"; f += 1
                case .skipped, .notApplicable: cases += "<skipped message=\"\(esc(o.message))\"/>"; s += 1
                }
                cases += "</testcase>\n"
            }
            let n = (r.report?.outcomes.count ?? 0) + (r.error == nil ? 0 : 1)
            suites += "  <testsuite name=\"\(esc(r.model))\" tests=\"\(n)\" failures=\"\(f)\" errors=\"\(e)\" skipped=\"\(s)\">\n\(cases)  </testsuite>\n"
            total += n; failures += f; errors += e; skipped += s
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"sluice gate\" tests=\"\(total)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\">\n\(suites)</testsuites>\n"
    }

    /// The format version of ``json(_:)``.
    public static let jsonFormatVersion = 1

    /// The stable, documented `gate --json` document (see docs/json-output.md).
    public static func json(_ run: GateRun) -> JSON {
        let results = run.results
        return [
            "formatVersion": .number(Double(jsonFormatVersion)),
            "exitCode": .number(Double(exitCode(run))),
            "passed": .bool(exitCode(run) == 0),
            "skipped": .array(run.skipped.map { ["name": .string($0.model), "reason": .string($0.reason)] }),
            "models": .array(results.map { r in
                [
                    "name": .string(r.model), "file": .string(r.file), "passed": .bool(r.passed),
                    "version": r.version.map(JSON.string) ?? .null, "trained": .bool(r.trained),
                    "trainSeconds": r.trainSeconds.map(JSON.number) ?? .null, "dataDigest": r.dataDigest.map(JSON.string) ?? .null,
                    "metrics": .object(r.metrics.mapValues(JSON.number)),
                    "champion": r.champion.map { c in
                        ["version": .string(c.version), "origin": .string(c.origin), "metrics": c.metrics.map { .object($0.mapValues(JSON.number)) } ?? .null]
                    } ?? .null,
                    "candidateInService": .bool(r.candidateInService),
                    "testRows": r.testRows.map { .number(Double($0)) } ?? .null,
                    "warnings": .strings(r.resolutionWarnings),
                    "rules": r.report?.json ?? .array([]),
                    "evaluation": r.evaluation,
                    "history": .array(r.history.map { h in
                        ["version": .string(h.version), "publishedAt": .string(ISO8601DateFormatter().string(from: h.publishedAt)),
                         "metrics": .object(h.metrics.mapValues(JSON.number))]
                    }),
                    "error": r.error.map(JSON.string) ?? .null,
                ]
            }),
            "errors": .array(run.errors.map(\.json)),
        ]
    }
}
