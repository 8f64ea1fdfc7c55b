import Foundation

/// The writer lease as the row `lease('writer')`, as in ``SQLiteStore``. Claims take turns by
/// locking the row (a free lease's row is first inserted as an expired placeholder, so two claimants
/// of a free lease lock the same row and cannot both win): a row lock, never an advisory lock, so it
/// works behind PgBouncer in transaction mode. Every write share-locks the row while it checks its
/// fence (``PostgresStore/write(models:_:)``), so a takeover waits for it.
extension PostgresStore {
    public func claimLease(_ claimant: LeaseHolder, now: Date) throws -> LeaseHolder? {
        do {
            return try connection.transaction { s in
                try s.exec("""
                    INSERT INTO lease (name, token, pid, host, command, acquired_at, expires_at)
                    VALUES ('writer', '', 0, '', '', 0, 0) ON CONFLICT (name) DO NOTHING
                    """)
                // The placeholder (no token) never outlives this transaction: it is free, so it is replaced.
                let current = try s.exec("SELECT * FROM lease WHERE name = 'writer' FOR UPDATE").rows.first.map(Self.lease)
                    .flatMap { $0.token.isEmpty ? nil : $0 }
                if let current, !current.yields(to: claimant, now: now, isAlive: LeaseHolder.processExists) {
                    return current
                }
                let acquired = current?.token == claimant.token ? current!.acquiredAt : claimant.acquiredAt
                try s.exec("""
                    INSERT INTO lease (name, token, pid, host, command, acquired_at, expires_at)
                    VALUES ('writer', $1, $2, $3, $4, $5, $6)
                    ON CONFLICT (name) DO UPDATE SET token = excluded.token, pid = excluded.pid, host = excluded.host,
                        command = excluded.command, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
                    """, [.text(claimant.token), .int(Int(claimant.pid)), .text(claimant.host), .text(claimant.command),
                          .date(acquired), .date(claimant.expiresAt)])
                return nil
            }
        } catch let e as PGError {
            throw StoreError("cannot take the store's writer lease (\(label)): \(e)")
        }
    }

    public func renewLease(token: String, until: Date) throws -> LeaseRenewal {
        do {
            return try connection.transaction { s in
                let updated = try s.exec("UPDATE lease SET expires_at = $1 WHERE name = 'writer' AND token = $2", [.date(until), .text(token)])
                if updated.changed == 1 { return .renewed }
                return .lost(try s.exec("SELECT * FROM lease WHERE name = 'writer'").rows.first.map(Self.lease))
            }
        } catch let e as PGError {
            throw StoreError("cannot renew the store's writer lease (\(label)): \(e)")
        }
    }

    public func releaseLease(token: String) throws {
        do {
            try connection.exec("DELETE FROM lease WHERE name = 'writer' AND token = $1", [.text(token)])
        } catch let e as PGError {
            throw StoreError("cannot release the store's writer lease (\(label)): \(e)")
        }
    }

    public func leaseHolder() throws -> LeaseHolder? {
        try read("SELECT * FROM lease WHERE name = 'writer'").first.map(Self.lease)
    }

    public func fence(_ token: String?) { fenceToken.withLock { $0 = token } }

    static func lease(_ r: PGRow) throws -> LeaseHolder {
        LeaseHolder(token: try r.string("token"), pid: Int32(truncatingIfNeeded: try r.int64("pid")), host: try r.string("host"),
                    command: try r.string("command"), acquiredAt: try r.date("acquired_at"), expiresAt: try r.date("expires_at"))
    }
}
