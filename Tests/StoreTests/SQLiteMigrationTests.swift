import Foundation
import GRDB
@testable import Store
import Testing
import TestSupport

/// Migrations applied to a store made by an older Herald keep everything in it.
@Suite struct SQLiteMigrationTests {
    /// The subscriber table made again with AUTOINCREMENT (migration 4): the subscribers, their
    /// ids, and the deliveries that point at them are all still there, and removing a
    /// subscriber still removes their deliveries.
    @Test func remakingTheSubscriberTableKeepsItsRowsAndTheirDeliveries() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let path = folder.path + "/herald.sqlite"
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteMigrations.migrator.migrate(queue, upTo: "3-confirmation-sent")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO subscriber (id, email, status, createdAt, updatedAt, confirmationSentAt) VALUES
                        (1, 'a@x.org', 'confirmed', 1, 1, NULL), (7, 'b@x.org', 'confirmed', 1, 1, 5), (9, 'c@x.org', 'pending', 1, 1, NULL);
                    INSERT INTO digest (id, newsletterID, windowEnd, subject, trigger, status, postIDs, content, createdAt)
                        VALUES (1, 'hebdo', 1, 'S', 'manual', 'sending', '', x'00', 1);
                    INSERT INTO delivery (digestID, subscriberID, messageID, state, updatedAt) VALUES
                        (1, 1, '<1@x>', 'pending', 1), (1, 7, '<7@x>', 'pending', 1);
                    """)
                // The highest id removed before the migration.
                try db.execute(sql: "DELETE FROM subscriber WHERE id = 9")
            }
        }
        let store = try SQLiteStore(path: path)
        #expect(try await store.subscriber(email: "b@x.org")?.id == 7)
        #expect(try await store.subscriber(id: 1)?.email == "a@x.org")
        #expect(try await store.counts(digestID: 1)[.pending] == 2)
        #expect(try await store.removeSubscriber(email: "b@x.org"))
        #expect(try await store.counts(digestID: 1)[.pending] == 1)
        _ = try await store.addSubscribers([SubscriberInput(email: "d@x.org")], status: .confirmed, resubscribe: false, at: Date())
        #expect(try #require(try await store.subscriber(email: "d@x.org")).id > 7)
    }
}
