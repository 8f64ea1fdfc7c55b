import Foundation
import SluiceController
import SluiceCore

/// Where a model stands in the replicas' work queue (a PostgreSQL store shared by several
/// `sluice run` replicas), for `status`. Pure: an entry and the store server's time in, JSON and
/// a sentence out (the queue's times are the server's, so "now" must be too).
enum StatusWork {
    /// The state of an entry a replica has still to finish.
    enum State: String, Equatable {
        /// Claimable now (it may have failed before and waited its backoff out).
        case queued
        /// A replica works on it, and its lease runs.
        case working
        /// The lease of the replica that worked on it ran out: another replica takes it over.
        case lapsed
        /// It failed, and waits for its backoff before a replica claims it again.
        case retrying
    }

    /// `nil` for an entry there is nothing to say about: its work is finished (the leader's next
    /// plan queues it again if needed).
    static func state(_ e: WorkEntry, now: Date) -> State? {
        if e.holder != nil {
            return (e.leaseUntil.map { $0 > now } ?? false) ? .working : .lapsed
        }
        if e.doneAt != nil { return nil }
        return e.notBefore > now ? .retrying : .queued
    }

    /// What `status` says about the entry, in a sentence, or `nil` (``state(_:now:)``):
    /// - `queued (train, evaluate, publish) for 12 s`
    /// - `worked on by HOST pid N since 2026-12-01T10:42:07Z, lease until 2026-12-01T10:43:07Z (in 48 s)`
    /// - `retrying in 30 s (failed 2 times: ERROR)`
    static func sentence(_ e: WorkEntry, now: Date, _ iso: ISO8601DateFormatter) -> String? {
        guard let state = state(e, now: now) else { return nil }
        let holder = e.holder ?? ""
        let since = e.claimedAt.map { " since \(iso.string(from: $0))" } ?? ""
        let lease = e.leaseUntil ?? now
        switch state {
        case .queued:
            let waited = "queued (\(e.actions)) for \(span(now.timeIntervalSince(e.enqueuedAt)))"
            return e.failures > 0 ? waited + "; \(failures(e, "so far"))" : waited
        case .working:
            return "worked on by \(holder)\(since), lease until \(iso.string(from: lease)) (in \(span(lease.timeIntervalSince(now))))"
        case .lapsed:
            return "was worked on by \(holder)\(since); its lease ran out at \(iso.string(from: lease)) "
                + "(\(span(now.timeIntervalSince(lease))) ago): another replica takes it over"
        case .retrying:
            return "retrying in \(span(e.notBefore.timeIntervalSince(now))) (\(failures(e)))"
        }
    }

    /// The entry as `status --json` shows it (docs/json-output.md), or null when there is nothing
    /// to say (``state(_:now:)``).
    static func json(_ e: WorkEntry?, now: Date, _ iso: ISO8601DateFormatter) -> JSON {
        guard let e, let state = state(e, now: now), let sentence = sentence(e, now: now, iso) else { return .null }
        let date = { (d: Date?) in d.map { JSON.string(iso.string(from: $0)) } ?? .null }
        return [
            "state": .string(state.rawValue),
            "summary": .string(sentence),
            "actions": .strings(e.actions.components(separatedBy: ", ").filter { !$0.isEmpty }),
            "revision": e.revision.map(JSON.string) ?? .null,
            "enqueuedAt": date(e.enqueuedAt),
            "holder": e.holder.map(JSON.string) ?? .null,
            "claimedAt": e.holder == nil ? .null : date(e.claimedAt),
            "leaseUntil": e.holder == nil ? .null : date(e.leaseUntil),
            "notBefore": state == .retrying ? date(e.notBefore) : .null,
            "failures": .number(Double(e.failures)),
            "lastError": e.lastError.map(JSON.string) ?? .null,
        ]
    }

    /// `failed 2 times: ERROR`, or `failed 2 times so far: ERROR` with `qualifier` (the error on one line).
    private static func failures(_ e: WorkEntry, _ qualifier: String? = nil) -> String {
        let times = (e.failures == 1 ? "failed once" : "failed \(e.failures) times") + (qualifier.map { " " + $0 } ?? "")
        guard let error = e.lastError?.split(whereSeparator: \.isNewline).joined(separator: " "), !error.isEmpty else { return times }
        return "\(times): \(error)"
    }

    /// A length of time as a person reads it: `48 s` (seconds rounded up, so a wait not over is
    /// never `0 s`), `12 min`, `3 h` (to the nearest); never negative.
    static func span(_ seconds: Double) -> String {
        let s = Int(min(max(0, seconds), 1e9).rounded(.up))
        if s < 120 { return "\(s) s" }
        if s < 7200 { return "\((s + 30) / 60) min" }
        return "\((s + 1800) / 3600) h"
    }
}
