import SluiceCore
import SluiceManifest

extension Plan {
    /// The format version of ``json``; bumped only on incompatible changes.
    public static let jsonFormatVersion = 1

    /// The plan as the stable, documented `plan --json` document (see docs/json-output.md).
    public func json(errors: [ManifestError]) -> JSON {
        var summary: [String: JSON] = [:]
        for kind in ActionKind.allCases { summary[kind.rawValue] = .number(Double(count(kind))) }
        for c in [Condition.ready, .suspended, .retired, .rejected, .failed, .blocked] {
            summary[c == .ready ? "unchanged" : c.rawValue] = .number(Double(items.filter { $0.actions.isEmpty && $0.condition == c }.count))
        }
        return [
            "formatVersion": .number(Double(Plan.jsonFormatVersion)),
            "changes": .bool(hasChanges),
            "summary": .object(summary),
            "models": .array(items.map(\.json)),
            // Invalid manifests are listed in `errors`, with their file, line and field.
            "warnings": .strings(warnings.filter { !$0.isInvalidManifest }.map(\.description)),
            "errors": .array(errors.map(\.json)),
        ]
    }
}

extension PlanItem {
    /// The item as one of `plan --json`'s `models`.
    public var json: JSON {
        [
            "name": .string(model), "condition": .string(condition.rawValue), "message": .string(message),
            "conditionReason": conditionReason.map { .string($0.token.rawValue) } ?? .null, "actions": .array(actions.map(\.json)),
        ]
    }
}

extension Action {
    /// The action as one of `plan --json`'s `actions`.
    public var json: JSON {
        var o: [String: JSON] = [
            "kind": .string(kind.rawValue), "version": .string(version),
            "reason": .string(reason.message), "reasonToken": .string(reason.token.rawValue),
        ]
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
