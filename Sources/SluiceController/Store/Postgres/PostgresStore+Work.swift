import Foundation
import SluiceReconcile

/// The replicas' work queue as the table `work` (migration v6): claims are rows taken with
/// `FOR UPDATE SKIP LOCKED`, never advisory locks, so it works behind PgBouncer in transaction
/// mode. Lease times are the server's (`clock_timestamp()`), so replicas' clocks need not agree.
extension PostgresStore: WorkQueue {
    /// The server's time now, in the epoch seconds every timestamp column holds.
    static let dbNow = "extract(epoch from clock_timestamp())"
    /// The channel the leader notifies when it queues work.
    static let workChannel = "sluice_work"
    /// The channel a follower asks the leader for a cycle on.
    static let cycleChannel = "sluice_cycle"

    @discardableResult
    public func enqueue(_ items: [WorkItem], observedAt: Date, leader: String) throws -> Int {
        // Rows are locked in the order of their names, as the takeover in ``claim`` locks them: no deadlock.
        let items = items.sorted { $0.model.utf8.lexicographicallyPrecedes($1.model.utf8) }
        do {
            return try connection.transaction { s in
                let holder = try s.exec("SELECT token FROM lease WHERE name = 'writer' FOR SHARE").rows.first?.string("token")
                guard holder == leader else {
                    throw StoreError("this replica lost the leader's lease (another replica leads now); its plan is not queued")
                }
                let now = try s.exec("SELECT \(Self.dbNow) AS now").rows[0].double("now")
                if !items.isEmpty {
                    // One statement for every item: arrays unnested into rows.
                    try s.exec("""
                        INSERT INTO work (model, fingerprint, revision, actions, enqueued_at, not_before)
                        SELECT m, f, r, a, $5, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(m, f, r, a)
                        ON CONFLICT (model) DO UPDATE SET
                            revision = excluded.revision, actions = excluded.actions,
                            failures = CASE WHEN work.fingerprint = excluded.fingerprint THEN work.failures ELSE 0 END,
                            last_error = CASE WHEN work.fingerprint = excluded.fingerprint THEN work.last_error ELSE NULL END,
                            not_before = CASE WHEN work.fingerprint = excluded.fingerprint THEN work.not_before ELSE excluded.not_before END,
                            enqueued_at = CASE WHEN work.fingerprint = excluded.fingerprint AND work.done_at IS NULL
                                          THEN work.enqueued_at ELSE excluded.enqueued_at END,
                            done_at = CASE WHEN work.fingerprint = excluded.fingerprint AND work.done_at >= $6
                                      THEN work.done_at ELSE NULL END,
                            fingerprint = excluded.fingerprint
                        """, [.array(items.map(\.model)), .array(items.map(\.fingerprint)), .array(items.map(\.revision)),
                              .array(items.map(\.actions)), .double(now), .date(observedAt)])
                }
                // Entries of models the plan has nothing for, unless a replica works on them now.
                try s.exec("""
                    DELETE FROM work WHERE NOT (model = ANY($1::text[])) AND (token IS NULL OR lease_until <= \(Self.dbNow))
                    """, [.array(items.map(\.model))])
                let claimable = try s.exec("""
                    SELECT count(*) AS n FROM work WHERE done_at IS NULL AND not_before <= \(Self.dbNow)
                        AND (token IS NULL OR lease_until <= \(Self.dbNow))
                    """).rows[0].int("n")
                if claimable > 0 { try s.exec("SELECT pg_notify($1, '')", [.text(Self.workChannel)]) }
                return claimable
            }
        } catch let e as PGError {
            throw StoreError("cannot queue the plan's work (\(label)): \(e)")
        }
    }

    public func claim(limit: Int, holder: String, lease: Duration, retry: RetryPolicy) throws -> [WorkClaim] {
        do {
            return try connection.transaction { s in
                // A claim whose lease ran out is a failure of the model's work: its replica was killed
                // (perhaps by the model: out of memory), paused or cut off. It is taken over after the
                // backoff of the failures before it (none the first time), so a model that kills every
                // replica that trains it waits longer each time instead of taking the replicas down in turn.
                try s.exec("""
                    UPDATE work SET token = NULL, failures = failures + 1,
                        last_error = 'the replica working on it (' || holder || ') stopped renewing its claim: killed, paused or cut off from the store',
                        not_before = lease_until + CASE WHEN failures = 0 THEN 0 ELSE LEAST($2::double precision, $1 * power(2, LEAST(failures - 1, 40))) END
                    WHERE model IN (SELECT model FROM work WHERE token IS NOT NULL AND lease_until <= \(Self.dbNow)
                                    ORDER BY model COLLATE "C" FOR UPDATE SKIP LOCKED)
                    """, [.double(retry.base), .double(retry.cap)])
                return try s.exec("""
                    WITH c AS (
                        SELECT model, CASE WHEN lease_until IS NULL THEN NULL ELSE holder END AS previous FROM work
                        WHERE done_at IS NULL AND not_before <= \(Self.dbNow) AND token IS NULL
                            AND NOT EXISTS (SELECT 1 FROM lease WHERE name = 'writer' AND token <> '' AND expires_at > \(Self.dbNow)
                                            AND left(command, $4) <> $5)
                        ORDER BY not_before, model COLLATE "C" LIMIT $1 FOR UPDATE SKIP LOCKED)
                    UPDATE work SET token = gen_random_uuid()::text, holder = $2, claimed_at = \(Self.dbNow),
                        lease_until = \(Self.dbNow) + $3, fence = nextval('work_fence'), claims = work.claims + 1
                    FROM c WHERE work.model = c.model
                    RETURNING work.model, work.token, work.fence, work.revision, work.failures, c.previous, work.fingerprint
                    """, [.int(limit), .text(holder), .double(lease.seconds), .int(WorkClaim.replicaMark.count),
                          .text(WorkClaim.replicaMark)]).rows.map { r in
                    WorkClaim(model: try r.string("model"), token: try r.string("token"), fence: try r.int64("fence"),
                              revision: try r.optionalString("revision"), failures: try r.int("failures"),
                              takenOverFrom: try r.optionalString("previous"), fingerprint: try r.string("fingerprint"))
                }.sorted { $0.model < $1.model }
            }
        } catch let e as PGError {
            throw StoreError("cannot claim work (\(label)): \(e)")
        }
    }

