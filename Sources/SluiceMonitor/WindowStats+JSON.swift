import SluiceCore

extension LabelledStats {
    /// The JSON form: `{"confusion": [[...]], "unknownTruth": n}` for a classifier,
    /// `{"count", "sumSquaredError", "sumAbsoluteError", "sumTruth", "sumTruthSquared"}` for a regressor.
    public var json: JSON {
        if isClassification {
            return ["confusion": .array(confusion.map(JSON.integers)), "unknownTruth": .number(Double(unknownTruth))]
        }
        return ["count": .number(Double(count)), "sumSquaredError": .number(sumSquaredError), "sumAbsoluteError": .number(sumAbsoluteError),
                "sumTruth": .number(sumTruth), "sumTruthSquared": .number(sumTruthSquared)]
    }

    /// Reads the form written by ``json`` for a model with `classes` classes (0 for a regressor).
    ///
    /// - Throws: ``MonitorError`` when a field is missing or does not fit.
    public init(json: JSON, classes: Int) throws(MonitorError) {
        if classes > 0 {
            guard let rows = json["confusion"]?.arrayValue, rows.count == classes else {
                throw MonitorError("labelled statistics need \"confusion\", a \(classes)×\(classes) array of counts")
            }
            var confusion: [[Int]] = []
            for row in rows {
                guard let cells = row.arrayValue, cells.count == classes else {
                    throw MonitorError("labelled statistics need \"confusion\", a \(classes)×\(classes) array of counts")
                }
                var counts: [Int] = []
                for cell in cells {
                    guard let c = cell.intValue, c >= 0 else { throw MonitorError("\"confusion\" must hold non-negative integers") }
                    counts.append(c)
                }
                confusion.append(counts)
            }
            guard let unknown = json["unknownTruth"]?.intValue, unknown >= 0 else {
                throw MonitorError("labelled statistics need \"unknownTruth\", a non-negative integer")
            }
            // The total must be countable: cells read from elsewhere could add up past Int.max.
            var total = unknown
            for cell in confusion.joined() {
                let (sum, overflow) = total.addingReportingOverflow(cell)
                guard !overflow else { throw MonitorError("labelled statistics: the \"confusion\" counts add up to more than can be counted") }
                total = sum
            }
            self.init(confusion: confusion, unknownTruth: unknown, count: 0, sumSquaredError: 0, sumAbsoluteError: 0, sumTruth: 0, sumTruthSquared: 0)
            return
        }
        guard let count = json["count"]?.intValue, count >= 0, let sse = json["sumSquaredError"]?.doubleValue,
              let sae = json["sumAbsoluteError"]?.doubleValue, let st = json["sumTruth"]?.doubleValue,
              let st2 = json["sumTruthSquared"]?.doubleValue else {
            throw MonitorError("labelled statistics need \"count\", \"sumSquaredError\", \"sumAbsoluteError\", \"sumTruth\" and \"sumTruthSquared\", finite numbers (a null is a sum that overflowed)")
        }
        guard sse >= 0, sae >= 0, st2 >= 0, st.isFinite, sse.isFinite, sae.isFinite, st2.isFinite else {
            throw MonitorError("labelled statistics: \"sumSquaredError\", \"sumAbsoluteError\" and \"sumTruthSquared\" must be finite and not negative (got \(JSON.format(sse)), \(JSON.format(sae)), \(JSON.format(st2)))")
        }
        self.init(confusion: [], unknownTruth: 0, count: count, sumSquaredError: sse, sumAbsoluteError: sae, sumTruth: st, sumTruthSquared: st2)
    }
}

extension WindowStats {
    /// The JSON form, counts only (the bins are the profile's):
    /// `{"rows", "features": [[counts]], "unknown": [...], "prediction": [counts], "calibratedSum", "labelled"}`.
    public var json: JSON {
        ["rows": .number(Double(rows)), "features": .array(features.map { .integers($0.counts) }), "unknown": .integers(unknown),
         "prediction": .integers(prediction.counts), "calibratedSum": .number(calibratedSum), "labelled": labelled.json]
    }

    /// Reads the form written by ``json``, on the bins of `profile`.
    ///
    /// - Throws: ``MonitorError`` when a field is missing or the counts do not fit the profile's bins.
    public init(json: JSON, profile: ReferenceProfile) throws(MonitorError) {
        func counts(_ v: JSON?, _ what: String) throws(MonitorError) -> [Int] {
            guard let items = v?.arrayValue else { throw MonitorError("window statistics need \(what), an array of integers") }
            var out: [Int] = []
            for item in items {
                guard let c = item.intValue else { throw MonitorError("\(what) must hold only integers") }
                out.append(c)
            }
            return out
        }
        guard let rows = json["rows"]?.intValue else { throw MonitorError("window statistics need \"rows\", an integer") }
        guard let featureItems = json["features"]?.arrayValue, featureItems.count == profile.features.count else {
            throw MonitorError("window statistics need \"features\" with one histogram per feature (\(profile.features.count))")
        }
        var features: [Histogram] = []
        for (i, item) in featureItems.enumerated() {
            features.append(try Histogram(bins: profile.features[i].bins, counts: try counts(item, "\"features\"[\(i)]")))
        }
        let unknown = try counts(json["unknown"], "\"unknown\"")
        let prediction = try Histogram(bins: profile.prediction.bins, counts: try counts(json["prediction"], "\"prediction\""))
        guard let calibratedSum = json["calibratedSum"]?.doubleValue else { throw MonitorError("window statistics need \"calibratedSum\", a number") }
        guard let labelledJSON = json["labelled"] else { throw MonitorError("window statistics need \"labelled\"") }
        let labelled = try LabelledStats(json: labelledJSON, classes: profile.classes.count)
        try self.init(rows: rows, features: features, unknown: unknown, prediction: prediction, calibratedSum: calibratedSum, labelled: labelled)
    }
}
