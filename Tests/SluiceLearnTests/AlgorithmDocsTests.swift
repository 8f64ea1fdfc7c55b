import Foundation
import Testing
import SluiceCore
@testable import SluiceLearn

/// Keeps the hand-written algorithm guides (`docs/algorithms.md` and `docs/algorithms/*.md`) in
/// step with ``AlgorithmCatalog``, the one place the parameters and their defaults are written:
/// every algorithm is listed with its tasks and guide, and every guide's parameter table names
/// exactly the catalog's parameters with the catalog's defaults.
@Suite struct AlgorithmDocsTests {
    /// One row of a markdown table, its cells trimmed.
    typealias Row = [String]

    /// The rows of every table in `text` (header first, the `|---|` line left out), table by table.
    static func tables(_ text: String) -> [[Row]] {
        var tables: [[Row]] = []
        var current: [Row] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("|") else {
                if !current.isEmpty { tables.append(current); current = [] }
                continue
            }
            let cells = trimmed.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.allSatisfy({ $0.allSatisfy { $0 == "-" || $0 == ":" } }) { continue }
            current.append(cells)
        }
        if !current.isEmpty { tables.append(current) }
        return tables
    }

    /// The `code spans` of a cell, in order.
    static func codeSpans(_ cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: Fixtures.root.appendingPathComponent(relative), encoding: .utf8)
    }

    /// The index in `docs/algorithms.md`: each algorithm's tasks cell and guide file.
    static func index() throws -> [String: (tasks: String, guide: String)] {
        let table = try #require(tables(try read("docs/algorithms.md")).first { $0.first?.first == "name" })
        var out: [String: (tasks: String, guide: String)] = [:]
        for row in table.dropFirst() {
            let guide = try #require(row[2].split(separator: "(").last.map { String($0.dropLast()) }, "guide link in \(row)")
            for name in codeSpans(row[0]) { out[name] = (row[1], "docs/" + guide) }
        }
        return out
    }

    /// A documented default, parsed as the JSON a manifest would write: the cell's first code span
    /// or first word (`1e-7`, `` `null` (all) ``, `` `"uniform"` ``).
    static func documentedDefault(_ cell: String) throws -> JSON {
        let text = cell.hasPrefix("`") ? codeSpans(cell)[0] : String(cell.prefix { $0 != " " && $0 != ":" })
        return try JSONParser.parse(text).value
    }

    /// The parameter table of `algorithm` in its guide: parameter name → default cell, with
    /// "as `other`" rows resolved through the other algorithm's guide.
    static func documentedParameters(_ algorithm: String, index: [String: (tasks: String, guide: String)]) throws -> [String: JSON] {
        let entry = try #require(index[algorithm], "\(algorithm) is not listed in docs/algorithms.md")
        let table = try #require(tables(try read(entry.guide)).first { $0.first?.contains("parameter") == true },
                                 "\(entry.guide) has no parameter table")
        let header = table[0]
        let parameterColumn = try #require(header.firstIndex(of: "parameter")), defaultColumn = try #require(header.firstIndex(of: "default"))
        let algorithmColumn = header.firstIndex(of: "algorithm")
        var out: [String: JSON] = [:]
        for row in table.dropFirst() {
            if let algorithmColumn, row[algorithmColumn] != "both", !codeSpans(row[algorithmColumn]).contains(algorithm) { continue }
            let cell = row[defaultColumn]
            for name in codeSpans(row[parameterColumn]) {
                if cell.hasPrefix("as ") {
                    let other = try documentedParameters(codeSpans(cell)[0], index: index)
                    guard let value = other[name] else {
                        Issue.record("\(entry.guide): \(name) is \"\(cell)\", which does not document it")
                        continue
                    }
                    out[name] = value
                } else {
                    out[name] = try documentedDefault(cell)
                }
            }
        }
        return out
    }

    @Test func everyAlgorithmIsListedWithItsTasksAndAGuide() throws {
        let index = try Self.index()
        #expect(Set(index.keys) == Set(AlgorithmCatalog.names), "docs/algorithms.md lists \(index.keys.sorted()), the catalog has \(AlgorithmCatalog.names)")
        for algorithm in AlgorithmCatalog.all {
            guard let entry = index[algorithm.name] else { continue }
            let tasks = algorithm.tasks.count == LearningTask.allCases.count ? "both" : algorithm.tasks.map(\.rawValue).joined(separator: ", ")
            #expect(entry.tasks == tasks, "docs/algorithms.md: \(algorithm.name) supports \(tasks)")
            #expect(FileManager.default.fileExists(atPath: Fixtures.root.appendingPathComponent(entry.guide).path), "\(entry.guide)")
        }
    }

    @Test(arguments: AlgorithmCatalog.names)
    func theGuideDocumentsEveryCatalogParameterWithItsDefault(_ name: String) throws {
        let algorithm = try #require(AlgorithmCatalog.algorithm(named: name))
        let documented = try Self.documentedParameters(name, index: try Self.index())
        for p in algorithm.parameters {
            #expect(documented[p.name] == p.defaultValue,
                    "the guide of \(name) documents \(p.name) with default \(documented[p.name].map { "\($0)" } ?? "none"); the catalog's is \(p.defaultValue)")
        }
        let extra = Set(documented.keys).subtracting(algorithm.parameters.map(\.name))
        #expect(extra.isEmpty, "the guide of \(name) documents parameters the catalog lacks: \(extra.sorted())")
    }
}
