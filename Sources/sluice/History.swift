import ArgumentParser
import Foundation
import SluiceController
import SluiceCore
import SluiceReconcile

extension Sluice {
    /// `sluice history NAME`: every version of a model, its verdicts, publications and events.
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every version of a model and what happened to it.")

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The model's name.")
        var name: String

        @Flag(help: "Print the history as JSON.")
        var json = false

        func run() throws {
            let store = try options.requireStoreReadOnly()
            let versions = try store.versions(model: name)
            let verdicts = try store.verdicts(model: name)
            let publications = try store.publications(model: name)
            let events = try store.events(model: name, limit: 1000)
            guard !versions.isEmpty || !events.isEmpty else {
                Terminal.error("the store has no model named \(name)")
                throw ExitCode(1)
            }
            let iso = ISO8601DateFormatter()
            if json {
                Terminal.printJSON([
                    "formatVersion": 1,
                    "name": .string(name),
                    "versions": .array(versions.map { v in
                        [
                            "version": .string(v.id), "artifactDigest": .string(v.artifactDigest), "trainedAt": .string(iso.string(from: v.trainedAt)),
                            "trainSeconds": .number(v.trainSeconds), "metrics": .object(v.metrics.mapValues(JSON.number)),
                            "dataDigest": .string(v.dataDigest), "testDigest": v.testDigest.map(JSON.string) ?? .null,
                            "manifest": .string(v.manifestFile), "manifestDigest": .string(v.manifestDigest), "inputs": Redaction.json(v.inputs),
                            "revision": v.revision.map(JSON.string) ?? .null,
                            "feedback": v.feedbackDigest.map(JSON.string) ?? .null,
                            "verdicts": .array(verdicts.filter { $0.version == v.id }.map { d in
                                ["gate": d.gate, "passed": .bool(d.passed), "summary": .string(d.summary), "champion": d.champion.map(JSON.string) ?? .null,
                                 "evaluatedAt": .string(iso.string(from: d.evaluatedAt))]
                            }),
                        ]
                    }),
                    "publications": .array(publications.map { p in
                        ["version": .string(p.version), "target": p.targetJSON, "publishedAt": .string(iso.string(from: p.publishedAt)),
                         "retiredAt": p.retiredAt.map { .string(iso.string(from: $0)) } ?? .null, "reason": .string(p.reason),
                         "revision": p.revision.map(JSON.string) ?? .null]
                    }),
                    "events": .array(events.map { e in
                        ["at": .string(iso.string(from: e.at)), "kind": .string(e.kind.rawValue), "message": .string(Redaction.text(e.message)), "revision": e.revision.map(JSON.string) ?? .null]
                    }),
                ])
                return
            }
            Terminal.print(Terminal.paint("Versions of \(name)", .bold))
            let active = publications.last { $0.retiredAt == nil }?.version
            for v in versions {
                let metrics = v.metrics.keys.sorted().filter { ["accuracy", "f1_macro"].contains($0) }.map { "\($0) \(String(format: "%.4f", v.metrics[$0]!))" }
                let mark = v.id == active ? Terminal.paint(" (in service)", .green) : ""
                Terminal.print("  \(VersionIdentity.short(v.id))  \(iso.string(from: v.trainedAt))  \(metrics.joined(separator: ", "))\(mark)")
                Terminal.print("      \(v.inputs["algorithm"]?.canonical() ?? "")  data \(v.dataDigest.prefix(12))"
                               + (v.feedbackDigest.map { "  feedback snapshot \($0.prefix(12))" } ?? "") + (v.revision.map { "  rev \($0.prefix(12))" } ?? ""))
                for d in verdicts where d.version == v.id {
                    Terminal.print("      gate \(d.passed ? "passed" : "failed"): \(d.summary)")
                }
            }
            Terminal.print(Terminal.paint("Publications", .bold))
            for p in publications {
                let until = p.retiredAt.map { "until \(iso.string(from: $0))" } ?? "in service"
                Terminal.print("  \(VersionIdentity.short(p.version))  \(p.deploy.summary)  from \(iso.string(from: p.publishedAt)) \(until)  (\(p.reason))")
            }
            Terminal.print(Terminal.paint("Events", .bold))
            for e in events { Terminal.print("  \(iso.string(from: e.at))  \(e.kind.rawValue)  \(e.message)") }
        }
    }
}
