import SluiceCore

extension MonitorCondition {
    /// The JSON form: `{"type", "reason", "message", "features"}`.
    public var json: JSON {
        ["type": .string(kind.rawValue), "reason": .string(reason.rawValue), "message": .string(message), "features": .strings(features)]
    }

    /// Reads the form written by ``json``.
    public init(json: JSON) throws(MonitorError) {
        guard let kind = json["type"]?.stringValue.flatMap(Kind.init(rawValue:)),
              let reason = json["reason"]?.stringValue.flatMap(Reason.init(rawValue:)),
              let message = json["message"]?.stringValue else {
            throw MonitorError("a condition needs \"type\", \"reason\" and \"message\" of the known kinds")
        }
        self.init(kind: kind, reason: reason, message: message, features: (json["features"]?.arrayValue ?? []).compactMap(\.stringValue))
    }
}

extension MonitorReport {
    /// The JSON form (see docs/monitoring.md): rows, labelled rows, per-feature drift, prediction drift, the
    /// live metric with its interval, the label-free estimate, and the conditions.
    public var json: JSON {
        func optional(_ d: Double?) -> JSON { d.map(JSON.number) ?? .null }
        var live: JSON = .null
        if let l = self.live {
            live = ["metric": .string(l.name), "value": .number(l.value), "labelled": .number(Double(l.labelled)),
                    "low": optional(l.interval?.lowerBound), "high": optional(l.interval?.upperBound)]
        }
        return [
            "rows": .number(Double(rows)),
            "labelled": .number(Double(labelled)),
            "features": .array(features.map { d in
                ["name": .string(d.name), "psi": .number(d.psi), "ks": .number(d.ks), "missingRate": .number(d.missingRate),
                 "referenceMissingRate": .number(d.referenceMissingRate), "unknownRate": .number(d.unknownRate), "level": .string(d.level.rawValue)]
            }),
            "prediction": ["psi": optional(predictionPSI)],
            "metric": ["name": .string(metric), "test": optional(referenceValue)],
            "live": live,
            "estimate": ["accuracy": optional(estimatedAccuracy)],
            "conditions": .array(conditions.map(\.json)),
        ]
    }
}
