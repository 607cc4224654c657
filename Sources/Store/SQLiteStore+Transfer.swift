import Foundation
import GRDB

extension SQLiteStore: StoreTransfer {
    public func exportContents() async throws(StoreError) -> StoreContents {
        try await read { [handovers] db in
            var contents = StoreContents()
            contents.subscribers = try Row.fetchAll(db, sql: "SELECT * FROM subscriber ORDER BY id").map { row in
                StoreContents.SubscriberRow(
                    subscriber: Self.subscriber(row),
                    confirmationSentAt: (row["confirmationSentAt"] as Double?).map(Date.init(storeValue:)))
            }
            contents.posts = try Row.fetchAll(db, sql: "SELECT * FROM post ORDER BY entryID").map { row in
                StoreContents.PostRow(
                    entryID: row["entryID"], publishedAt: Date(storeValue: row["publishedAt"]), firstSeenAt: Date(storeValue: row["firstSeenAt"]))
            }
            contents.digests = try Row.fetchAll(db, sql: "SELECT * FROM digest ORDER BY id").map(Self.digest)
            // A mark may still be in its worker's record beside the file (a worker that died
            // holding rows): the copy must know those rows may have gone out.
            var marks: [String: [Int64: [HandoverJournal.Mark]]] = [:]
            func marked(_ id: Int64, attempt: Int, by owner: String?) throws -> Bool {
                guard let owner else { return false }
                if marks[owner] == nil { marks[owner] = Dictionary(grouping: try handovers.marks(of: owner), by: \.id) }
                return marks[owner]?[id]?.contains { $0.covers(attempt: attempt) } ?? false
            }
            contents.deliveries = try Row.fetchAll(db, sql: "SELECT * FROM delivery ORDER BY id").map { row in
                StoreContents.DeliveryRow(
                    id: row["id"], digestID: row["digestID"], subscriberID: row["subscriberID"], messageID: row["messageID"],
                    state: DeliveryState(rawValue: row["state"]) ?? .pending, attempts: row["attempts"], uncertainCount: row["uncertainCount"],
                    nextAttemptAt: (row["nextAttemptAt"] as Double?).map(Date.init(storeValue:)), leaseOwner: row["leaseOwner"],
                    leaseExpiresAt: (row["leaseExpiresAt"] as Double?).map(Date.init(storeValue:)),
                    handedOver: try row["handedOver"] || marked(row["id"], attempt: row["attempts"], by: row["leaseOwner"]),
                    replyCode: row["replyCode"], replyText: row["replyText"], updatedAt: Date(storeValue: row["updatedAt"]))
            }
            contents.scheduleFires = try Row.fetchAll(db, sql: "SELECT * FROM scheduleFire ORDER BY newsletterID, fireAt").map { row in
                StoreContents.ScheduleFireRow(
                    newsletterID: row["newsletterID"], fireAt: Date(storeValue: row["fireAt"]), takenAt: Date(storeValue: row["takenAt"]))
            }
            return contents
        }
    }

    public func importContents(_ contents: StoreContents) async throws(StoreError) {
        let path = self.path
        try await write { db in
            for table in ["subscriber", "post", "digest", "delivery", "scheduleFire"] {
                if try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 > 0 {
                    throw StoreError("the store \(path) is not empty (its \(table) table has rows); copy into a new store")
                }
            }
            for row in contents.subscribers {
                let subscriber = row.subscriber
                try db.execute(
                    sql: """
                        INSERT INTO subscriber (id, email, name, status, newsletters, createdAt, updatedAt, confirmationSentAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        subscriber.id, subscriber.email, subscriber.name, subscriber.status.rawValue,
                        Self.encodeNewsletters(subscriber.newsletters), subscriber.createdAt.storeValue, subscriber.updatedAt.storeValue,
                        row.confirmationSentAt?.storeValue,
                    ])
            }
            for post in contents.posts {
                try db.execute(
                    sql: "INSERT INTO post (entryID, publishedAt, firstSeenAt) VALUES (?, ?, ?)",
                    arguments: [post.entryID, post.publishedAt.storeValue, post.firstSeenAt.storeValue])
            }
            for digest in contents.digests {
                try db.execute(
                    sql: """
                        INSERT INTO digest (id, newsletterID, windowStart, windowEnd, subject, trigger, status, postIDs, content, createdAt, completedAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        digest.id, digest.newsletterID, digest.windowStart?.storeValue, digest.windowEnd.storeValue, digest.subject,
                        digest.trigger.rawValue, digest.status.rawValue, DigestPlan.encodePostIDs(digest.postIDs), digest.content,
                        digest.createdAt.storeValue, digest.completedAt?.storeValue,
                    ])
            }
            let insertDelivery = try db.cachedStatement(sql: """
                INSERT INTO delivery (id, digestID, subscriberID, messageID, state, attempts, uncertainCount, nextAttemptAt, leaseOwner,
                    leaseExpiresAt, handedOver, replyCode, replyText, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for row in contents.deliveries {
                try insertDelivery.execute(arguments: [
                    row.id, row.digestID, row.subscriberID, row.messageID, row.state.rawValue, row.attempts, row.uncertainCount,
                    row.nextAttemptAt?.storeValue, row.leaseOwner, row.leaseExpiresAt?.storeValue, row.handedOver ? 1 : 0, row.replyCode,
                    row.replyText, row.updatedAt.storeValue,
                ])
            }
            for fire in contents.scheduleFires {
                try db.execute(
                    sql: "INSERT INTO scheduleFire (newsletterID, fireAt, takenAt) VALUES (?, ?, ?)",
                    arguments: [fire.newsletterID, fire.fireAt.storeValue, fire.takenAt.storeValue])
            }
        }
    }
}
