import SluiceReconcile

/// The result of carrying out a plan.
public struct ApplyReport: Sendable, Equatable {
    public var outcomes: [ModelOutcome]
    public var warnings: [ApplyWarning]
    public var trained = 0
    public var evaluated = 0
    public var published = 0
    public var retired = 0

    public init(outcomes: [ModelOutcome] = [], warnings: [ApplyWarning] = []) {
        self.outcomes = outcomes
        self.warnings = warnings
    }

    public var failed: [ModelOutcome] { outcomes.filter { $0.condition == .failed } }
    public var rejected: [ModelOutcome] { outcomes.filter { $0.condition == .rejected } }
    /// Models whose retirement a safety rule withheld: the state has not converged.
    public var blocked: [ModelOutcome] { outcomes.filter { $0.condition == .blocked } }

    /// DESIGN §3: 0 converged, 1 an error (invalid manifest, failed model, or a retirement
    /// withheld, which leaves the state unconverged until a person acts), 3 a gate rejected a
    /// candidate. `plan` exits 1 for the same plans.
    public var exitCode: Int32 {
        if !failed.isEmpty || !blocked.isEmpty || warnings.contains(where: \.isInvalidManifest) { return 1 }
        if !rejected.isEmpty { return 3 }
        return 0
    }
}

import SluiceCore

extension ApplyReport {
    /// The format version of ``json``.
    public static let jsonFormatVersion = 1

    /// The stable, documented `apply --json` document (see docs/json-output.md).
    public var json: JSON {
        [
            "formatVersion": .number(Double(ApplyReport.jsonFormatVersion)),
            "exitCode": .number(Double(exitCode)),
            "counts": ["trained": .number(Double(trained)), "evaluated": .number(Double(evaluated)),
                       "published": .number(Double(published)), "retired": .number(Double(retired))],
            "models": .array(outcomes.map { o in
                ["name": .string(o.model), "condition": .string(o.condition.rawValue), "message": .string(o.message),
                 "conditionReason": o.conditionReason.map { .string($0.rawValue) } ?? .null, "done": .strings(o.done)]
            }),
            "warnings": .strings(warnings.map(\.description)),
        ]
    }
}
