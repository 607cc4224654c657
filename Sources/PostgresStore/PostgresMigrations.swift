import Logging
import PostgresNIO

/// Every schema change of the PostgreSQL store, in order, each applied once in its own
/// transaction. A migration, once released, never changes: a new one is added. Several Herald
/// instances starting at once take an advisory lock: one migrates, the others wait and find it
/// done.
///
/// The schema mirrors the SQLite store's (same tables, same columns), with PostgreSQL's types:
/// `timestamptz` for times, `bigserial` ids, `boolean` flags.
enum PostgresMigrations {
    /// Advisory lock key of the migrations: "herald-migrate".
    static let lockKey: Int64 = 0x6865_7261_6C64_6D67

    static let migrations: [(version: Int, name: String, statements: [String])] = [
        (1, "subscribers-digests-deliveries", [
            """
            CREATE TABLE subscriber (
                id bigserial PRIMARY KEY,
                email text NOT NULL UNIQUE,
                name text,
                status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced')),
                newsletters text NOT NULL DEFAULT '',
                createdAt timestamptz NOT NULL,
                updatedAt timestamptz NOT NULL,
                confirmationSentAt timestamptz
            )
            """,
            """
            CREATE TABLE post (
                entryID text PRIMARY KEY,
                publishedAt timestamptz NOT NULL,
                firstSeenAt timestamptz NOT NULL
            )
            """,
            "CREATE INDEX post_firstSeen ON post(firstSeenAt)",
            """
            CREATE TABLE digest (
                id bigserial PRIMARY KEY,
                newsletterID text NOT NULL,
                windowStart timestamptz,
                windowEnd timestamptz NOT NULL,
                subject text NOT NULL,
                trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
                status text NOT NULL CHECK (status IN ('sending', 'completed')),
                postIDs text NOT NULL,
                content bytea NOT NULL,
                createdAt timestamptz NOT NULL,
                completedAt timestamptz
            )
            """,
            "CREATE INDEX digest_newsletter ON digest(newsletterID, status)",
            """
            CREATE TABLE delivery (
                id bigserial PRIMARY KEY,
                digestID bigint NOT NULL REFERENCES digest(id) ON DELETE CASCADE,
                subscriberID bigint NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
                messageID text NOT NULL UNIQUE,
                state text NOT NULL CHECK (state IN ('pending', 'inflight', 'sent', 'deferred', 'failed', 'uncertain', 'skipped')),
                attempts integer NOT NULL DEFAULT 0,
                uncertainCount integer NOT NULL DEFAULT 0,
                nextAttemptAt timestamptz,
                leaseOwner text,
                leaseExpiresAt timestamptz,
                handedOver boolean NOT NULL DEFAULT false,
                replyCode integer,
                replyText text,
                updatedAt timestamptz NOT NULL,
                UNIQUE (digestID, subscriberID)
            ) WITH (fillfactor = 80)
            """,
            // The claims' order, id included: PostgreSQL's index entries are not ordered by id
            // within a key (SQLite's carry the rowid), and a claim that had to sort every due row
            // to take the first 64 made a digest of 100,000 quadratic.
            "CREATE INDEX delivery_due ON delivery(nextAttemptAt, id) WHERE nextAttemptAt IS NOT NULL",
            "CREATE INDEX delivery_digest_due ON delivery(digestID, nextAttemptAt, id) WHERE nextAttemptAt IS NOT NULL",
            "CREATE INDEX delivery_lease ON delivery(leaseExpiresAt) WHERE state = 'inflight'",
            "CREATE INDEX delivery_digest_state ON delivery(digestID, state)",
            "CREATE INDEX delivery_subscriber ON delivery(subscriberID)",
            """
            CREATE TABLE scheduleFire (
                newsletterID text NOT NULL,
                fireAt timestamptz NOT NULL,
                takenAt timestamptz NOT NULL,
                PRIMARY KEY (newsletterID, fireAt)
            )
            """,
            // The handed-over mark of the first PostgreSQL store, one call per message. Marks now
            // go to each host's journal and reach the rows in batches; the function stays for
            // instances of that version still running during an upgrade.
            """
            CREATE FUNCTION heraldMarkHandedOver(deliveryID bigint, owner text) RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE delivery SET handedOver = true WHERE id = deliveryID AND leaseOwner = owner;
            END
            $$
            """,
            // The secret that signs confirm and unsubscribe links: one for every instance.
            "CREATE TABLE secret (name text PRIMARY KEY, value bytea NOT NULL)",
        ]),
    ]

    /// The latest version this build knows.
    static var latest: Int { migrations.last?.version ?? 0 }

    /// Applies the migrations not yet applied; returns their versions.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [Int] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS heraldMigration (version integer PRIMARY KEY, name text NOT NULL, appliedAt timestamptz NOT NULL DEFAULT now())",
                logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM heraldMigration", logger: logger).decode(Int.self) {
                applied.insert(version)
            }
            if let newest = applied.max(), newest > latest {
                throw MigrationError.newerSchema(found: newest, known: latest)
            }
            var done: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO heraldMigration (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                done.append(migration.version)
            }
            return done
        }
    }

    /// Whether every migration is applied (without applying any).
    static func pending(_ client: PostgresClient, logger: Logger) async throws -> [Int] {
        let exists = try await client.query("SELECT to_regclass('heraldmigration') IS NOT NULL", logger: logger).decode(Bool.self)
        var found = false
        for try await value in exists { found = value }
        guard found else { return migrations.map(\.version) }
        var applied = Set<Int>()
        for try await version in try await client.query("SELECT version FROM heraldMigration", logger: logger).decode(Int.self) {
            applied.insert(version)
        }
        return migrations.map(\.version).filter { !applied.contains($0) }
    }

    enum MigrationError: Error, CustomStringConvertible {
        case newerSchema(found: Int, known: Int)

        var description: String {
            switch self {
            case .newerSchema(let found, let known):
                return "the database has schema version \(found), newer than this Herald knows (\(known)); run a newer Herald"
            }
        }
    }
}
