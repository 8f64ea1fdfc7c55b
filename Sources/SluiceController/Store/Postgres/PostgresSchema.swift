/// The PostgreSQL store's schema: the same migrations as ``SQLiteStore``'s (same names, same
/// tables and columns), in PostgreSQL's types, in the schema `sluice`. Artifacts are rows of
/// `artifacts` (`bytea`) instead of files. Never edit a shipped migration, add one.
enum PostgresSchema {
    /// The schema every table lives in.
    static let name = "sluice"

    /// Each migration: its identifier (as SQLite's) and its statements (one per `PQexecParams`).
    static let migrations: [(String, [String])] = [
        ("v1", [
            """
            CREATE TABLE versions (
                model TEXT NOT NULL, id TEXT NOT NULL, artifact_digest TEXT NOT NULL,
                inputs TEXT NOT NULL, manifest_digest TEXT NOT NULL, manifest_file TEXT NOT NULL,
                data_digest TEXT NOT NULL, test_digest TEXT, metrics TEXT NOT NULL, evaluation TEXT NOT NULL,
                train_seconds DOUBLE PRECISION NOT NULL, trained_at DOUBLE PRECISION NOT NULL, revision TEXT,
                PRIMARY KEY (model, id))
            """,
            """
            CREATE TABLE verdicts (
                model TEXT NOT NULL, version TEXT NOT NULL, gate_digest TEXT NOT NULL, gate TEXT NOT NULL,
                passed BOOLEAN NOT NULL, summary TEXT NOT NULL, details TEXT NOT NULL, champion TEXT,
                evaluated_at DOUBLE PRECISION NOT NULL, revision TEXT,
                PRIMARY KEY (model, version, gate_digest))
            """,
            """
            CREATE TABLE publications (
                id BIGSERIAL PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL,
                target TEXT NOT NULL, artifact_digest TEXT NOT NULL, published_at DOUBLE PRECISION NOT NULL,
                retired_at DOUBLE PRECISION, revision TEXT, reason TEXT NOT NULL)
            """,
            "CREATE UNIQUE INDEX publications_open ON publications(model) WHERE retired_at IS NULL",
            """
            CREATE TABLE events (
                id BIGSERIAL PRIMARY KEY, at DOUBLE PRECISION NOT NULL, model TEXT NOT NULL,
                kind TEXT NOT NULL, message TEXT NOT NULL, revision TEXT)
            """,
            "CREATE INDEX events_model ON events(model, id)",
            """
            CREATE TABLE file_digests (
                path TEXT PRIMARY KEY, size BIGINT NOT NULL, mtime_ns BIGINT NOT NULL,
                ctime_ns BIGINT NOT NULL, inode BIGINT NOT NULL, digest TEXT NOT NULL)
            """,
            // SQLite keeps artifacts as files beside the database; here they are rows.
            "CREATE TABLE artifacts (digest TEXT PRIMARY KEY, size BIGINT NOT NULL, bytes BYTEA NOT NULL)",
        ]),
        ("v2: writer lease", [
            """
            CREATE TABLE lease (
                name TEXT PRIMARY KEY, token TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL,
                command TEXT NOT NULL, acquired_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION NOT NULL)
            """,
        ]),
        ("v3: conditions", [
            """
            CREATE TABLE conditions (
                model TEXT PRIMARY KEY, condition TEXT NOT NULL, message TEXT NOT NULL, version TEXT,
                since DOUBLE PRECISION NOT NULL, checked_at DOUBLE PRECISION NOT NULL, revision TEXT)
            """,
        ]),
        ("v4: monitor", [
            """
            CREATE TABLE monitor_states (
                model TEXT PRIMARY KEY, version TEXT, checked_at DOUBLE PRECISION NOT NULL, problem TEXT,
                conditions TEXT NOT NULL, report TEXT)
            """,
        ]),
        ("v5: feedback snapshots", [
            "ALTER TABLE versions ADD COLUMN feedback_digest TEXT",
            "ALTER TABLE monitor_states ADD COLUMN retrain TEXT",
            """
            CREATE TABLE feedback_snapshots (
                seq BIGSERIAL PRIMARY KEY, model TEXT NOT NULL, digest TEXT NOT NULL,
                base_version TEXT NOT NULL, spec_digest TEXT NOT NULL, served_version TEXT NOT NULL, "trigger" TEXT NOT NULL,
                train_rows BIGINT NOT NULL, holdout_rows BIGINT NOT NULL, fresh_rows BIGINT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL, revision TEXT, csv BYTEA NOT NULL, dropped_at DOUBLE PRECISION)
            """,
            "CREATE UNIQUE INDEX feedback_snapshots_digest ON feedback_snapshots(model, digest)",
        ]),
        // PostgreSQL only: the replicas' work queue (``WorkQueue``). A model's row is its claim:
        // `token` and `lease_until` (the server's clock) say who works on it until when, `fence`
        // grows with every claim; `failures` and `not_before` are its backoff.
        ("v6: work queue", [
            "CREATE SEQUENCE work_fence",
            """
            CREATE TABLE work (
                model TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, revision TEXT, actions TEXT NOT NULL,
                enqueued_at DOUBLE PRECISION NOT NULL, not_before DOUBLE PRECISION NOT NULL,
                failures INTEGER NOT NULL DEFAULT 0, last_error TEXT, done_at DOUBLE PRECISION,
                token TEXT, holder TEXT, claimed_at DOUBLE PRECISION, lease_until DOUBLE PRECISION,
                fence BIGINT NOT NULL DEFAULT 0, claims INTEGER NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX work_claimable ON work(not_before, model) WHERE done_at IS NULL",
        ]),
        // The web UI's event log filtered by kind, and its counts of each kind, without reading every event.
        ("v7: events by kind", [
            "CREATE INDEX events_kind ON events(kind, id)",
        ]),
    ]

    /// The advisory lock key (database-wide, transaction-scoped) that lets one process at a time migrate.
    static let migrateLock: Int64 = 0x736C_7569_6365_0001

    /// The identifiers of the migrations not yet applied, given those applied.
    static func pending(applied: Set<String>) -> [(String, [String])] {
        migrations.filter { !applied.contains($0.0) }
    }
}