    public func renew(_ claims: [WorkClaim], lease: Duration) throws -> Set<String> {
        guard !claims.isEmpty else { return [] }
        do {
            return try connection.transaction { s in
                Set(try s.exec("""
                    UPDATE work SET lease_until = \(Self.dbNow) + $2
                    WHERE token = ANY($1::text[]) AND lease_until > \(Self.dbNow) RETURNING token
                    """, [.array(claims.map(\.token)), .double(lease.seconds)]).rows.map { try $0.string("token") })
            }
        } catch let e as PGError {
            throw StoreError("cannot renew the claims on \(claims.map(\.model).joined(separator: ", ")) (\(label)): \(e)")
        }
    }

    public func finish(_ claim: WorkClaim, failure: WorkFailure?) throws {
        let changed: Int
        do {
            changed = try connection.transaction { s in
                let superseded = try s.exec("""
                    UPDATE work SET token = NULL, holder = NULL, lease_until = NULL
                    WHERE model = $1 AND token = $2 AND lease_until > \(Self.dbNow) AND fingerprint <> $3
                    """, [.text(claim.model), .text(claim.token), .text(claim.fingerprint)]).changed
                if superseded == 1 { return 1 }
                if let failure {
                    return try s.exec("""
                        UPDATE work SET token = NULL, holder = NULL, lease_until = NULL, failures = failures + 1, last_error = $3,
                            not_before = \(Self.dbNow) + $4
                        WHERE model = $1 AND token = $2 AND lease_until > \(Self.dbNow)
                        """, [.text(claim.model), .text(claim.token), .text(failure.message), .double(failure.retryAfter)]).changed
                }
                return try s.exec("""
                    UPDATE work SET token = NULL, holder = NULL, lease_until = NULL, failures = 0, last_error = NULL, done_at = \(Self.dbNow)
                    WHERE model = $1 AND token = $2 AND lease_until > \(Self.dbNow)
                    """, [.text(claim.model), .text(claim.token)]).changed
            }
        } catch let e as PGError {
            throw StoreError("cannot finish the work on model \(claim.model) (\(label)): \(e)")
        }
        guard changed == 1 else { throw StoreError(WorkClaim.lostMessage(claim.model)) }
    }

    public func release(_ claims: [WorkClaim]) throws {
        guard !claims.isEmpty else { return }
        do {
            _ = try connection.transaction { s in
                try s.exec("UPDATE work SET token = NULL, holder = NULL, lease_until = NULL WHERE token = ANY($1::text[])",
                           [.array(claims.map(\.token))])
            }
        } catch let e as PGError {
            throw StoreError("cannot release the claims on \(claims.map(\.model).joined(separator: ", ")) (\(label)): \(e)")
        }
    }

    public func workEntries() throws -> [WorkEntry] {
        try read(#"SELECT * FROM work ORDER BY model COLLATE "C""#).map { r in
            WorkEntry(model: try r.string("model"), actions: try r.string("actions"), revision: try r.optionalString("revision"),
                      enqueuedAt: try r.date("enqueued_at"), notBefore: try r.date("not_before"), failures: try r.int("failures"),
                      lastError: try r.optionalString("last_error"), doneAt: try r.optionalDate("done_at"),
                      holder: try r.optionalString("token") == nil ? nil : try r.optionalString("holder"),
                      leaseUntil: try r.optionalDate("lease_until"), fence: try r.int64("fence"), claims: try r.int("claims"),
                      claimedAt: try r.optionalString("token") == nil ? nil : try r.optionalDate("claimed_at"))
        }
    }

    public func serverTime() throws -> Date {
        try read("SELECT \(Self.dbNow) AS now")[0].date("now")
    }

    public func fenceLeader(_ token: String?) {
        leaderFence.withLock { $0 = token }
    }

    public func fence(model: String, token: String?) {
        modelFences.withLock { $0[model] = token }
    }

    public func listen(_ signal: @escaping @Sendable (WorkSignal) -> Void) -> @Sendable () -> Void {
        let listener = PGListener(uri: uri, channels: [Self.workChannel, Self.cycleChannel]) { channel, payload in
            signal(channel == Self.cycleChannel ? .cycle(payload) : .work)
        }
        return { listener.stop() }
    }

    public func requestCycle(_ reason: String) throws {
        _ = try read("SELECT pg_notify($1, $2)", [.text(Self.cycleChannel), .text(String(reason.prefix(1000)))])
    }
}
