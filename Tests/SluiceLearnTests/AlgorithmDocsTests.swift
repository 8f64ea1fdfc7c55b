import Foundation
import Testing
import SluiceCore
@testable import SluiceLearn

/// Keeps the hand-written algorithm guides (`docs/algorithms.md` and `docs/algorithms/*.md`) in
/// step with ``AlgorithmCatalog``, the one place the parameters and their defaults are written:
/// every algorithm is listed with its tasks and guide, and every guide's parameter table names
/// exactly the catalog's parameters with the catalog's defaults and allowed values.
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

    /// One row of a guide's parameter table: the default, parsed, and the "allowed" cell.
    struct Documented {
        var defaultValue: JSON
        var allowed: String
    }

    /// The parameter table of `algorithm` in its guide by parameter name, with "as `other`" cells
    /// (and empty "allowed" cells next to them) resolved through the other algorithm's guide.
    static func documentedParameters(_ algorithm: String, index: [String: (tasks: String, guide: String)]) throws -> [String: Documented] {
        let entry = try #require(index[algorithm], "\(algorithm) is not listed in docs/algorithms.md")
        let table = try #require(tables(try read(entry.guide)).first { $0.first?.contains("parameter") == true },
                                 "\(entry.guide) has no parameter table")
        let header = table[0]
        let parameterColumn = try #require(header.firstIndex(of: "parameter")), defaultColumn = try #require(header.firstIndex(of: "default"))
        let allowedColumn = try #require(header.firstIndex(of: "allowed"))
        let algorithmColumn = header.firstIndex(of: "algorithm")
        var out: [String: Documented] = [:]
        for row in table.dropFirst() {
            if let algorithmColumn, row[algorithmColumn] != "both", !codeSpans(row[algorithmColumn]).contains(algorithm) { continue }
            let cell = row[defaultColumn], allowed = row[allowedColumn]
            for name in codeSpans(row[parameterColumn]) {
                var other: Documented?
                if let reference = [cell, allowed].first(where: { $0.hasPrefix("as ") }) {
                    other = try documentedParameters(codeSpans(reference)[0], index: index)[name]
                    if other == nil { Issue.record("\(entry.guide): \(name) is \"\(reference)\", which does not document it"); continue }
                }
                out[name] = Documented(defaultValue: try cell.hasPrefix("as ") ? other!.defaultValue : documentedDefault(cell),
                                       allowed: allowed.isEmpty || allowed.hasPrefix("as ") ? other!.allowed : allowed)
            }
        }
        return out
    }

    /// What is wrong with an "allowed" cell for `p`, if anything: the bounds of a number (its first
    /// two numbers, `,` grouping ignored, and whether the lower one is included), the options of a
    /// choice, `bool` for a boolean, `null` where it means something of its own.
    static func allowedProblem(_ p: Parameter, _ cell: String) throws -> String? {
        let numbers = cell.replacingOccurrences(of: ",", with: "").matches(of: try Regex("[0-9]+(\\.[0-9]+)?(e-?[0-9]+)?"))
            .compactMap { Double(String(cell.replacingOccurrences(of: ",", with: "")[$0.range])) }
        func bounds(_ lo: Double, _ hi: Double) -> String? {
            if numbers.first != lo { return "lower bound \(numbers.first.map(JSON.format) ?? "none"), the catalog's is \(JSON.format(lo))" }
            if numbers.count > 1, numbers[1] != hi { return "upper bound \(JSON.format(numbers[1])), the catalog's is \(JSON.format(hi))" }
            return nil
        }
        switch p.kind {
        case .integer(let lo, let hi):
            return bounds(Double(lo), Double(hi))
        case .optionalInteger(let lo, let hi):
            return cell.contains("null") ? bounds(Double(lo), Double(hi)) : "null (no limit) is not mentioned"
        case .number(let lo, let inclusive, let hi):
            let included = cell.hasPrefix("[") || cell.hasPrefix("≥"), excluded = cell.hasPrefix("(") || cell.hasPrefix(">")
            if inclusive ? !included : !excluded { return "the lower bound should be \(inclusive ? "included ([ or ≥)" : "excluded (( or >)")" }
            return bounds(lo, hi)
        case .boolean:
            return cell == "bool" ? nil : "a boolean is written `bool`"
        case .choice(let options), .optionalChoice(let options):
            return Set(codeSpans(cell)) == Set(options) ? nil : "the options are \(options), the cell names \(codeSpans(cell))"
        case .featureCount:
            return ["null", "\"sqrt\"", "\"log2\"", "integer", "fraction"].allSatisfy(cell.contains) ? nil
                : "null, \"sqrt\", \"log2\", an integer and a fraction should all be named"
        }
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
    func theGuideDocumentsEveryCatalogParameterWithItsDefaultAndRange(_ name: String) throws {
        let algorithm = try #require(AlgorithmCatalog.algorithm(named: name))
        let documented = try Self.documentedParameters(name, index: try Self.index())
        for p in algorithm.parameters {
            #expect(documented[p.name]?.defaultValue == p.defaultValue,
                    "the guide of \(name) documents \(p.name) with default \(documented[p.name].map { "\($0.defaultValue)" } ?? "none"); the catalog's is \(p.defaultValue)")
            if let allowed = documented[p.name]?.allowed, let problem = try Self.allowedProblem(p, allowed) {
                Issue.record("the guide of \(name) documents \(p.name) as allowing \"\(allowed)\": \(problem)")
            }
        }
        let extra = Set(documented.keys).subtracting(algorithm.parameters.map(\.name))
        #expect(extra.isEmpty, "the guide of \(name) documents parameters the catalog lacks: \(extra.sorted())")
    }
}
