import Foundation
import PostgresNIO
import Store

extension PostgresStore: PostLedger {
    public func recordPublished(_ posts: [(entryID: String, publishedAt: Date)], at now: Date) async throws(StoreError) {
        guard !posts.isEmpty else { return }
        let ids = posts.map(\.entryID)
        let published = posts.map(\.publishedAt)
        try await transaction { connection in
            // Two instances recording at once: the lock makes "is the ledger new" one answer.
            try await connection.query("LOCK TABLE post IN SHARE ROW EXCLUSIVE MODE", logger: self.logger)
            let isNew = try await self.value(Bool.self, "SELECT NOT EXISTS (SELECT 1 FROM post)", on: connection) ?? true
            try await connection.query(
                """
                INSERT INTO post (entryID, publishedAt, firstSeenAt)
                SELECT i, p, CASE WHEN \(isNew) THEN p ELSE greatest(p, \(now)) END
                FROM unnest(\(ids)::text[], \(published)::timestamptz[]) AS e(i, p)
                ON CONFLICT (entryID) DO NOTHING
                """, logger: self.logger)
        }
    }

    public func postsFirstSeen(after start: Date?, upTo end: Date) async throws(StoreError) -> Set<String> {
        try await run {
            Set(try await self.rows(
                "SELECT entryID FROM post WHERE (\(start)::timestamptz IS NULL OR firstSeenAt > \(start)::timestamptz) AND firstSeenAt <= \(end)"
            ).map { try $0.get("entryid", as: String.self) })
        }
    }
}
