import Foundation
import PostgresNIO
import Store

extension PostgresStore: StoreTransfer {
    public func exportContents() async throws(StoreError) -> StoreContents {
        try await transaction { connection in
            // One snapshot for every table.
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: self.logger)
            var contents = StoreContents()
            contents.subscribers = try await self.rows("SELECT * FROM subscriber ORDER BY id", on: connection).map { row in
                StoreContents.SubscriberRow(subscriber: try Self.subscriber(row), confirmationSentAt: try row.get("confirmationsentat"))
            }
            contents.posts = try await self.rows("SELECT * FROM post ORDER BY entryID", on: connection).map { row in
                StoreContents.PostRow(entryID: try row.get("entryid"), publishedAt: try row.get("publishedat"), firstSeenAt: try row.get("firstseenat"))
            }
            contents.digests = try await self.rows("SELECT * FROM digest ORDER BY id", on: connection).map(Self.digest)
            contents.deliveries = try await self.rows("SELECT * FROM delivery ORDER BY id", on: connection).map { row in
                StoreContents.DeliveryRow(
                    id: try row.get("id"), digestID: try row.get("digestid"), subscriberID: try row.get("subscriberid"),
                    messageID: try row.get("messageid"), state: DeliveryState(rawValue: try row.get("state")) ?? .pending,
                    attempts: Int(try row.get("attempts", as: Int32.self)), uncertainCount: Int(try row.get("uncertaincount", as: Int32.self)),
                    nextAttemptAt: try row.get("nextattemptat"), leaseOwner: try row.get("leaseowner"),
                    leaseExpiresAt: try row.get("leaseexpiresat"), handedOver: try row.get("handedover"),
                    replyCode: try row.get("replycode", as: Int32?.self).map(Int.init), replyText: try row.get("replytext"),
                    updatedAt: try row.get("updatedat"))
            }
            contents.scheduleFires = try await self.rows("SELECT * FROM scheduleFire ORDER BY newsletterID, fireAt", on: connection).map { row in
                StoreContents.ScheduleFireRow(newsletterID: try row.get("newsletterid"), fireAt: try row.get("fireat"), takenAt: try row.get("takenat"))
            }
            return contents
        }
    }

    public func importContents(_ contents: StoreContents) async throws(StoreError) {
        let url = settings.displayURL
        try await transaction { connection in
            for table in ["subscriber", "post", "digest", "delivery", "scheduleFire"] {
                if try await self.value(Bool.self, "SELECT EXISTS (SELECT 1 FROM \(unescaped: table))", on: connection) == true {
                    throw StoreError("the store \(url) is not empty (its \(table) table has rows); copy into a new database")
                }
            }
            // Each table in one statement per 10,000 rows, ids kept; then the id sequences go
            // past the largest id, so that new rows do not collide.
            for chunk in contents.subscribers.chunked(10_000) {
                let subscribers = chunk.map(\.subscriber)
                try await connection.query(
                    """
                    INSERT INTO subscriber (id, email, name, status, newsletters, createdAt, updatedAt, confirmationSentAt)
                    SELECT id, email, CASE WHEN hasName THEN name END, status, newsletters, createdAt, updatedAt,
                           CASE WHEN sent < 0 THEN NULL ELSE to_timestamp(sent) END
                    FROM unnest(\(subscribers.map(\.id))::bigint[], \(subscribers.map(\.email))::text[], \(subscribers.map { $0.name ?? "" })::text[],
                                \(subscribers.map { $0.name != nil })::boolean[], \(subscribers.map(\.status.rawValue))::text[],
                                \(subscribers.map { SubscriberRules.encodeNewsletters($0.newsletters) })::text[],
                                \(subscribers.map(\.createdAt))::timestamptz[], \(subscribers.map(\.updatedAt))::timestamptz[],
                                \(chunk.map { $0.confirmationSentAt?.timeIntervalSince1970 ?? -1 })::float8[])
                        AS s(id, email, name, hasName, status, newsletters, createdAt, updatedAt, sent)
                    """, logger: self.logger)
            }
            for chunk in contents.posts.chunked(10_000) {
                try await connection.query(
                    """
                    INSERT INTO post (entryID, publishedAt, firstSeenAt)
                    SELECT * FROM unnest(\(chunk.map(\.entryID))::text[], \(chunk.map(\.publishedAt))::timestamptz[], \(chunk.map(\.firstSeenAt))::timestamptz[])
                    """, logger: self.logger)
            }
            for digest in contents.digests {
                let postIDs = DigestPlan.encodePostIDs(digest.postIDs)
                try await connection.query(
                    """
                    INSERT INTO digest (id, newsletterID, windowStart, windowEnd, subject, trigger, status, postIDs, content, createdAt, completedAt)
                    VALUES (\(digest.id), \(digest.newsletterID), \(digest.windowStart), \(digest.windowEnd), \(digest.subject),
                            \(digest.trigger.rawValue), \(digest.status.rawValue), \(postIDs), \(digest.content), \(digest.createdAt), \(digest.completedAt))
                    """, logger: self.logger)
            }
            for chunk in contents.deliveries.chunked(10_000) {
                try await connection.query(
                    """
                    INSERT INTO delivery (id, digestID, subscriberID, messageID, state, attempts, uncertainCount, nextAttemptAt, leaseOwner,
                                          leaseExpiresAt, handedOver, replyCode, replyText, updatedAt)
                    SELECT id, digestID, subscriberID, messageID, state, attempts, uncertainCount,
                           CASE WHEN next < 0 THEN NULL ELSE to_timestamp(next) END, NULLIF(owner, ''),
                           CASE WHEN lease < 0 THEN NULL ELSE to_timestamp(lease) END, handedOver,
                           CASE WHEN code < 0 THEN NULL ELSE code END, CASE WHEN hasText THEN text END, updatedAt
                    FROM unnest(\(chunk.map(\.id))::bigint[], \(chunk.map(\.digestID))::bigint[], \(chunk.map(\.subscriberID))::bigint[],
                                \(chunk.map(\.messageID))::text[], \(chunk.map(\.state.rawValue))::text[], \(chunk.map { Int32($0.attempts) })::int[],
                                \(chunk.map { Int32($0.uncertainCount) })::int[], \(chunk.map { $0.nextAttemptAt?.timeIntervalSince1970 ?? -1 })::float8[],
                                \(chunk.map { $0.leaseOwner ?? "" })::text[], \(chunk.map { $0.leaseExpiresAt?.timeIntervalSince1970 ?? -1 })::float8[],
                                \(chunk.map(\.handedOver))::boolean[], \(chunk.map { Int32(clamping: $0.replyCode ?? -1) })::int[],
                                \(chunk.map { $0.replyText ?? "" })::text[], \(chunk.map { $0.replyText != nil })::boolean[],
                                \(chunk.map(\.updatedAt))::timestamptz[])
                        AS d(id, digestID, subscriberID, messageID, state, attempts, uncertainCount, next, owner, lease, handedOver, code,
                             text, hasText, updatedAt)
                    """, logger: self.logger)
            }
            for fire in contents.scheduleFires {
                try await connection.query(
                    "INSERT INTO scheduleFire (newsletterID, fireAt, takenAt) VALUES (\(fire.newsletterID), \(fire.fireAt), \(fire.takenAt))",
                    logger: self.logger)
            }
            for table in ["subscriber", "digest", "delivery"] {
                try await connection.query(
                    "SELECT setval(pg_get_serial_sequence('\(unescaped: table)', 'id'), coalesce((SELECT max(id) FROM \(unescaped: table)), 0) + 1, false)",
                    logger: self.logger)
            }
        }
    }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
