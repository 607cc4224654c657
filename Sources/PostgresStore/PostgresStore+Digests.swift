import Foundation
import PostgresNIO
import Store

extension PostgresStore: DigestStore {
    public func lastCompletedWindowEnd(newsletterID: String) async throws(StoreError) -> Date? {
        try await run {
            try await self.value(
                Date?.self, "SELECT max(windowEnd) FROM digest WHERE newsletterID = \(newsletterID) AND status = 'completed'") ?? nil
        }
    }

    public func takeScheduledFire(newsletterID: String, fireAt: Date, at now: Date) async throws(StoreError) -> Bool {
        try await run {
            try await !self.rows(
                """
                INSERT INTO scheduleFire (newsletterID, fireAt, takenAt) VALUES (\(newsletterID), \(fireAt), \(now))
                ON CONFLICT DO NOTHING RETURNING 1
                """
            ).isEmpty
        }
    }

    public func lastScheduledFire(newsletterID: String) async throws(StoreError) -> Date? {
        try await run { try await self.value(Date?.self, "SELECT max(fireAt) FROM scheduleFire WHERE newsletterID = \(newsletterID)") ?? nil }
    }

    public func unfinishedDigest(newsletterID: String) async throws(StoreError) -> Digest? {
        try await run {
            try await self.rows("SELECT * FROM digest WHERE newsletterID = \(newsletterID) AND status = 'sending' ORDER BY id LIMIT 1")
                .first.map(Self.digest)
        }
    }

