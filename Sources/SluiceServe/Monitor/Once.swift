import Synchronization

/// Resumes a continuation once, whichever of two callers comes first.
final class Once: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Bool, Never>?, result: Bool?)>((nil, nil))

    func set(_ c: CheckedContinuation<Bool, Never>) {
        let early = state.withLock { s -> Bool? in
            if let r = s.result { return r }
            s.continuation = c
            return nil
        }
        if let early { c.resume(returning: early) }
    }

    func resume(_ value: Bool) {
        let c = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            guard s.result == nil else { return nil }
            s.result = value
            defer { s.continuation = nil }
            return s.continuation
        }
        c?.resume(returning: value)
    }
}
