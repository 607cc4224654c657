import Foundation
import Store
import Testing

/// One batch naming an address twice: both stores take the lines in order (the last one wins).
@Suite struct DuplicateLinesInOneBatchTests {
    @Test(arguments: StoreBackend.allCases) func theLastLineWins(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            _ = try await store.addSubscribers([SubscriberInput(email: "vieux@example.org", name: "Vieux")], status: .confirmed, resubscribe: false, at: t0)
            let changes = try await store.addSubscribers(
                [
                    SubscriberInput(email: "neuf@example.org", name: "Premier"), SubscriberInput(email: "neuf@example.org", name: "Second"),
                    SubscriberInput(email: "vieux@example.org", name: "A"), SubscriberInput(email: "vieux@example.org", name: "B"),
                    SubscriberInput(email: "neuf@example.org", name: "Second"),
                ],
                status: .confirmed, resubscribe: false, at: t0 + 1)
            #expect(changes == SubscriberChanges(added: 1, updated: 3, unchanged: 1))
            #expect(try await store.subscriber(email: "neuf@example.org")?.name == "Second")
            #expect(try await store.subscriber(email: "vieux@example.org")?.name == "B")
        }
    }
}
