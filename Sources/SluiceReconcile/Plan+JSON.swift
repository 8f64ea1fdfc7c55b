import SluiceCore
import SluiceManifest

extension Plan {
    /// The format version of ``json``; bumped only on incompatible changes.
    public static let jsonFormatVersion = 1

    /// The plan as the stable, documented `plan --json` document (see docs/json-output.md).
    public func json(errors: [ManifestError]) -> JSON {
        var summary: [String: JSON] = [:]
        for kind in ["train", "evaluate", "publish", "retire"] { summary[kind] = .number(Double(count(kind))) }
        for c in [Condition.ready, .suspended, .retired, .rejected, .failed, .blocked] {
            summary[c == .ready ? "unchanged" : c.rawValue] = .number(Double(items.filter { $0.actions.isEmpty && $0.condition == c }.count))
        }
        return [
            "formatVersion": .number(Double(Plan.jsonFormatVersion)),
            "changes": .bool(hasChanges),
            "summary": .object(summary),
            "models": .array(items.map(\.json)),
            "warnings": .strings(warnings.filter { !$0.hasPrefix("invalid manifest: ") }),
            "errors": .array(errors.map(\.json)),
        ]
    }
}

extension PlanItem {
    public var json: JSON {
        ["name": .string(model), "condition": .string(condition.rawValue), "message": .string(message), "actions": .array(actions.map(\.json))]
    }
}

extension Action {
    public var json: JSON {
        var o: [String: JSON] = ["kind": .string(kind), "version": .string(version), "reason": .string(reason)]
        switch self {
        case .publish(_, let target, _, let conditional):
            o["target"] = target.json
            o["ifGatePasses"] = .bool(conditional)
        case .retire(_, let target, _):
            o["target"] = target.json
        default: break
        }
        return .object(o)
    }
}

extension ManifestError {
    public var json: JSON {
        [
            "file": .string(file), "line": position.map { .number(Double($0.line)) } ?? .null,
            "column": position.map { .number(Double($0.column)) } ?? .null,
            "path": .string(path), "message": .string(message), "model": model.map(JSON.string) ?? .null,
        ]
    }
}
