import Foundation
import Store
import Testing
import TestSupport

/// Every store does the same: each test runs on SQLite and on PostgreSQL.
@Suite struct StoreSuiteTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func plan(_ store: any HeraldStore, newsletter: String = "hebdo", at now: Date) async throws -> (digest: Digest, deliveries: Int) {
        try #require(try await planIfNoneSending(store, newsletter: newsletter, at: now))
    }

    func planIfNoneSending(_ store: any HeraldStore, newsletter: String = "hebdo", at now: Date) async throws -> (digest: Digest, deliveries: Int)? {
        try await store.plan(
            DigestPlan(
                newsletterID: newsletter, windowStart: nil, windowEnd: now, subject: "Lettre «\u{A0}1\u{A0}»", trigger: .manual,
                postIDs: ["tag:a.org,2026-01-01:x"], content: Data("contenu".utf8), messageIDDomain: "a.org"),
            at: now)
    }

    @Test(arguments: StoreBackend.allCases) func addingIsIdempotentAndComparesDomainsCaseInsensitively(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let first = try await store.addSubscribers(
                [SubscriberInput(email: "Jean@Example.ORG", name: "Jean"), SubscriberInput(email: "zoe@example.org", newsletters: ["hebdo"])],
                status: .confirmed, resubscribe: false, at: t0)
            #expect(first == SubscriberChanges(added: 2))
            let again = try await store.addSubscribers(
                [SubscriberInput(email: "Jean@example.org", name: "Jean"), SubscriberInput(email: "zoe@EXAMPLE.org", newsletters: ["hebdo"])],
                status: .confirmed, resubscribe: false, at: t0)
            #expect(again == SubscriberChanges(unchanged: 2))
            // The local part keeps its case: another mailbox.
            let other = try await store.addSubscribers([SubscriberInput(email: "jean@example.org")], status: .pending, resubscribe: false, at: t0)
            #expect(other.added == 1)
            let jean = try #require(try await store.subscriber(email: "Jean@EXAMPLE.org"))
            #expect(jean.email == "Jean@example.org")
            #expect(jean.name == "Jean")
            #expect(jean.status == .confirmed)
            #expect(try await store.subscribers(newsletter: "mensuel", status: nil).map(\.email) == ["Jean@example.org", "jean@example.org"])
            #expect(try await store.subscribers(newsletter: "hebdo", status: .confirmed).map(\.email) == ["Jean@example.org", "zoe@example.org"])
        }
    }

    @Test(arguments: StoreBackend.allCases) func confirmingAndResubscribingRules(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            _ = try await store.addSubscribers([SubscriberInput(email: "a@x.org")], status: .pending, resubscribe: false, at: t0)
            // Re-adding as confirmed confirms; re-adding as pending never unconfirms.
            #expect(try await store.addSubscribers([SubscriberInput(email: "a@x.org")], status: .confirmed, resubscribe: false, at: t0).updated == 1)
            #expect(try await store.addSubscribers([SubscriberInput(email: "a@x.org")], status: .pending, resubscribe: false, at: t0).unchanged == 1)
            let id = try #require(try await store.subscriber(email: "a@x.org")).id
            try await store.setStatus(.unsubscribed, subscriberID: id, at: t0)
            // An import does not bring back someone who left; an explicit re-add does.
            #expect(try await store.addSubscribers([SubscriberInput(email: "a@x.org")], status: .confirmed, resubscribe: false, at: t0).unchanged == 1)
            #expect(try await store.subscriber(id: id)?.status == .unsubscribed)
            #expect(try await store.addSubscribers([SubscriberInput(email: "a@x.org")], status: .confirmed, resubscribe: true, at: t0).updated == 1)
            #expect(try await store.subscriber(id: id)?.status == .confirmed)
            #expect(try await store.removeSubscriber(email: "A@X.ORG") == false)  // local part differs
            #expect(try await store.removeSubscriber(email: "a@X.ORG"))
            #expect(try await store.subscriber(id: id) == nil)
        }
    }

    /// The queue's depth counts the digests still sending, not the history.
    @Test(arguments: StoreBackend.allCases) func queueDepthCountsOnlyDigestsStillSending(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            _ = try await store.addSubscribers((0..<4).map { SubscriberInput(email: "s\($0)@x.org") }, status: .confirmed, resubscribe: false, at: t0)
            let (first, _) = try await plan(store, at: t0)
            let rows = try await store.claim(limit: 10, digestID: first.id, owner: "w", leaseUntil: t0 + 60, at: t0)
            _ = try await store.record(rows.map { DeliveryResult(deliveryID: $0.id, outcome: .sent) }, owner: "w", at: t0)
            #expect(try await store.deliveryCounts().byState == [.sent: 4])
            #expect(try await store.completeIfFinal(digestID: first.id, at: t0))
            #expect(try await store.deliveryCounts().byState.isEmpty)
            let (second, _) = try await plan(store, newsletter: "mensuel", at: t0 + 10)
            let one = try await store.claim(limit: 1, digestID: second.id, owner: "w", leaseUntil: t0 + 60, at: t0 + 10)
            _ = try await store.record([DeliveryResult(deliveryID: one[0].id, outcome: .failed)], owner: "w", at: t0 + 10)
            #expect(try await store.deliveryCounts().byState == [.failed: 1, .pending: 3])
        }
    }

    /// Links name a subscriber by id: a removed subscriber's id is never given to a new one,
    /// not even the highest (SQLite's plain `INTEGER PRIMARY KEY` gave it again), nor after
    /// the store is opened again.
    @Test(arguments: StoreBackend.allCases) func removedSubscriberIDsAreNeverGivenAgain(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, fixture in
            _ = try await store.addSubscribers([SubscriberInput(email: "a@x.org"), SubscriberInput(email: "b@x.org")], status: .confirmed, resubscribe: false, at: t0)
            let highest = try #require(try await store.subscriber(email: "b@x.org")).id
            #expect(try await store.removeSubscriber(email: "b@x.org"))
            _ = try await store.addSubscribers([SubscriberInput(email: "c@x.org")], status: .confirmed, resubscribe: false, at: t0)
            let next = try #require(try await store.subscriber(email: "c@x.org")).id
            #expect(next > highest)
            #expect(try await store.removeSubscriber(email: "c@x.org"))
            let reopened = try await fixture.open()
            _ = try await reopened.requestSubscription(
                SubscriptionRequest(email: "d@x.org", name: nil, newsletter: "hebdo"), interval: 600, at: t0)
            #expect(try #require(try await reopened.subscriber(email: "d@x.org")).id > next)
        }
    }

    @Test(arguments: StoreBackend.allCases) func planningMakesOneDeliveryPerConfirmedSubscriberOfTheNewsletter(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            let inputs = (0..<50).map { SubscriberInput(email: "s\($0)@x.org", newsletters: $0 % 5 == 0 ? ["mensuel"] : []) }
            _ = try await store.addSubscribers(inputs, status: .confirmed, resubscribe: false, at: t0)
            _ = try await store.addSubscribers([SubscriberInput(email: "pending@x.org")], status: .pending, resubscribe: false, at: t0)
            let (digest, count) = try await plan(store, at: t0)
            #expect(count == 40)
            #expect(digest.status == .sending)
            #expect(digest.subject == "Lettre «\u{A0}1\u{A0}»")
            #expect(digest.content == Data("contenu".utf8))
            #expect(try await store.unfinishedDigest(newsletterID: "hebdo")?.id == digest.id)
            #expect(try await store.counts(digestID: digest.id)[.pending] == 40)
            let claimed = try await store.claim(limit: 100, digestID: digest.id, owner: "w", leaseUntil: t0 + 60, at: t0)
            #expect(claimed.count == 40)
            #expect(Set(claimed.map(\.messageID)).count == 40)
            #expect(claimed.allSatisfy { $0.messageID.hasPrefix("herald.\(digest.id).\($0.subscriberID).") && $0.messageID.hasSuffix("@a.org") })
            #expect(!claimed.contains { $0.email == "pending@x.org" })
        }
    }

    /// Two processes that both saw no digest sending cannot both plan one: the second plan,
    /// through another connection to the file, plans nothing. Once the first is completed, and
    /// for another newsletter, planning goes on.
    @Test(arguments: StoreBackend.allCases) func planningWhileADigestIsSendingPlansNothing(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, fixture in
            _ = try await store.addSubscribers([SubscriberInput(email: "s@x.org")], status: .confirmed, resubscribe: false, at: t0)
            let (digest, _) = try await plan(store, at: t0)
            let other = try await fixture.open()
            #expect(try await planIfNoneSending(other, at: t0 + 1) == nil)
            #expect(try await store.digests().count == 1)
            #expect(try await planIfNoneSending(other, newsletter: "mensuel", at: t0 + 1) != nil)
            let rows = try await store.claim(limit: 10, digestID: digest.id, owner: "a", leaseUntil: t0 + 60, at: t0)
            try await store.record([DeliveryResult(deliveryID: rows[0].id, outcome: .sent)], owner: "a", at: t0 + 2)
            #expect(try await store.completeIfFinal(digestID: digest.id, at: t0 + 3))
            #expect(try await planIfNoneSending(other, at: t0 + 4) != nil)
        }
    }

    /// `retry` on a completed digest with failed rows queues them and makes the digest sending
    /// again, so that `digest send` resumes it; with nothing to retry it stays completed.
    @Test(arguments: StoreBackend.allCases) func retryReopensACompletedDigest(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            _ = try await store.addSubscribers((0..<2).map { SubscriberInput(email: "s\($0)@x.org") }, status: .confirmed, resubscribe: false, at: t0)
            let (digest, _) = try await plan(store, at: t0)
            let rows = try await store.claim(limit: 10, digestID: digest.id, owner: "a", leaseUntil: t0 + 60, at: t0)
            try await store.record(
                [DeliveryResult(deliveryID: rows[0].id, outcome: .sent), DeliveryResult(deliveryID: rows[1].id, outcome: .failed, replyCode: 554)],
                owner: "a", at: t0 + 1)
            #expect(try await store.completeIfFinal(digestID: digest.id, at: t0 + 2))
            #expect(try await store.unfinishedDigest(newsletterID: "hebdo") == nil)
            #expect(try await store.retry(digestID: digest.id, at: t0 + 3) == 1)
            #expect(try await store.digest(id: digest.id)?.status == .sending)
            #expect(try await store.unfinishedDigest(newsletterID: "hebdo")?.id == digest.id)
            let again = try await store.claim(limit: 10, digestID: digest.id, owner: "b", leaseUntil: t0 + 60, at: t0 + 3)
            #expect(again.map(\.id) == [rows[1].id])
            try await store.record([DeliveryResult(deliveryID: rows[1].id, outcome: .sent)], owner: "b", at: t0 + 4)
            #expect(try await store.completeIfFinal(digestID: digest.id, at: t0 + 5))
            #expect(try await store.retry(digestID: digest.id, at: t0 + 6) == 0)
            #expect(try await store.digest(id: digest.id)?.status == .completed)
        }
    }

    @Test(arguments: StoreBackend.allCases) func leasesOutcomesAndCompletion(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            _ = try await store.addSubscribers((0..<4).map { SubscriberInput(email: "s\($0)@x.org") }, status: .confirmed, resubscribe: false, at: t0)
            let (digest, _) = try await plan(store, at: t0)
            let rows = try await store.claim(limit: 10, digestID: nil, owner: "a", leaseUntil: t0 + 60, at: t0)
            #expect(rows.count == 4)
            #expect(try await store.markHandedOver(rows.map(\.id), owner: "a") == Set(rows.map(\.id)))
            // Nothing is claimed twice while the lease holds.
            #expect(try await store.claim(limit: 10, digestID: nil, owner: "b", leaseUntil: t0 + 60, at: t0 + 1).isEmpty)
            // Another owner cannot record outcomes for rows it does not hold.
            #expect(try await store.record([DeliveryResult(deliveryID: rows[0].id, outcome: .sent)], owner: "b", at: t0 + 2) == 0)
            let results = [
                DeliveryResult(deliveryID: rows[0].id, outcome: .sent, replyCode: 250, replyText: "250 ok"),
                DeliveryResult(deliveryID: rows[1].id, outcome: .deferred(retryAt: t0 + 100), replyCode: 451, replyText: "451 later"),
                DeliveryResult(deliveryID: rows[2].id, outcome: .failed, replyCode: 550, replyText: "550 5.1.1 no such user", subscriberStatus: .bounced),
            ]
            #expect(try await store.record(results, owner: "a", at: t0 + 2) == 3)
            #expect(try await store.subscriber(id: rows[2].subscriberID)?.status == .bounced)
            // rows[3]'s worker died: its lease expires into `uncertain`, due again once.
            #expect(try await store.expireLeases(at: t0 + 30, uncertainRetries: 1) == 0)
            #expect(try await store.expireLeases(at: t0 + 61, uncertainRetries: 1) == 1)
            #expect(try await store.counts(digestID: digest.id)[.uncertain] == 1)
            #expect(try await !store.completeIfFinal(digestID: digest.id, at: t0 + 62))
            let retried = try await store.claim(limit: 10, digestID: nil, owner: "c", leaseUntil: t0 + 200, at: t0 + 62)
            #expect(retried.map(\.id) == [rows[3].id])
            #expect(retried[0].messageID == rows[3].messageID)
            #expect(retried[0].uncertainCount == 1)
            #expect(retried[0].attempts == 2)
            // Its second uncertain end is final; the deferred row comes back when due.
            try await store.record([DeliveryResult(deliveryID: rows[3].id, outcome: .uncertain(retryAt: nil))], owner: "c", at: t0 + 63)
            #expect(try await store.nextDue(digestID: digest.id) == t0 + 100)
            let deferred = try await store.claim(limit: 10, digestID: nil, owner: "c", leaseUntil: t0 + 300, at: t0 + 100)
            #expect(deferred.map(\.id) == [rows[1].id])
            try await store.record([DeliveryResult(deliveryID: rows[1].id, outcome: .sent)], owner: "c", at: t0 + 101)
            #expect(try await store.completeIfFinal(digestID: digest.id, at: t0 + 102))
            #expect(try await store.lastCompletedWindowEnd(newsletterID: "hebdo") == t0)
            let counts = try await store.counts(digestID: digest.id)
            #expect(counts[.sent] == 2 && counts[.failed] == 1 && counts[.uncertain] == 1)
            // retry puts failed and uncertain rows back, with their Message-IDs.
            #expect(try await store.retry(digestID: digest.id, at: t0 + 200) == 2)
            let again = try await store.claim(limit: 10, digestID: nil, owner: "d", leaseUntil: t0 + 400, at: t0 + 200)
            #expect(Set(again.map(\.messageID)) == Set([rows[2].messageID, rows[3].messageID]))
            let listed = try await store.digests()
            #expect(listed.count == 1 && listed[0].counts[.inflight] == 2)
        }
    }

    /// A worker that dies holding a claim: the rows whose messages it had handed to the
    /// transport become `uncertain`; the rows it had only claimed go back as they were, however
    /// many times it happens, and whatever the uncertain policy (with "count it as sent", they
    /// used to end `uncertain` for good: never sent, never retried).
    @Test(arguments: StoreBackend.allCases) func claimedRowsNotHandedOverGoBackUntouched(_ backend: StoreBackend) async throws {
        for uncertainRetries in [1, 0] {
            try await withStore(backend) { store, _ in
                _ = try await store.addSubscribers((0..<3).map { SubscriberInput(email: "s\($0)@x.org") }, status: .confirmed, resubscribe: false, at: t0)
                let (digest, _) = try await plan(store, at: t0)
                let rows = try await store.claim(limit: 10, digestID: nil, owner: "a", leaseUntil: t0 + 60, at: t0)
                #expect(try await store.markHandedOver([rows[0].id], owner: "a") == [rows[0].id])
                // Not the holder: nothing marked, and the caller is told.
                #expect(try await store.markHandedOver([rows[1].id], owner: "someone else").isEmpty)
                #expect(try await store.expireLeases(heldBy: ["a"], at: t0 + 1, uncertainRetries: uncertainRetries) == 3)
                #expect(try await store.counts(digestID: digest.id).byState == [.uncertain: 1, .pending: 2])
                // Dying again and again while holding them loses nothing.
                for round in 1...3 {
                    let now = t0 + Double(100 * round)
                    let held = try await store.claim(limit: 10, digestID: nil, owner: "b\(round)", leaseUntil: now + 60, at: now)
                    #expect(held.count == (uncertainRetries == 1 ? 3 : 2))
                    let others = held.filter { $0.id != rows[0].id }
                    #expect(Set(others.map(\.id)) == Set(rows[1...].map(\.id)))
                    #expect(others.allSatisfy { $0.attempts == 1 && $0.uncertainCount == 0 })
                    #expect(try await store.expireLeases(at: now + 61, uncertainRetries: uncertainRetries) == held.count)
                }
                let last = try await store.claim(limit: 10, digestID: nil, owner: "c", leaseUntil: t0 + 600, at: t0 + 500)
                // The handed-over row is retried once (same Message-ID) or, counted as sent, final.
                let handedOver = last.first { $0.id == rows[0].id }
                #expect((handedOver != nil) == (uncertainRetries == 1))
                #expect(handedOver.map { $0.messageID == rows[0].messageID && $0.attempts == 2 && $0.uncertainCount == 1 } ?? true)
                #expect(last.count == (uncertainRetries == 1 ? 3 : 2))
                #expect(try await store.counts(digestID: digest.id)[.inflight] == last.count)
            }
        }
    }

    /// A worker that claims a row again (a deferred retry in the same run) and dies before
    /// sending it: its mark of the first attempt does not make the second look sent.
    @Test(arguments: StoreBackend.allCases) func aMarkOfAnEarlierAttemptSaysNothingOfTheNext(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            _ = try await store.addSubscribers([SubscriberInput(email: "s@x.org")], status: .confirmed, resubscribe: false, at: t0)
            let (digest, _) = try await plan(store, at: t0)
            let first = try await store.claim(limit: 1, digestID: nil, owner: "a", leaseUntil: t0 + 60, at: t0)
            try store.markHandedOverBlocking(first[0], owner: "a")
            #expect(try await store.record([DeliveryResult(deliveryID: first[0].id, outcome: .deferred(retryAt: t0 + 10))], owner: "a", at: t0 + 1) == 1)
            let second = try await store.claim(limit: 1, digestID: nil, owner: "a", leaseUntil: t0 + 70, at: t0 + 10)
            #expect(second.map(\.attempts) == [2])
            #expect(try await store.expireLeases(heldBy: ["a"], at: t0 + 11, uncertainRetries: 1) == 1)
            #expect(try await store.counts(digestID: digest.id).byState == [.deferred: 1])
            let third = try await store.claim(limit: 1, digestID: nil, owner: "b", leaseUntil: t0 + 80, at: t0 + 12)
            #expect(third.map(\.attempts) == [2] && third.map(\.uncertainCount) == [0])
        }
    }

    /// A live worker renews its leases: expiry then takes nothing from it, and only its own
    /// rows are renewed.
    @Test(arguments: StoreBackend.allCases) func renewedLeasesDoNotExpire(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            _ = try await store.addSubscribers((0..<3).map { SubscriberInput(email: "s\($0)@x.org") }, status: .confirmed, resubscribe: false, at: t0)
            let (digest, _) = try await plan(store, at: t0)
            let mine = try await store.claim(limit: 2, digestID: nil, owner: "a", leaseUntil: t0 + 60, at: t0)
            let theirs = try await store.claim(limit: 2, digestID: nil, owner: "b", leaseUntil: t0 + 60, at: t0)
            #expect(mine.count == 2 && theirs.count == 1)
            #expect(try await store.renewLeases(owner: "a", until: t0 + 150) == 2)
            #expect(try await store.expireLeases(at: t0 + 100, uncertainRetries: 1) == 1)
            #expect(try await store.counts(digestID: digest.id).byState == [.inflight: 2, .pending: 1])
            #expect(try await store.markHandedOver(mine.map(\.id) + theirs.map(\.id), owner: "a") == Set(mine.map(\.id)))
        }
    }

    @Test(arguments: StoreBackend.allCases) func twoStoresOnOneFileNeverClaimTheSameRow(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, fixture in
            let other = try await fixture.open()
            _ = try await store.addSubscribers((0..<500).map { SubscriberInput(email: "s\($0)@x.org") }, status: .confirmed, resubscribe: false, at: t0)
            _ = try await plan(store, at: t0)
            let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for (index, each) in [store, other, store, other].enumerated() {
                    group.addTask {
                        var mine: [Int64] = []
                        while true {
                            let rows = try await each.claim(limit: 7, digestID: nil, owner: "w\(index)", leaseUntil: t0 + 60, at: t0)
                            if rows.isEmpty { return mine }
                            mine += rows.map(\.id)
                        }
                    }
                }
                var all: [Int64] = []
                for try await ids in group { all += ids }
                return all
            }
            #expect(claimed.count == 500)
            #expect(Set(claimed).count == 500)
        }
    }

    @Test(arguments: StoreBackend.allCases) func theLedgerSeedsOldPostsAtTheirDatesAndNewOnesWhenSeen(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store, _ in
            try await store.recordPublished([("old", t0 - 86_400 * 30), ("recent", t0 - 3600)], at: t0)
            try await store.recordPublished([("old", t0 - 86_400 * 30), ("backdated", t0 - 86_400 * 10)], at: t0 + 60)
            #expect(try await store.postsFirstSeen(after: t0 - 7200, upTo: t0 + 60) == ["recent", "backdated"])
            #expect(try await store.postsFirstSeen(after: nil, upTo: t0) == ["old", "recent"])
        }
    }

    @Test func anUnwritableLocationIsAClearError() {
        do {
            _ = try SQLiteStore(path: "/proc/herald/var/herald.sqlite")
            Issue.record("opened a store under /proc")
        } catch {
            #expect(error.description.contains("/proc/herald/var/herald.sqlite"))
            #expect(error.description.contains("store.path"))
        }
    }
}
