import Foundation
import GRDB

extension SQLiteStore: DeliveryQueue {
    public func claim(limit: Int, digestID: Int64?, owner: String, leaseUntil: Date, at now: Date)
        async throws(StoreError) -> [ClaimedDelivery]
    {
        try await write { db in
            // SQLite has one writer at a time: selecting, then updating, in one write
            // transaction is what `FOR UPDATE SKIP LOCKED` gives a server database.
            let digestFilter = digestID == nil ? "" : "AND d.digestID = \(digestID!)"
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id, d.digestID, d.subscriberID, d.messageID, d.attempts, d.uncertainCount,
                           s.email, s.name, s.status
                    FROM delivery d JOIN subscriber s ON s.id = d.subscriberID
                    WHERE d.nextAttemptAt IS NOT NULL AND d.nextAttemptAt <= ? \(digestFilter)
                    ORDER BY d.nextAttemptAt, d.id
                    LIMIT ?
                    """,
                arguments: [now.storeValue, limit])
            let take = try db.cachedStatement(sql: """
                UPDATE delivery SET state = 'inflight', nextAttemptAt = NULL, leaseOwner = ?, leaseExpiresAt = ?,
                    handedOver = 0, attempts = attempts + 1, updatedAt = ?
                WHERE id = ?
                """)
            return try rows.map { row in
                let id: Int64 = row["id"]
                try take.execute(arguments: [owner, leaseUntil.storeValue, now.storeValue, id])
                return ClaimedDelivery(
                    id: id, digestID: row["digestID"], subscriberID: row["subscriberID"], email: row["email"],
                    name: row["name"], subscriberStatus: SubscriberStatus(rawValue: row["status"]) ?? .pending,
                    messageID: row["messageID"], attempts: (row["attempts"] as Int) + 1,
                    uncertainCount: row["uncertainCount"])
            }
        }
    }

    @discardableResult
    public func record(_ results: [DeliveryResult], owner: String, at now: Date) async throws(StoreError) -> Int {
        try await write { db in
            let update = try db.cachedStatement(sql: """
                UPDATE delivery SET state = ?, nextAttemptAt = ?, uncertainCount = uncertainCount + ?,
                    replyCode = ?, replyText = ?, leaseOwner = NULL, leaseExpiresAt = NULL, handedOver = 0, updatedAt = ?
                WHERE id = ? AND state = 'inflight' AND leaseOwner = ?
                """)
            let bounce = try db.cachedStatement(sql: """
                UPDATE subscriber SET status = ?, updatedAt = ? WHERE id = (SELECT subscriberID FROM delivery WHERE id = ?)
                """)
            var updated = 0
            for result in results {
                let (state, next, uncertain) = result.outcome.stored
                try update.execute(arguments: [
                    state.rawValue, next?.storeValue, uncertain ? 1 : 0, result.replyCode, result.replyText, now.storeValue,
                    result.deliveryID, owner,
                ])
                let changed = db.changesCount
                updated += changed
                if changed > 0, let status = result.subscriberStatus {
                    try bounce.execute(arguments: [status.rawValue, now.storeValue, result.deliveryID])
                }
            }
            return updated
        }
    }

    public func markHandedOver(_ deliveryIDs: [Int64], owner: String) async throws(StoreError) -> Set<Int64> {
        guard !deliveryIDs.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: deliveryIDs.count).joined(separator: ", ")
        let held = try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, attempts FROM delivery WHERE state = 'inflight' AND leaseOwner = ? AND id IN (\(marks))",
                arguments: StatementArguments([owner] as [any DatabaseValueConvertible] + deliveryIDs)
            ).map { (id: $0["id"] as Int64, attempts: $0["attempts"] as Int) }
        }
        for row in held { try handovers.record(row.id, attempt: row.attempts, owner: owner) }
        return Set(held.map(\.id))
    }

    public func markHandedOverBlocking(_ delivery: ClaimedDelivery, owner: String) throws(StoreError) {
        try handovers.record(delivery.id, attempt: delivery.attempts, owner: owner)
    }

    public func endWork(owner: String) async throws(StoreError) {
        let holding = try await read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM delivery WHERE state = 'inflight' AND leaseOwner = ?", arguments: [owner]) ?? 0
        }
        // Rows still held keep their record: should this worker die now, they are uncertain.
        if holding == 0 { handovers.remove(owner) }
    }

    @discardableResult
    public func renewLeases(owner: String, until leaseUntil: Date) async throws(StoreError) -> Int {
        try await write { db in
            try db.execute(
                sql: "UPDATE delivery SET leaseExpiresAt = ? WHERE state = 'inflight' AND leaseOwner = ?",
                arguments: [leaseUntil.storeValue, owner])
            return db.changesCount
        }
    }

    @discardableResult
    public func expireLeases(at now: Date, uncertainRetries: Int) async throws(StoreError) -> Int {
        try await expire(where: "leaseExpiresAt < ?", [now.storeValue], at: now, uncertainRetries: uncertainRetries)
    }

    @discardableResult
    public func expireLeases(heldBy owners: Set<String>, at now: Date, uncertainRetries: Int) async throws(StoreError) -> Int {
        guard !owners.isEmpty else { return 0 }
        let marks = Array(repeating: "?", count: owners.count).joined(separator: ", ")
        let expired = try await expire(
            where: "leaseOwner IN (\(marks))", StatementArguments(Array(owners)), at: now, uncertainRetries: uncertainRetries)
        // Dead: nothing of theirs is held any more.
        for owner in owners { handovers.remove(owner) }
        return expired
    }

    private func expire(where condition: String, _ arguments: StatementArguments, at now: Date, uncertainRetries: Int)
        async throws(StoreError) -> Int
    {
        try await write { [handovers] db in
            // What each expiring worker recorded as handed to its transport.
            let owners = try String.fetchAll(
                db, sql: "SELECT DISTINCT leaseOwner FROM delivery WHERE state = 'inflight' AND leaseOwner IS NOT NULL AND \(condition)",
                arguments: arguments)
            // A mark of an earlier attempt of the row (claimed again since) says nothing of this one.
            let mark = try db.cachedStatement(sql: """
                UPDATE delivery SET handedOver = 1
                WHERE id = ? AND state = 'inflight' AND leaseOwner = ? AND (? IS NULL OR attempts = ?)
                """)
            for owner in owners {
                for marked in try handovers.marks(of: owner) {
                    try mark.execute(arguments: [marked.id, owner, marked.attempt, marked.attempt])
                }
            }
            // A row handed to the transport may have gone out: `uncertain`, due again while it
            // has been uncertain at most `uncertainRetries` times. A row only claimed never
            // left: back in the queue as it was, due now, its attempt not counted.
            try db.execute(
                sql: """
                    UPDATE delivery SET
                        state = CASE WHEN handedOver = 1 THEN 'uncertain' \(Self.stateBeforeClaimSQL) END,
                        uncertainCount = uncertainCount + handedOver,
                        attempts = attempts - (1 - handedOver),
                        nextAttemptAt = CASE WHEN handedOver = 0 OR uncertainCount + 1 <= ? THEN ? ELSE NULL END,
                        replyText = CASE WHEN handedOver = 1
                            THEN 'the worker holding this delivery stopped (lease of ' || leaseOwner || ' expired)'
                            ELSE replyText END,
                        replyCode = CASE WHEN handedOver = 1 THEN NULL ELSE replyCode END,
                        leaseOwner = NULL, leaseExpiresAt = NULL, handedOver = 0, updatedAt = ?
                    WHERE state = 'inflight' AND \(condition)
                    """,
                arguments: [uncertainRetries, now.storeValue, now.storeValue] + arguments)
            return db.changesCount
        }
    }

    public func leaseOwners() async throws(StoreError) -> Set<String> {
        let holding = try await read { db in
            Set(try String.fetchAll(db, sql: "SELECT DISTINCT leaseOwner FROM delivery WHERE state = 'inflight' AND leaseOwner IS NOT NULL"))
        }
        // A worker that died holding nothing may have left its record of handed-over rows.
        return holding.union(handovers.owners())
    }

    public func release(_ deliveryIDs: [Int64], owner: String, at now: Date) async throws(StoreError) {
        guard !deliveryIDs.isEmpty else { return }
        try await write { db in
            let statement = try db.cachedStatement(sql: """
                UPDATE delivery SET state = CASE \(Self.stateBeforeClaimSQL) END,
                    attempts = attempts - 1, nextAttemptAt = ?, leaseOwner = NULL, leaseExpiresAt = NULL, handedOver = 0,
                    updatedAt = ?
                WHERE id = ? AND state = 'inflight' AND leaseOwner = ?
                """)
            for id in deliveryIDs { try statement.execute(arguments: [now.storeValue, now.storeValue, id, owner]) }
        }
    }

    static var stateBeforeClaimSQL: String { DeliveryQueueSQL.stateBeforeClaim }

    public func nextDue(digestID: Int64?) async throws(StoreError) -> Date? {
        try await read { db in
            let filter = digestID == nil ? "" : "AND digestID = \(digestID!)"
            return try Double.fetchOne(
                db, sql: "SELECT min(nextAttemptAt) FROM delivery WHERE nextAttemptAt IS NOT NULL \(filter)"
            ).map(Date.init(storeValue:))
        }
    }
}
