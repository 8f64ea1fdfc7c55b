import SluiceCore

extension ReferenceProfile {
    /// The JSON form, as stored in the artifact's `"reference"` field:
    /// `{"features": [{"name", "histogram"}], "prediction": <histogram>, "calibration": {"xs", "ys"} (classifiers),
    /// "testMetrics": {...}, "trainingRows": n, "testRows": n}`.
    public var json: JSON {
        var o: [String: JSON] = [
            "features": .array(features.map { ["name": .string($0.name), "histogram": $0.histogram.json] }),
            "prediction": prediction.json,
            "testMetrics": .object(testMetrics.mapValues(JSON.number)),
            "trainingRows": .number(Double(trainingRows)),
            "testRows": .number(Double(testRows)),
        ]
        if let calibration { o["calibration"] = calibration.json }
        return .object(o)
    }

    /// Reads the form written by ``json``.
    ///
    /// - Throws: ``MonitorError`` naming the field that is missing or malformed.
    public init(json: JSON) throws(MonitorError) {
        guard let items = json["features"]?.arrayValue else { throw MonitorError("a reference profile needs \"features\", an array") }
        var features: [Feature] = []
        for (i, item) in items.enumerated() {
            guard let name = item["name"]?.stringValue else { throw MonitorError("reference features[\(i)] needs a \"name\" string") }
            guard let h = item["histogram"] else { throw MonitorError("reference features[\(i)] needs a \"histogram\"") }
            features.append(Feature(name: name, histogram: try Histogram(json: h)))
        }
        guard let p = json["prediction"] else { throw MonitorError("a reference profile needs \"prediction\", a histogram") }
        let prediction = try Histogram(json: p)
        let calibration = try json["calibration"].map { j throws(MonitorError) in try IsotonicCalibration(json: j) }
        var metrics: [String: Double] = [:]
        for (k, v) in json["testMetrics"]?.objectValue ?? [:] {
            guard let d = v.doubleValue else { throw MonitorError("reference testMetrics.\(k) must be a number") }
            metrics[k] = d
        }
        guard let trainingRows = json["trainingRows"]?.intValue, trainingRows >= 0,
              let testRows = json["testRows"]?.intValue, testRows >= 0 else {
            throw MonitorError("a reference profile needs \"trainingRows\" and \"testRows\", non-negative integers")
        }
        self.init(features: features, prediction: prediction, calibration: calibration, testMetrics: metrics,
                  trainingRows: trainingRows, testRows: testRows)
    }
}
