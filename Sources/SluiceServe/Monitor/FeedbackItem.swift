import Foundation
import SluiceCore
import SluiceLearn

/// One label of a `POST /v2/models/{name}/feedback` body: the truth of row `row` of request `id`.
public struct FeedbackItem: Equatable, Sendable {
    /// The request id the prediction was answered under.
    public var id: String
    /// The row of that request, from 0.
    public var row: Int
    /// The truth: a class label (a string, or a number for numeric classes) or a regression value.
    public var truth: JSON
    /// When the truth was observed (Unix seconds), when the client says.
    public var time: Double?

    /// The most items one request may carry (a larger batch is 413: split it).
    public static let maxItems = 10_000
    /// The largest magnitude of a numeric truth (its squared error stays finite in the window's sums).
    public static let maxMagnitude = 1e150
    /// The most UTF-8 bytes of an `id`.
    public static let maxIDBytes = 256
    /// The most UTF-8 bytes of a string truth (a class label).
    public static let maxTruthBytes = 1_024

    /// Reads and checks a feedback body for `model`, all items before any is stored.
    ///
    /// A classifier's truth is a string or a number (read as its JSON text, so `1.0` is the class `"1"`);
    /// a label that is not one of the model's classes is accepted and counted as `unknownTruth` (wrong).
    /// A regressor's truth is a finite number. A numeric truth is at most ``maxMagnitude`` in magnitude,
    /// an `id` at most ``maxIDBytes`` bytes, a string truth at most ``maxTruthBytes`` bytes.
    ///
    /// - Throws: ``ServeError``: 400 naming the item index and field for malformed JSON, a missing or
    ///   empty or too long `id`, a too long or too large truth, a negative or fractional `row`, a truth of the wrong type, a `ts` that is neither Unix
    ///   seconds nor ISO 8601; 413 for more than ``maxItems`` items.
    public static func parse(_ body: [UInt8], model: ServedModel) throws(ServeError) -> [FeedbackItem] {
        let json: JSON
        do { json = try JSONParser.parse(body).value } catch {
            throw ServeError(400, "the feedback body is not valid JSON: \(error); send {\"items\": [{\"id\": \"<request id>\", \"row\": 0, \"truth\": ...}]}")
        }
        guard case .object(let o) = json, case .array(let items)? = o["items"] else {
            throw ServeError(400, "the feedback body must be an object with \"items\", an array of {\"id\", \"row\", \"truth\"}")
        }
        guard !items.isEmpty else { throw ServeError(400, "\"items\" is empty; send at least one label") }
        guard items.count <= maxItems else {
            throw ServeError(413, "the feedback body has \(items.count) items, more than the \(maxItems) one request may carry; split it into batches of at most \(maxItems)")
        }
        let regression = model.artifact.task == .regression
        var out: [FeedbackItem] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case .object(let fields) = item else { throw ServeError(400, "items[\(i)] must be an object, got \(item.typeDescription)") }
            guard case .string(let id)? = fields["id"], !id.isEmpty else {
                throw ServeError(400, "items[\(i)].id must be the request id (a non-empty string), got \(fields["id"].map(\.typeDescription) ?? "nothing")")
            }
            guard id.utf8.count <= maxIDBytes else {
                throw ServeError(400, "items[\(i)].id is \(id.utf8.count) bytes, more than the \(maxIDBytes) a request id may have; use the id the prediction was answered under")
            }
            var row = 0
            if let r = fields["row"], r != .null {
                guard case .number(let d) = r, d >= 0, d == d.rounded(), d < 1e15 else {
                    throw ServeError(400, "items[\(i)].row must be a row index (an integer from 0), got \(r.typeDescription == "number" ? JSON.format(r.doubleValue ?? 0) : r.typeDescription)")
                }
                row = Int(d)
            }
            guard let truth = fields["truth"], truth != .null else { throw ServeError(400, "items[\(i)].truth is missing; give the true label or value") }
            if case .number(let d) = truth, d.isFinite, abs(d) > maxMagnitude {
                throw ServeError(400, "items[\(i)].truth \(JSON.format(d)) is larger in magnitude than \(JSON.format(maxMagnitude)); send the true value in the model's units")
            }
            if case .string(let s) = truth, s.utf8.count > maxTruthBytes {
                throw ServeError(400, "items[\(i)].truth is a string of \(s.utf8.count) bytes, more than the \(maxTruthBytes) a class label may have; send the class label")
            }
            let stored: JSON
            switch (truth, regression) {
            case (.number(let d), true) where d.isFinite: stored = .number(d)
            case (_, true):
                throw ServeError(400, "items[\(i)].truth must be a number for model \(model.name) (a regressor), got \(Self.describe(truth))")
            case (.string(let s), false): stored = .string(s)
            case (.number(let d), false) where d.isFinite: stored = .string(JSON.format(d))
            case (_, false):
                throw ServeError(400, "items[\(i)].truth must be a class label (a string or a number) for model \(model.name) (a classifier), got \(Self.describe(truth))")
            }
            var time: Double?
            switch fields["ts"] {
            case nil, .null?: break
            case .number(let d)? where d.isFinite: time = d
            case .string(let s)?:
                guard let date = ISO8601DateFormatter().date(from: s) else {
                    throw ServeError(400, "items[\(i)].ts \"\(s)\" is not a time; give Unix seconds or ISO 8601 (2026-12-01T06:00:00Z)")
                }
                time = date.timeIntervalSince1970
            case let other?:
                throw ServeError(400, "items[\(i)].ts must be Unix seconds or an ISO 8601 string, got \(other.typeDescription)")
            }
            out.append(FeedbackItem(id: id, row: row, truth: stored, time: time))
        }
        return out
    }

    private static func describe(_ v: JSON) -> String {
        switch v {
        case .string(let s): "the string \"\(s.prefix(40))\""
        default: v.typeDescription
        }
    }
}
