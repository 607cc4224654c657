import Dispatch
import Foundation
import PostgresNIO
import Store
import Synchronization

extension PostgresStore: DeliveryQueue {
    public func claim(limit: Int, digestID: Int64?, owner: String, leaseUntil: Date, at now: Date)
        async throws(StoreError) -> [ClaimedDelivery]
    {
        try await run {
            // SKIP LOCKED: workers claiming at once, in this process or another instance,
            // each take other rows, without waiting for one another.
            let rows = try await self.rows(
                """
                WITH due AS (
                    SELECT id FROM delivery
                    WHERE nextAttemptAt IS NOT NULL AND nextAttemptAt <= \(now)
                      AND (\(digestID)::bigint IS NULL OR digestID = \(digestID)::bigint)
                    ORDER BY nextAttemptAt, id
                    LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                UPDATE delivery d SET state = 'inflight', nextAttemptAt = NULL, leaseOwner = \(owner), leaseExpiresAt = \(leaseUntil),
                    handedOver = false, attempts = d.attempts + 1, updatedAt = \(now)
                FROM due, subscriber s
                WHERE d.id = due.id AND s.id = d.subscriberID
                RETURNING d.id, d.digestID, d.subscriberID, d.messageID, d.attempts, d.uncertainCount, s.email, s.name, s.status
                """)
            return try rows.map { row in
                ClaimedDelivery(
                    id: try row.get("id"), digestID: try row.get("digestid"), subscriberID: try row.get("subscriberid"),
                    email: try row.get("email"), name: try row.get("name"),
                    subscriberStatus: SubscriberStatus(rawValue: try row.get("status")) ?? .pending, messageID: try row.get("messageid"),
                    attempts: Int(try row.get("attempts", as: Int32.self)), uncertainCount: Int(try row.get("uncertaincount", as: Int32.self)))
            }.sorted { $0.id < $1.id }
        }
    }

    @discardableResult
    public func record(_ results: [DeliveryResult], owner: String, at now: Date) async throws(StoreError) -> Int {
        guard !results.isEmpty else { return 0 }
        // One statement for the batch: arrays, with -1 standing for "none" (arrays of optionals
        // are not bound).
        var ids: [Int64] = [], states: [String] = [], nexts: [Double] = [], uncertain: [Int32] = []
        var codes: [Int32] = [], texts: [String] = []
        for result in results {
            let (state, next, isUncertain) = result.outcome.stored
            ids.append(result.deliveryID)
            states.append(state.rawValue)
            nexts.append(next?.timeIntervalSince1970 ?? -1)
            uncertain.append(isUncertain ? 1 : 0)
            codes.append(Int32(clamping: result.replyCode ?? -1))
            texts.append(result.replyText)
        }
        let bounces = results.compactMap { result in result.subscriberStatus.map { (result.deliveryID, $0.rawValue) } }
        // One statement, so one round trip and its own transaction: the subscribers' new
        // statuses only follow the rows this worker still held.
        return try await run {
            Int(try await self.value(
                Int64.self,
                """
                WITH updated AS (
                    UPDATE delivery d SET state = r.state,
                        nextAttemptAt = CASE WHEN r.next < 0 THEN NULL ELSE to_timestamp(r.next) END,
                        uncertainCount = d.uncertainCount + r.uncertain,
                        replyCode = CASE WHEN r.code < 0 THEN NULL ELSE r.code END, replyText = r.text,
                        leaseOwner = NULL, leaseExpiresAt = NULL, handedOver = false, updatedAt = \(now)
                    FROM unnest(\(ids)::bigint[], \(states)::text[], \(nexts)::float8[], \(uncertain)::int[], \(codes)::int[], \(texts)::text[])
                        AS r(id, state, next, uncertain, code, text)
                    WHERE d.id = r.id AND d.state = 'inflight' AND d.leaseOwner = \(owner)
                    RETURNING d.id, d.subscriberID),
                bounced AS (
                    UPDATE subscriber s SET status = b.status, updatedAt = \(now)
                    FROM unnest(\(bounces.map(\.0))::bigint[], \(bounces.map(\.1))::text[]) AS b(delivery, status), updated u
                    WHERE u.id = b.delivery AND s.id = u.subscriberID
                    RETURNING 1)
                SELECT count(*)::bigint FROM updated
                """) ?? 0)
        }
    }

    public func markHandedOver(_ deliveryIDs: [Int64], owner: String) async throws(StoreError) -> Set<Int64> {
        guard !deliveryIDs.isEmpty else { return [] }
        let held = try await run {
            Set(try await self.rows(
                """
                UPDATE delivery SET handedOver = true
                WHERE id = ANY(\(deliveryIDs)) AND state = 'inflight' AND leaseOwner = \(owner)
                RETURNING id
                """
            ).map { try $0.get("id", as: Int64.self) })
        }
        for id in deliveryIDs where held.contains(id) { try handovers.record(id, owner: owner) }
        return held
    }

    /// Recorded in this host's journal (one `write(2)`), then copied to the row within a
    /// quarter of a second (`HandoverCopier`).
    public func markHandedOverBlocking(_ deliveryID: Int64, owner: String) throws(StoreError) {
        try handovers.record(deliveryID, owner: owner)
        copier.add(deliveryID, owner: owner)
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
                let marked = self.handovers.deliveries(of: owner)
                guard !marked.isEmpty else { continue }
                try await connection.query(
                    "UPDATE delivery SET handedOver = true WHERE id = ANY(\(marked)) AND state = 'inflight' AND leaseOwner = \(owner)",
                    logger: self.logger)
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


