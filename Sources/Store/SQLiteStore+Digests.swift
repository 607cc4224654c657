import Foundation
import GRDB

extension SQLiteStore: DigestStore {
    public func lastCompletedWindowEnd(newsletterID: String) async throws(StoreError) -> Date? {
        try await read { db in
            try Double.fetchOne(
                db, sql: "SELECT max(windowEnd) FROM digest WHERE newsletterID = ? AND status = 'completed'",
                arguments: [newsletterID]
            ).map(Date.init(storeValue:))
        }
    }

    public func takeScheduledFire(newsletterID: String, fireAt: Date, at now: Date) async throws(StoreError) -> Bool {
        try await write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO scheduleFire (newsletterID, fireAt, takenAt) VALUES (?, ?, ?)",
                arguments: [newsletterID, fireAt.storeValue, now.storeValue])
            return db.changesCount > 0
        }
    }

    public func lastScheduledFire(newsletterID: String) async throws(StoreError) -> Date? {
        try await read { db in
            try Double.fetchOne(
                db, sql: "SELECT max(fireAt) FROM scheduleFire WHERE newsletterID = ?", arguments: [newsletterID]
            ).map(Date.init(storeValue:))
        }
    }

    public func unfinishedDigest(newsletterID: String) async throws(StoreError) -> Digest? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM digest WHERE newsletterID = ? AND status = 'sending' ORDER BY id LIMIT 1",
                arguments: [newsletterID]
            ).map(Self.digest)
        }
    }

    public func plan(_ plan: DigestPlan, at now: Date) async throws(StoreError) -> (digest: Digest, deliveries: Int)? {
        let postIDs = DigestPlan.encodePostIDs(plan.postIDs)
        return try await write { db -> (digest: Digest, deliveries: Int)? in
            // GRDB's write transactions are IMMEDIATE: no other process writes between this
            // check and the inserts.
            let sending = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM digest WHERE newsletterID = ? AND status = 'sending')",
                arguments: [plan.newsletterID]) ?? false
            if sending { return nil }
            try db.execute(
                sql: """
                    INSERT INTO digest (newsletterID, windowStart, windowEnd, subject, trigger, status, postIDs, content, createdAt)
                    VALUES (?, ?, ?, ?, ?, 'sending', ?, ?, ?)
                    """,
                arguments: [
                    plan.newsletterID, plan.windowStart?.storeValue, plan.windowEnd.storeValue, plan.subject,
                    plan.trigger.rawValue, postIDs, plan.content, now.storeValue,
                ])
            let digestID = db.lastInsertedRowID
            // One statement for every subscriber: 100,000 rows are planned in well under a second.
            // Message-IDs: herald.DIGEST.SUBSCRIBER.RANDOM@domain, unique and fixed from now on.
            try db.execute(
                sql: """
                    INSERT INTO delivery (digestID, subscriberID, messageID, state, nextAttemptAt, updatedAt)
                    SELECT ?, id, 'herald.' || ? || '.' || id || '.' || lower(hex(randomblob(6))) || '@' || ?, 'pending', ?, ?
                    FROM subscriber WHERE status = 'confirmed' AND \(Self.takesNewsletterSQL)
                    ORDER BY id
                    """,
                arguments: [digestID, digestID, plan.messageIDDomain, now.storeValue, now.storeValue, plan.newsletterID])
            let count = db.changesCount
            // No recipient, nothing to wait for: completed now (no worker would ever touch it).
            if count == 0 {
                try db.execute(
                    sql: "UPDATE digest SET status = 'completed', completedAt = ? WHERE id = ?", arguments: [now.storeValue, digestID])
            }
            let digest = try Row.fetchOne(db, sql: "SELECT * FROM digest WHERE id = ?", arguments: [digestID]).map(Self.digest)!
            return (digest, count)
        }
    }

    public func digest(id: Int64) async throws(StoreError) -> Digest? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM digest WHERE id = ?", arguments: [id]).map(Self.digest)
        }
    }

    public func digests() async throws(StoreError) -> [(digest: Digest, counts: DeliveryCounts)] {
        let rows: [(Digest, DeliveryCounts)] = try await read { db in
            var counts: [Int64: DeliveryCounts] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT digestID, state, count(*) AS n FROM delivery GROUP BY digestID, state") {
                if let state = DeliveryState(rawValue: row["state"]) {
                    counts[row["digestID"], default: DeliveryCounts()].byState[state] = row["n"]
                }
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM digest ORDER BY id DESC").map { row in
                let digest = Self.digest(row)
                return (digest, counts[digest.id] ?? DeliveryCounts())
            }
        }
        return rows.map { (digest: $0.0, counts: $0.1) }
    }

    public func counts(digestID: Int64) async throws(StoreError) -> DeliveryCounts {
        try await read { db in
            var counts = DeliveryCounts()
            for row in try Row.fetchAll(
                db, sql: "SELECT state, count(*) AS n FROM delivery WHERE digestID = ? GROUP BY state", arguments: [digestID])
            {
                if let state = DeliveryState(rawValue: row["state"]) { counts.byState[state] = row["n"] }
            }
            return counts
        }
    }

    public func deliveryCounts() async throws(StoreError) -> DeliveryCounts {
        try await read { db in
            var counts = DeliveryCounts()
            for row in try Row.fetchAll(db, sql: """
                SELECT d.state, count(*) AS n FROM digest g JOIN delivery d ON d.digestID = g.id
                WHERE g.status = 'sending' GROUP BY d.state
                """) {
                if let state = DeliveryState(rawValue: row["state"]) { counts.byState[state] = row["n"] }
            }
            return counts
        }
    }

    public func completeIfFinal(digestID: Int64, at now: Date) async throws(StoreError) -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE digest SET status = 'completed', completedAt = ?
                    WHERE id = ? AND status = 'sending' AND NOT EXISTS (
                        SELECT 1 FROM delivery WHERE digestID = ? AND (state = 'inflight' OR nextAttemptAt IS NOT NULL))
                    """,
                arguments: [now.storeValue, digestID, digestID])
            return try String.fetchOne(db, sql: "SELECT status FROM digest WHERE id = ?", arguments: [digestID]) == "completed"
        }
    }

    public func retry(digestID: Int64, at now: Date) async throws(StoreError) -> Int {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE delivery SET nextAttemptAt = ?, updatedAt = ?
                    WHERE digestID = ? AND state IN ('failed', 'deferred', 'uncertain')
                    """,
                arguments: [now.storeValue, now.storeValue, digestID])
            let queued = db.changesCount
            // A completed digest is sending again: `digest send` and the daemon resume it.
            if queued > 0 {
                try db.execute(
                    sql: "UPDATE digest SET status = 'sending', completedAt = NULL WHERE id = ?", arguments: [digestID])
            }
            return queued
        }
    }

    static func digest(_ row: Row) -> Digest {
        let postIDs: String = row["postIDs"]
        return Digest(
            id: row["id"], newsletterID: row["newsletterID"],
            windowStart: (row["windowStart"] as Double?).map(Date.init(storeValue:)),
            windowEnd: Date(storeValue: row["windowEnd"]), subject: row["subject"],
            trigger: DigestTrigger(rawValue: row["trigger"]) ?? .manual,
            status: DigestStatus(rawValue: row["status"]) ?? .sending,
            postIDs: DigestPlan.decodePostIDs(postIDs),
            content: row["content"], createdAt: Date(storeValue: row["createdAt"]),
            completedAt: (row["completedAt"] as Double?).map(Date.init(storeValue:)))
    }
}
