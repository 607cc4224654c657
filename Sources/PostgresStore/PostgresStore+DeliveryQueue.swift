import Foundation
import Logging
import PostgresNIO
import Store

extension PostgresStore: DeliveryQueue {
    /// Four times SQLite's: each claim is a round trip and a commit waiting for the disk, and
    /// rows claimed ahead cost nothing on a crash (they go back untouched). Measured on 60,000
    /// messages: 5–9 % more per second than 64.
    public var preferredClaimBatch: Int { 256 }

    public func claim(limit: Int, digestID: Int64?, owner: String, leaseUntil: Date, at now: Date)
        async throws(StoreError) -> [ClaimedDelivery]
    {
        let parameters = ClaimParameters(now: now, limit: Int64(limit), owner: owner, leaseUntil: leaseUntil)
        return try await run {
            let rows = if let digestID {
                try await self.execute(ClaimDigestStatement(parameters: parameters, digestID: digestID))
            } else {
                try await self.execute(ClaimAnyStatement(parameters: parameters))
            }
            return rows.sorted { $0.id < $1.id }
        }
    }

    @discardableResult
    public func record(_ results: [DeliveryResult], owner: String, at now: Date) async throws(StoreError) -> Int {
        guard !results.isEmpty else { return 0 }
        return try await run { Int(try await self.execute(RecordStatement(results, owner: owner, at: now)).first ?? 0) }
    }

    public func markHandedOver(_ deliveryIDs: [Int64], owner: String) async throws(StoreError) -> Set<Int64> {
        guard !deliveryIDs.isEmpty else { return [] }
        let held = try await run {
            try await self.rows(
                """
                UPDATE delivery SET handedOver = true
                WHERE id = ANY(\(deliveryIDs)) AND state = 'inflight' AND leaseOwner = \(owner)
                RETURNING id, attempts
                """
            ).map { (id: try $0.get("id", as: Int64.self), attempts: Int(try $0.get("attempts", as: Int32.self))) }
        }
        for row in held { try handovers.record(row.id, attempt: row.attempts, owner: owner) }
        return Set(held.map(\.id))
    }

    /// Recorded in this host's journal (one `write(2)`), then copied to the row within a
    /// quarter of a second (`HandoverCopier`).
    public func markHandedOverBlocking(_ delivery: ClaimedDelivery, owner: String) throws(StoreError) {
        try handovers.record(delivery.id, attempt: delivery.attempts, owner: owner)
        copier.add(HandoverJournal.Mark(id: delivery.id, attempt: delivery.attempts), owner: owner)
    }

    /// Sets `handedOver` on the rows of `marks` that `owner` still holds, in the attempt marked
    /// (a mark of an earlier claim of the row says nothing of this one). With `skipLocked`, rows
    /// another statement holds now are left alone, and returned: those still to mark.
    static func markRows(_ marks: [HandoverJournal.Mark], owner: String, skipLocked: Bool, on connection: PostgresConnection, logger: Logger)
        async throws -> Set<Int64>
    {
        let ids = marks.map(\.id)
        let attempts = marks.map { Int32(clamping: $0.attempt ?? -1) }
        // `target` checks the row again once it is locked (it may have been recorded meanwhile).
        let rows = try await connection.query(
            """
            WITH held AS (
                SELECT d.id, d.attempts FROM delivery d, unnest(\(ids)::bigint[], \(attempts)::int[]) AS m(id, attempt)
                WHERE d.id = m.id AND (m.attempt < 0 OR d.attempts = m.attempt) AND d.state = 'inflight' AND d.leaseOwner = \(owner)),
            target AS (
                SELECT d.id FROM delivery d, held h
                WHERE d.id = h.id AND d.attempts = h.attempts AND d.state = 'inflight' AND d.leaseOwner = \(owner)
                FOR UPDATE OF d \(unescaped: skipLocked ? "SKIP LOCKED" : "")),
            marked AS (UPDATE delivery SET handedOver = true WHERE id IN (SELECT id FROM target) RETURNING id)
            SELECT id FROM held WHERE id NOT IN (SELECT id FROM marked)
            """, logger: logger)
        var left = Set<Int64>()
        for try await id in rows.decode(Int64.self) { left.insert(id) }
        return left
    }

