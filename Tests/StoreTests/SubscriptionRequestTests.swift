import Foundation
import Store
import Testing
import TestSupport

/// The public form's double opt-in, as the store keeps it.
@Suite struct SubscriptionRequestTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func request(_ email: String, _ newsletter: String = "hebdo") -> SubscriptionRequest {
        SubscriptionRequest(email: email, name: "Zoé", newsletter: newsletter)
    }

    @Test(arguments: StoreBackend.allCases) func aNewAddressIsPendingAndGetsOneLinkPerInterval(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let first = try await store.requestSubscription(request("zoe@Example.org"), interval: 600, at: t0)
            #expect(first.sendConfirmation && !first.alreadySubscribed)
            let subscriber = try #require(try await store.subscriber(email: "zoe@example.org"))
            #expect(subscriber.status == .pending && subscriber.newsletters == ["hebdo"] && subscriber.id == first.subscriberID)
            // Asked again within the interval: no second mail; after it, one more.
            #expect(try await store.requestSubscription(request("zoe@example.org"), interval: 600, at: t0 + 599).sendConfirmation == false)
            #expect(try await store.requestSubscription(request("zoe@example.org"), interval: 600, at: t0 + 600).sendConfirmation)
            // Another newsletter while pending: both are confirmed by the link.
            _ = try await store.requestSubscription(request("zoe@example.org", "mensuelle"), interval: 600, at: t0 + 700)
            #expect(try await store.subscriber(email: "zoe@example.org")?.newsletters == ["hebdo", "mensuelle"])
        }
    }

    @Test(arguments: StoreBackend.allCases) func confirmingTakesTheNewsletterAndIsIdempotent(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let id = try await store.requestSubscription(request("zoe@example.org"), interval: 600, at: t0).subscriberID
            let confirmed = try #require(try await store.confirmSubscription(subscriberID: id, newsletter: "hebdo", at: t0 + 60))
            #expect(confirmed.status == .confirmed && confirmed.newsletters == ["hebdo"])
            #expect(try await store.confirmSubscription(subscriberID: id, newsletter: "hebdo", at: t0 + 120) == confirmed)
            #expect(try await store.subscribers(newsletter: "hebdo", status: .confirmed).map(\.id) == [id])
            // Already confirmed: nothing to mail, the same answer to the person.
            let again = try await store.requestSubscription(request("zoe@example.org"), interval: 0, at: t0 + 3600)
            #expect(!again.sendConfirmation && again.alreadySubscribed)
            // A second newsletter needs its own confirmation, and keeps the first.
            #expect(try await store.requestSubscription(request("zoe@example.org", "mensuelle"), interval: 0, at: t0 + 3600).sendConfirmation)
            #expect(try await store.subscriber(id: id)?.newsletters == ["hebdo"])
            #expect(try await store.confirmSubscription(subscriberID: id, newsletter: "mensuelle", at: t0 + 3700)?.newsletters == ["hebdo", "mensuelle"])
            #expect(try await store.confirmSubscription(subscriberID: 999, newsletter: "hebdo", at: t0) == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases) func unsubscribedAndBouncedAddresses(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            _ = try await store.addSubscribers([SubscriberInput(email: "parti@example.org"), SubscriberInput(email: "rebond@example.org")],
                status: .confirmed, resubscribe: false, at: t0)
            let left = try #require(try await store.subscriber(email: "parti@example.org"))
            try await store.setStatus(.unsubscribed, subscriberID: left.id, at: t0)
            let bounced = try #require(try await store.subscriber(email: "rebond@example.org"))
            try await store.setStatus(.bounced, subscriberID: bounced.id, at: t0)
            // Someone who left may sign up again: still unsubscribed until they confirm.
            let back = try await store.requestSubscription(request("parti@example.org"), interval: 600, at: t0 + 1)
            #expect(back.sendConfirmation)
            #expect(try await store.subscriber(id: left.id)?.status == .unsubscribed)
            let rejoined = try await store.confirmSubscription(subscriberID: left.id, newsletter: "hebdo", at: t0 + 2)
            #expect(rejoined?.status == .confirmed && rejoined?.newsletters == ["hebdo"], "back for the newsletter the link names only")
            // A bounced address gets no mail, and a link cannot revive it.
            #expect(try await store.requestSubscription(request("rebond@example.org"), interval: 600, at: t0 + 1).sendConfirmation == false)
            #expect(try await store.confirmSubscription(subscriberID: bounced.id, newsletter: "hebdo", at: t0 + 2) == nil)
            #expect(try await store.subscriber(id: bounced.id)?.status == .bounced)
        }
    }

    @Test(arguments: StoreBackend.allCases) func concurrentRequestsForOneAddressMailOnce(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let outcomes = try await withThrowingTaskGroup(of: SubscriptionRequestOutcome.self) { group in
                for _ in 0..<50 { group.addTask { try await store.requestSubscription(request("rafale@example.org"), interval: 600, at: t0) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter(\.sendConfirmation).count == 1)
            #expect(Set(outcomes.map(\.subscriberID)).count == 1)
        }
    }
}
