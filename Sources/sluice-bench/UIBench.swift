import Foundation
import SluiceController
import SluiceCore
import SluiceUI

/// `sluice-bench ui --models N [--big-versions V] [--runs K] [--store FILE]`: the web UI's server
/// time (bench/ui/run.py drives it). Fills a real SQLite store with ``UIBenchData`` (N models and
/// one named `big` with V versions), then renders each page K times in process, as the routes do
/// (store reads, plan from the cache, templates), and prints one JSON line: per page the median
/// and p90 in milliseconds and the bytes of its HTML; and the same for each store read the pages
/// make (whole-store reads, and the per-model ones of `big`), timed alone. `--store` keeps the store at FILE (which
/// must not exist) for timing the same pages over HTTP with `sluice ui`; otherwise it is removed.
enum UIBench {
    /// The pages timed: `/ui` (first page, a sort with a later page, a label filter), the model
    /// with many versions and an ordinary one, the plan, the events.
    static let pages = [
        "/ui", "/ui?sort=health&page=2", "/ui?label=team%3Drisk", "/ui/models/big", "/ui/models/m-00001", "/ui/plan", "/ui/events",
    ]

    static func run(_ arguments: [String]) -> Never {
        var models = 1_000, bigVersions = 500, runs = 20
        var keep: String?
        var args = arguments[...]
        while let flag = args.popFirst() {
            guard let value = args.popFirst() else { fail("\(flag) needs a value") }
            switch flag {
            case "--models": models = Int(value) ?? models
            case "--big-versions": bigVersions = Int(value) ?? bigVersions
            case "--runs": runs = max(1, Int(value) ?? runs)
            case "--store": keep = value
            default: fail("usage: sluice-bench ui --models N [--big-versions V] [--runs K] [--store FILE]")
            }
        }
        let clock = ContinuousClock()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-bench-ui-\(UUID().uuidString)")
        let path = keep ?? directory.appendingPathComponent("state.db").path
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            guard !FileManager.default.fileExists(atPath: path) else { fail("--store \(path): the file exists; name a new one") }
            let generated = clock.now
            let data = UIBenchData(count: models, bigVersions: bigVersions)
            let filled = clock.now
            let store = try SQLiteStore(path: path)
            try store.importRecords(data.records)
            let imported = clock.now
            let plan = UIPlan(plan: data.plan, manifests: data.manifests, revision: String(repeating: "a", count: 40), madeAt: Date())
            let ui = try UI(context: UIContext(store: store, plans: PlanCache(maxAge: .seconds(86_400)) { plan },
                                               reconcile: .init(tokenRequired: false), server: "sluice-bench"))
            var results: [JSON] = [], reads: [JSON] = []
            // What the pages spend their time on: the store's reads they make, timed alone.
            let storeReads: [(String, () throws -> Void)] = [
                ("modelNames()", { _ = try store.modelNames() }),
                ("conditions()", { _ = try store.conditions() }),
                ("monitorStates()", { _ = try store.monitorStates() }),
                ("activePublications()", { _ = try store.activePublications() }),
                // What /ui asks for its sparklines (ModelsRow.sparklinePoints + 1).
                ("publishedMetrics(lastPerModel: 21)", { _ = try store.publishedMetrics(lastPerModel: 21, models: nil) }),
                ("observe()", { _ = try store.observe() }),
                ("events(model: nil, limit: 500)", { _ = try store.events(model: nil, limit: 500) }),
                ("versions(model: \"big\")", { _ = try store.versions(model: "big") }),
                ("verdicts(model: \"big\")", { _ = try store.verdicts(model: "big") }),
                ("publications(model: \"big\")", { _ = try store.publications(model: "big") }),
            ]
            for (name, read) in storeReads {
                try read()
                var times: [Double] = []
                for _ in 0..<runs {
                    let start = clock.now
                    try read()
                    times.append(seconds(clock.now - start) * 1_000)
                }
                times.sort()
                reads.append(["read": .string(name), "median_ms": .number(times[times.count / 2]),
                              "p90_ms": .number(times[min(times.count - 1, times.count * 9 / 10)])])
            }
            for page in pages {
                let (path, query) = split(page)
                let render = { () throws -> UIPage in
                    if path.hasPrefix("/ui/models/") { return try ui.model(String(path.dropFirst("/ui/models/".count)), query) }
                    switch path {
                    case "/ui/plan": return try ui.plan(query)
                    case "/ui/events": return try ui.events(query)
                    default: return try ui.models(query)
                    }
                }
                let first = try render()  // warms the store's page cache and the templates
                var times: [Double] = []
                for _ in 0..<runs {
                    let start = clock.now
                    _ = try render()
                    times.append(seconds(clock.now - start) * 1_000)
                }
                times.sort()
                results.append([
                    "page": .string(page), "status": .number(Double(first.status)), "bytes": .number(Double(first.html.utf8.count)),
                    "median_ms": .number(times[times.count / 2]), "p90_ms": .number(times[min(times.count - 1, times.count * 9 / 10)]),
                    "runs": .number(Double(runs)),
                ])
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            let out: JSON = [
                "models": .number(Double(models)), "big_versions": .number(Double(bigVersions)),
                "records": .number(Double(data.records.versions.count + data.records.verdicts.count + data.records.publications.count
                    + data.records.events.count + data.records.conditions.count + data.records.monitorStates.count)),
                "generate_s": .number(seconds(filled - generated)), "import_s": .number(seconds(imported - filled)),
                "store_bytes": .number(Double(size)), "pages": .array(results), "reads": .array(reads),
            ]
            print(out.canonical())
            exit(0)
        } catch {
            fail("ui: \(error)")
        }
    }

    static func split(_ page: String) -> (String, UIQuery) {
        guard let q = page.firstIndex(of: "?") else { return (page, UIQuery()) }
        return (String(page[..<q]), UIQuery(parsing: String(page[page.index(after: q)...])))
    }
}