    /// Copies `marks` to the rows, for the instances of other hosts: rows being recorded or
    /// renewed (locked) are not waited for; those of them still held in the marked attempt are
    /// returned, to be copied in the next round. The commit does not wait for the disk (the
    /// journal is what is durable), so the locks go at once.
    static func copyMarks(_ marks: [HandoverJournal.Mark], owner: String, client: PostgresClient, logger: Logger)
        async throws -> [HandoverJournal.Mark]
    {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SET LOCAL synchronous_commit = off", logger: logger)
            let left = try await markRows(marks, owner: owner, skipLocked: true, on: connection, logger: logger)
            return marks.filter { left.contains($0.id) }
        }
    }

    public func endWork(owner: String) async throws(StoreError) {
        let holding = try await run {
            try await self.value(Int64.self, "SELECT count(*)::bigint FROM delivery WHERE state = 'inflight' AND leaseOwner = \(owner)") ?? 0
        }
        // Rows still held keep their record: should this worker die now, they are uncertain.
        if holding == 0 {
            copier.forget(owner)
            handovers.remove(owner)
        }
    }

    @discardableResult
    public func renewLeases(owner: String, until leaseUntil: Date) async throws(StoreError) -> Int {
        try await run {
            Int(try await self.value(
                Int64.self,
                """
                WITH renewed AS (
                    UPDATE delivery SET leaseExpiresAt = \(leaseUntil) WHERE state = 'inflight' AND leaseOwner = \(owner) RETURNING 1)
                SELECT count(*)::bigint FROM renewed
                """) ?? 0)
        }
    }

    @discardableResult
    public func expireLeases(at now: Date, uncertainRetries: Int) async throws(StoreError) -> Int {
        try await expire(owners: nil, expiredBefore: now, at: now, uncertainRetries: uncertainRetries)
    }

    @discardableResult
    public func expireLeases(heldBy owners: Set<String>, at now: Date, uncertainRetries: Int) async throws(StoreError) -> Int {
        guard !owners.isEmpty else { return 0 }
        let expired = try await expire(owners: Array(owners), expiredBefore: nil, at: now, uncertainRetries: uncertainRetries)
        // Dead: nothing of theirs is held any more.
        for owner in owners {
            copier.forget(owner)
            handovers.remove(owner)
        }
        return expired
    }

    /// Releases the rows of dead workers: those of `owners`, or those whose lease ran out
    /// before `expiredBefore`. A row handed to the transport may have gone out: `uncertain`,
    /// due again while it has been uncertain at most `uncertainRetries` times. A row only
    /// claimed never left: back in the queue as it was, due now, its attempt not counted.
    private func expire(owners: [String]?, expiredBefore: Date?, at now: Date, uncertainRetries: Int) async throws(StoreError) -> Int {
        try await transaction { connection in
            // What this host's journal says of the expiring workers (the rows hold the copy of
            // marks made on other hosts, and of all but the last quarter of a second here).
            let expiring = try await self.rows(
                """
                SELECT DISTINCT leaseOwner FROM delivery
                WHERE state = 'inflight' AND leaseOwner IS NOT NULL
                  AND (\(owners)::text[] IS NULL OR leaseOwner = ANY(\(owners)::text[]))
                  AND (\(expiredBefore)::timestamptz IS NULL OR leaseExpiresAt < \(expiredBefore)::timestamptz)
                """, on: connection
            ).map { try $0.get("leaseowner", as: String.self) }
            for owner in expiring {
                let marks = try self.handovers.marks(of: owner)
                guard !marks.isEmpty else { continue }
                _ = try await Self.markRows(marks, owner: owner, skipLocked: false, on: connection, logger: self.logger)
            }
            return Int(try await self.value(
                Int64.self,
                """
                WITH expired AS (
                    UPDATE delivery SET
                        state = CASE WHEN handedOver THEN 'uncertain' \(unescaped: Self.stateBeforeClaimSQL) END,
                        uncertainCount = uncertainCount + CASE WHEN handedOver THEN 1 ELSE 0 END,
                        attempts = attempts - CASE WHEN handedOver THEN 0 ELSE 1 END,
                        nextAttemptAt = CASE WHEN NOT handedOver OR uncertainCount + 1 <= \(uncertainRetries) THEN \(now) ELSE NULL END,
                        replyText = CASE WHEN handedOver
                            THEN 'the worker holding this delivery stopped (lease of ' || leaseOwner || ' expired)'
                            ELSE replyText END,
                        replyCode = CASE WHEN handedOver THEN NULL ELSE replyCode END,
                        leaseOwner = NULL, leaseExpiresAt = NULL, handedOver = false, updatedAt = \(now)
                    WHERE state = 'inflight'
                      AND (\(owners)::text[] IS NULL OR leaseOwner = ANY(\(owners)::text[]))
                      AND (\(expiredBefore)::timestamptz IS NULL OR leaseExpiresAt < \(expiredBefore)::timestamptz)
                    RETURNING 1)
                SELECT count(*)::bigint FROM expired
                """, on: connection) ?? 0)
        }
    }

    public func leaseOwners() async throws(StoreError) -> Set<String> {
        let holding = try await run {
            Set(try await self.rows("SELECT DISTINCT leaseOwner FROM delivery WHERE state = 'inflight' AND leaseOwner IS NOT NULL")
                .map { try $0.get("leaseowner", as: String.self) })
        }
        // A worker of this host that died holding nothing may have left its journal.
        return holding.union(handovers.owners())
    }

    public func release(_ deliveryIDs: [Int64], owner: String, at now: Date) async throws(StoreError) {
        guard !deliveryIDs.isEmpty else { return }
        try await run {
            try await self.client.query(
                """
                UPDATE delivery SET state = CASE \(unescaped: Self.stateBeforeClaimSQL) END,
                    attempts = attempts - 1, nextAttemptAt = \(now), leaseOwner = NULL, leaseExpiresAt = NULL, handedOver = false,
                    updatedAt = \(now)
                WHERE id = ANY(\(deliveryIDs)) AND state = 'inflight' AND leaseOwner = \(owner)
                """, logger: self.logger)
        }
    }

    static var stateBeforeClaimSQL: String { DeliveryQueueSQL.stateBeforeClaim }

    public func nextDue(digestID: Int64?) async throws(StoreError) -> Date? {
        try await run {
            try await self.value(
                Date?.self,
                "SELECT min(nextAttemptAt) FROM delivery WHERE nextAttemptAt IS NOT NULL AND (\(digestID)::bigint IS NULL OR digestID = \(digestID)::bigint)"
            ) ?? nil
        }
    }
}
