import Foundation
import SluiceCore
import SluiceMonitor

extension MonitorState.Tracked {
    /// `{"type", "reason", "message", "features", "since" (Unix seconds), "breached"}`.
    public var json: JSON {
        var o = condition.json.objectValue ?? [:]
        o["since"] = .number(since.timeIntervalSince1970)
        o["breached"] = .bool(breached)
        return .object(o)
    }

    /// Reads the form written by ``json``.
    public init(json: JSON) throws(MonitorError) {
        guard let since = json["since"]?.doubleValue, let breached = json["breached"]?.boolValue else {
            throw MonitorError("a tracked monitor condition needs \"since\" and \"breached\"")
        }
        self.init(condition: try MonitorCondition(json: json), since: Date(timeIntervalSince1970: since), breached: breached)
    }

    /// The conditions as stored: a JSON array's text.
    public static func text(_ conditions: [MonitorState.Tracked]) -> String { JSON.array(conditions.map(\.json)).canonical() }

    /// Reads ``text(_:)``.
    public static func read(_ text: String) throws(MonitorError) -> [MonitorState.Tracked] {
        guard let list = (try? JSONParser.parse(Array(text.utf8)).value)?.arrayValue else {
            throw MonitorError("stored monitor conditions are not a JSON array")
        }
        var out: [MonitorState.Tracked] = []
        for item in list { out.append(try MonitorState.Tracked(json: item)) }
        return out
    }
}
