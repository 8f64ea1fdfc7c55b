#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SluiceCore

/// The hyperparameters of one training run, resolved: every parameter of the algorithm present,
/// its default taken from ``AlgorithmCatalog`` where the spec leaves it out, and a `null` that
/// stands for a task's default (``Parameter/nullMeans``) replaced by that default. Estimators are
/// built from this, never from the raw `params`, so each default is written once, in the catalog.
public struct HyperParameters: Sendable, Equatable {
    /// The algorithm's parameters by name, resolved.
    public let values: [String: JSON]

    /// Resolves `params` for `algorithm` on `task`.
    /// - Throws: ``LearnError`` naming `spec.algorithm.params.<name>` when a value is not one the
    ///   parameter accepts or the algorithm has no such parameter (a manifest never gets here:
    ///   its decoder refuses both first).
    public init(_ params: [String: JSON], of algorithm: Algorithm, task: LearningTask) throws {
        let field = "spec.algorithm.params"
        if let unknown = params.keys.sorted().first(where: { algorithm.parameter($0) == nil }) {
            throw LearnError("\(field).\(unknown) is not a parameter of \(algorithm.name); its parameters: \(algorithm.parameters.map(\.name).joined(separator: ", "))")
        }
        var values: [String: JSON] = [:]
        for p in algorithm.parameters {
            let value = params[p.name] ?? p.defaultValue
            guard p.accepts(value) else {
                throw LearnError("\(field).\(p.name) is \(value.canonical()); expected \(p.allowed)")
            }
            values[p.name] = value == .null ? p.nullMeans[task] ?? .null : value
        }
        self.values = values
    }

    /// The resolved value of the parameter called `name`.
    /// - Precondition: the algorithm has that parameter.
    public subscript(name: String) -> JSON {
        guard let value = values[name] else { preconditionFailure("no parameter \(name) (parameters: \(values.keys.sorted()))") }
        return value
    }

    /// Whether the algorithm has the parameter called `name`.
    public func has(_ name: String) -> Bool { values[name] != nil }

    /// An integer parameter.
    public func int(_ name: String) -> Int { self[name].intValue! }

    /// An integer parameter whose `null` means "no limit".
    public func optionalInt(_ name: String) -> Int? { self[name] == .null ? nil : int(name) }

    /// A number parameter.
    public func double(_ name: String) -> Double { self[name].doubleValue! }

    /// A boolean parameter.
    public func bool(_ name: String) -> Bool { self[name].boolValue! }

    /// A choice parameter.
    public func string(_ name: String) -> String { self[name].stringValue! }

    /// The seed of every random choice.
    public var seed: UInt64 { UInt64(int("seed")) }

    /// The number of features a feature-count parameter (`maxFeatures`) means for `width`
    /// columns, scikit-learn's rules; `nil` for all of them.
    public func featureCount(_ name: String, of width: Int) -> Int? {
        let v = self[name]
        switch v {
        case .string("sqrt"): return max(1, Int(Double(width).squareRoot()))
        case .string("log2"): return max(1, Int(log2(Double(width))))
        case .number(let d):
            if let i = v.intValue { return min(i, width) }
            return max(1, Int(d * Double(width)))
        default: return nil
        }
    }
}
