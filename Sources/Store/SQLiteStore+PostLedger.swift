import Foundation
import GRDB

extension SQLiteStore: PostLedger {
    public func recordPublished(_ posts: [(entryID: String, publishedAt: Date)], at now: Date) async throws(StoreError) {
        let entries = posts.map { (id: $0.entryID, published: $0.publishedAt.storeValue) }
        try await write { db in
            let isNew = try Int.fetchOne(db, sql: "SELECT count(*) FROM post") == 0
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO post (entryID, publishedAt, firstSeenAt) VALUES (?, ?, ?)")
            for entry in entries {
                try insert.execute(arguments: [entry.id, entry.published, isNew ? entry.published : max(entry.published, now.storeValue)])
            }
        }
    }

    public func postsFirstSeen(after start: Date?, upTo end: Date) async throws(StoreError) -> Set<String> {
        try await read { db in
            let ids = try String.fetchAll(
                db, sql: "SELECT entryID FROM post WHERE firstSeenAt > ? AND firstSeenAt <= ?",
                arguments: [start?.storeValue ?? -Double.greatestFiniteMagnitude, end.storeValue])
            return Set(ids)
        }
    }
}
