import SluiceCore
import SluiceLearn
import SluiceMonitor
import SluiceReconcile

/// Which labelled rows a feedback snapshot may hold: those whose cells the model's dataset can
/// hold, as the reference profile of the version in service describes its columns. A pure function.
///
/// A row is left out when its truth is not one of a classifier's classes (a misspelt label would
/// otherwise become a new class of the retrained model), when a regressor's truth is not a number,
/// or when a numeric feature holds text (training on the snapshot would then fail, and the retrain
/// would never finish), or a text value is as long as the row log keeps (it may have been cut). Rows without a truth (`null`, `""`, `NA`) are not counted:
/// ``FeedbackSnapshot/next(previous:labelled:features:target:holdout:)`` leaves them out anyway.
enum LabelledRowCheck {
    /// The rows kept, how many were left out, and why the first of them was.
    struct Outcome: Equatable {
        var kept: [FeedbackSnapshot.Labelled]
        var leftOut: Int
        var example: String?

        /// The left-out rows in words ("" when none), to append to a note or an event.
        var summary: String {
            guard leftOut > 0, let example else { return "" }
            return "; \(leftOut) labelled row\(leftOut == 1 ? "" : "s") left out (the first: \(example))"
        }
    }

    /// Splits `rows` by what `profile` says the dataset's columns can hold.
    /// - Complexity: O(rows × features).
    static func check(_ rows: [FeedbackSnapshot.Labelled], profile: ReferenceProfile) -> Outcome {
        let classes = Set(profile.classes)
        let numeric = profile.features.filter { if case .numeric = $0.bins { true } else { false } }.map(\.name)
        var out = Outcome(kept: [], leftOut: 0, example: nil)
        out.kept.reserveCapacity(rows.count)
        for row in rows {
            guard let problem = problem(row, profile: profile, classes: classes, numeric: numeric) else {
                out.kept.append(row)
                continue
            }
            out.leftOut += 1
            if out.example == nil { out.example = "request id \"\(row.id)\", row \(row.row): \(problem)" }
        }
        return out
    }

    /// Why the dataset cannot hold `row`, or `nil`.
    private static func problem(_ row: FeedbackSnapshot.Labelled, profile: ReferenceProfile, classes: Set<String>, numeric: [String]) -> String? {
        let truth = FeedbackSnapshot.cell(row.truth)
        if CSVReader.isMissing(truth) { return nil }
        if profile.isClassifier {
            guard classes.contains(truth) else {
                return "truth \(quoted(row.truth)) is not a class of the model (\(profile.classes.joined(separator: ", ")))"
            }
        } else if CSVReader.number(truth) == nil {
            return "truth \(quoted(row.truth)) is not a number, and the model is a regressor"
        }
        for name in numeric {
            let cell = FeedbackSnapshot.cell(row.features[name])
            if !CSVReader.isMissing(cell), CSVReader.number(cell) == nil {
                return "\(name) is \(quoted(row.features[name] ?? .null)), but the feature is numeric"
            }
        }
        for (name, value) in row.features.sorted(by: { $0.key < $1.key }) {
            // The log cuts at a character's start, so up to 3 bytes before its limit.
            if case .string(let text) = value, text.utf8.count > RowLog.maxTextBytes - 4 {
                return "\(name) has \(text.utf8.count) bytes of text, which the server's row log may have cut (it keeps \(RowLog.maxTextBytes)); a retrain would learn a value never served"
            }
        }
        return nil
    }

    /// A value as JSON text, at most 64 characters of it.
    private static func quoted(_ value: JSON) -> String {
        let text = String(decoding: value.canonicalBytes(), as: UTF8.self)
        return text.count > 64 ? String(text.prefix(64)) + "…" : text
    }
}