    public func plan(_ plan: DigestPlan, at now: Date) async throws(StoreError) -> (digest: Digest, deliveries: Int)? {
        let postIDs = DigestPlan.encodePostIDs(plan.postIDs)
        return try await transaction { connection -> (digest: Digest, deliveries: Int)? in
            // One planner per newsletter at a time, across every instance: the check and the
            // inserts below see no other plan in between (the lock is released at commit).
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext('herald.plan.' || \(plan.newsletterID)))", logger: self.logger)
            let sending = try await self.value(
                Bool.self, "SELECT EXISTS (SELECT 1 FROM digest WHERE newsletterID = \(plan.newsletterID) AND status = 'sending')",
                on: connection) ?? false
            if sending { return nil }
            let digestID = try await self.value(
                Int64.self,
                """
                INSERT INTO digest (newsletterID, windowStart, windowEnd, subject, trigger, status, postIDs, content, createdAt)
                VALUES (\(plan.newsletterID), \(plan.windowStart), \(plan.windowEnd), \(plan.subject), \(plan.trigger.rawValue),
                        'sending', \(postIDs), \(plan.content), \(now))
                RETURNING id
                """, on: connection)!
            // Message-IDs: herald.DIGEST.SUBSCRIBER.RANDOM@domain, unique and fixed from now on.
            let count = try await self.value(
                Int.self,
                """
                WITH planned AS (
                    INSERT INTO delivery (digestID, subscriberID, messageID, state, nextAttemptAt, updatedAt)
                    SELECT \(digestID), id,
                           'herald.' || \(digestID) || '.' || id || '.'
                               || substr(md5(random()::text || clock_timestamp()::text || id::text), 1, 12) || '@' || \(plan.messageIDDomain),
                           'pending', \(now), \(now)
                    FROM subscriber
                    WHERE status = 'confirmed'
                      AND (newsletters = '' OR position(' ' || \(plan.newsletterID) || ' ' IN ' ' || newsletters || ' ') > 0)
                    ORDER BY id
                    RETURNING 1)
                SELECT count(*)::bigint FROM planned
                """, on: connection) ?? 0
            if count == 0 {
                try await connection.query(
                    "UPDATE digest SET status = 'completed', completedAt = \(now) WHERE id = \(digestID)", logger: self.logger)
            }
            let digest = try Self.digest(try await self.rows("SELECT * FROM digest WHERE id = \(digestID)", on: connection).first!)
            return (digest, count)
        }
    }

    public func digest(id: Int64) async throws(StoreError) -> Digest? {
        try await run { try await self.rows("SELECT * FROM digest WHERE id = \(id)").first.map(Self.digest) }
    }

    public func digests() async throws(StoreError) -> [(digest: Digest, counts: DeliveryCounts)] {
        try await run {
            var counts: [Int64: DeliveryCounts] = [:]
            for row in try await self.rows("SELECT digestID, state, count(*)::bigint AS n FROM delivery GROUP BY digestID, state") {
                if let state = DeliveryState(rawValue: try row.get("state")) {
                    counts[try row.get("digestid"), default: DeliveryCounts()].byState[state] = Int(try row.get("n", as: Int64.self))
                }
            }
            return try await self.rows("SELECT * FROM digest ORDER BY id DESC").map { row in
                let digest = try Self.digest(row)
                return (digest: digest, counts: counts[digest.id] ?? DeliveryCounts())
            }
        }
    }

    public func counts(digestID: Int64) async throws(StoreError) -> DeliveryCounts {
        try await run {
            var counts = DeliveryCounts()
            for row in try await self.rows("SELECT state, count(*)::bigint AS n FROM delivery WHERE digestID = \(digestID) GROUP BY state") {
                if let state = DeliveryState(rawValue: try row.get("state")) { counts.byState[state] = Int(try row.get("n", as: Int64.self)) }
            }
            return counts
        }
    }

    public func deliveryCounts() async throws(StoreError) -> DeliveryCounts {
        try await run {
            var counts = DeliveryCounts()
            for row in try await self.rows("""
                SELECT d.state, count(*)::bigint AS n FROM digest g JOIN delivery d ON d.digestID = g.id
                WHERE g.status = 'sending' GROUP BY d.state
                """) {
                if let state = DeliveryState(rawValue: try row.get("state")) { counts.byState[state] = Int(try row.get("n", as: Int64.self)) }
            }
            return counts
        }
    }

    public func completeIfFinal(digestID: Int64, at now: Date) async throws(StoreError) -> Bool {
        try await run {
            try await self.client.query(
                """
                UPDATE digest SET status = 'completed', completedAt = \(now)
                WHERE id = \(digestID) AND status = 'sending' AND NOT EXISTS (
                    SELECT 1 FROM delivery WHERE digestID = \(digestID) AND (state = 'inflight' OR nextAttemptAt IS NOT NULL))
                """, logger: self.logger)
            return try await self.value(String.self, "SELECT status FROM digest WHERE id = \(digestID)") == "completed"
        }
    }

    public func retry(digestID: Int64, at now: Date) async throws(StoreError) -> Int {
        try await transaction { connection in
            let queued = try await self.value(
                Int64.self,
                """
                WITH queued AS (
                    UPDATE delivery SET nextAttemptAt = \(now), updatedAt = \(now)
                    WHERE digestID = \(digestID) AND state IN ('failed', 'deferred', 'uncertain')
                    RETURNING 1)
                SELECT count(*)::bigint FROM queued
                """, on: connection) ?? 0
            // A completed digest is sending again: `digest send` and the daemon resume it.
            if queued > 0 {
                try await connection.query(
                    "UPDATE digest SET status = 'sending', completedAt = NULL WHERE id = \(digestID)", logger: self.logger)
            }
            return Int(queued)
        }
    }

    static func digest(_ row: PostgresRandomAccessRow) throws -> Digest {
        Digest(
            id: try row.get("id"), newsletterID: try row.get("newsletterid"), windowStart: try row.get("windowstart"),
            windowEnd: try row.get("windowend"), subject: try row.get("subject"),
            trigger: DigestTrigger(rawValue: try row.get("trigger")) ?? .manual,
            status: DigestStatus(rawValue: try row.get("status")) ?? .sending,
            postIDs: DigestPlan.decodePostIDs(try row.get("postids")), content: try row.get("content"),
            createdAt: try row.get("createdat"), completedAt: try row.get("completedat"))
    }
}
