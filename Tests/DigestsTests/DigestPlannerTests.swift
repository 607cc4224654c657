import Foundation
import MarkdownRendering
import Posts
import Store
import Testing
import TestSupport
@testable import Digests

/// The planner's window rule against a real SQLite store in a temporary folder.
@Suite struct DigestPlannerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let permalinks = Permalinks(siteURL: "https://amis.example.org/", timeZone: TimeZone(identifier: "Europe/Paris")!)
    let hebdo = DigestPlanner.Newsletter(id: "hebdo", selection: NewsletterSelection(tags: [], authors: []), content: .excerpt, maxPosts: 50)

    func withPlanner(
        subscribers: Int = 2, renderer: any MarkdownRenderingEngine = MarkdownRenderer(),
        _ body: (DigestPlanner, SQLiteStore) async throws -> Void
    ) async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try SQLiteStore(path: folder.path + "/var/herald.sqlite")
        _ = try await store.addSubscribers(
            (0..<subscribers).map { SubscriberInput(email: "s\($0)@example.org") }, status: .confirmed, resubscribe: false, at: t0)
        let planner = DigestPlanner(
            store: store, permalinks: Self.permalinks, siteAuthor: Author(name: "Le bureau"), messageIDDomain: "amis.example.org",
            renderer: renderer
        ) { items, _ in "\(items.count) billets" }
        try await body(planner, store)
    }

    func post(_ slug: String, _ date: Date, tags: [String] = [], draft: Bool = false) -> Post {
        Post(path: "\(slug).md", title: slug.capitalized, slug: slug, date: date, tags: tags, isDraft: draft, body: "Le billet \(slug).")
    }

    func id(_ post: Post) -> String { Self.permalinks.entryID(of: post) }

    /// Every delivery of `digest` sent, and the digest completed.
    func deliverAll(_ digest: Digest, _ store: SQLiteStore, at now: Date) async throws {
        let rows = try await store.claim(limit: 1000, digestID: digest.id, owner: "test", leaseUntil: now + 60, at: now)
        try await store.record(rows.map { DeliveryResult(deliveryID: $0.id, outcome: .sent) }, owner: "test", at: now)
        #expect(try await store.completeIfFinal(digestID: digest.id, at: now))
    }

    func planned(_ outcome: DigestPlanner.Outcome) -> (Digest, Int)? {
        if case .planned(let digest, let deliveries) = outcome { return (digest, deliveries) }
        return nil
    }

    @Test func firstDigestTakesThePublishedPostsAndIsResumedWhileSending() async throws {
        try await withPlanner { planner, store in
            let old = post("ancien", t0 - 10 * 86_400)
            let recent = post("recent", t0 - 86_400)
            let posts = [old, recent, post("brouillon", t0 - 3600, draft: true), post("programme", t0 + 3600)]
            let first = try await planner.plan(hebdo, posts: posts, trigger: .manual, at: t0)
            let (digest, deliveries) = try #require(planned(first))
            #expect(deliveries == 2)
            #expect(digest.windowStart == nil && digest.windowEnd == t0)
            #expect(digest.postIDs == [id(recent), id(old)])
            #expect(digest.subject == "2 billets")
            #expect(digest.status == .sending)
            // Still sending: planning again resumes it, even with a new post.
            let newer = post("nouveau", t0 + 60)
            let again = try await planner.plan(hebdo, posts: posts + [newer], trigger: .schedule, at: t0 + 120)
            guard case .resumed(let resumed) = again else { Issue.record("expected resumed, got \(again)"); return }
            #expect(resumed.id == digest.id && resumed.postIDs == digest.postIDs)
            #expect(try await store.digests().count == 1)
            // The preview shows the digest that goes on, not the new post.
            let preview = try await planner.preview(hebdo, posts: posts + [newer], at: t0 + 120)
            #expect(preview.posts.map(id).sorted() == [id(old), id(recent)].sorted())
        }
    }

    @Test func renderersThatCannotRunPlanNothingAndLoseNoPost() async throws {
        // A real renderer pool whose program is not a renderer: every post fails as
        // `workerUnavailable`, which says nothing about the posts.
        let broken = MarkdownWorkers(executable: "/bin/true", budget: .seconds(5))
        let posts = [post("a", t0 - 86_400), post("b", t0 - 3600)]
        try await withPlanner(renderer: broken) { planner, store in
            let outcome = try await planner.plan(hebdo, posts: posts, trigger: .manual, at: t0)
            guard case .renderersUnavailable(let reason) = outcome else { Issue.record("expected renderersUnavailable, got \(outcome)"); return }
            #expect(reason.contains("/bin/true"))
            #expect(try await store.digests().isEmpty)
            // With working renderers, the same posts are all in the next digest.
            let working = DigestPlanner(
                store: store, permalinks: Self.permalinks, siteAuthor: Author(name: "Le bureau"), messageIDDomain: "amis.example.org",
                renderer: MarkdownRenderer()
            ) { items, _ in "\(items.count) billets" }
            let (digest, _) = try #require(planned(try await working.plan(hebdo, posts: posts, trigger: .manual, at: t0 + 60)))
            #expect(digest.postIDs.sorted() == posts.map(id).sorted())
        }
    }

    @Test func theWindowStartsAtThePreviousCompletedDigestsEnd() async throws {
        try await withPlanner { planner, store in
            let a = post("a", t0 - 86_400)
            let (first, _) = try #require(planned(try await planner.plan(hebdo, posts: [a], trigger: .manual, at: t0)))
            try await deliverAll(first, store, at: t0 + 10)
            // Nothing new: no digest, and the answer names where the window starts.
            let nothing = try await planner.plan(hebdo, posts: [a], trigger: .schedule, at: t0 + 3600)
            guard case .nothingNew(let start) = nothing else { Issue.record("expected nothingNew, got \(nothing)"); return }
            #expect(start == t0)
            #expect(try await planner.preview(hebdo, posts: [a], at: t0 + 3600).posts.isEmpty)
            // A post written after the first digest but dated before it was seen later: it is new.
            let backdated = post("b", t0 - 5 * 86_400)
            let scheduled = post("c", t0 + 10_000)
            let preview = try await planner.preview(hebdo, posts: [a, backdated, scheduled], at: t0 + 7200)
            #expect(preview.windowStart == t0 && preview.posts.map(id) == [id(backdated)])
            let (second, _) = try #require(planned(try await planner.plan(hebdo, posts: [a, backdated, scheduled], trigger: .schedule, at: t0 + 7200)))
            #expect(second.windowStart == t0 && second.windowEnd == t0 + 7200)
            #expect(second.postIDs == [id(backdated)])
            try await deliverAll(second, store, at: t0 + 7300)
            // The scheduled post is in the digest after its publication.
            let (third, _) = try #require(planned(try await planner.plan(hebdo, posts: [a, backdated, scheduled], trigger: .schedule, at: t0 + 20_000)))
            #expect(third.windowStart == t0 + 7200 && third.postIDs == [id(scheduled)])
        }
    }

    @Test func aDigestStillSendingKeepsTheWindowWhereItWas() async throws {
        try await withPlanner { planner, store in
            let a = post("a", t0 - 86_400)
            let (first, _) = try #require(planned(try await planner.plan(hebdo, posts: [a], trigger: .manual, at: t0)))
            try await deliverAll(first, store, at: t0 + 10)
            let b = post("b", t0 + 50)
            let (second, _) = try #require(planned(try await planner.plan(hebdo, posts: [a, b], trigger: .manual, at: t0 + 100)))
            // One row sent, one deferred: the second digest is not completed.
            let rows = try await store.claim(limit: 10, digestID: second.id, owner: "w", leaseUntil: t0 + 200, at: t0 + 100)
            try await store.record(
                [DeliveryResult(deliveryID: rows[0].id, outcome: .sent), DeliveryResult(deliveryID: rows[1].id, outcome: .deferred(retryAt: t0 + 400))],
                owner: "w", at: t0 + 110)
            #expect(try await !store.completeIfFinal(digestID: second.id, at: t0 + 110))
            #expect(try await store.lastCompletedWindowEnd(newsletterID: "hebdo") == t0)
            let c = post("c", t0 + 150)
            let resumed = try await planner.plan(hebdo, posts: [a, b, c], trigger: .schedule, at: t0 + 200)
            guard case .resumed(let digest) = resumed else { Issue.record("expected resumed, got \(resumed)"); return }
            #expect(digest.id == second.id && digest.postIDs == [id(b)])
            // Once the deferred row is sent, the next digest starts where the second ended.
            let retried = try await store.claim(limit: 10, digestID: second.id, owner: "w", leaseUntil: t0 + 500, at: t0 + 400)
            try await store.record(retried.map { DeliveryResult(deliveryID: $0.id, outcome: .sent) }, owner: "w", at: t0 + 410)
            #expect(try await store.completeIfFinal(digestID: second.id, at: t0 + 410))
            let (third, _) = try #require(planned(try await planner.plan(hebdo, posts: [a, b, c], trigger: .schedule, at: t0 + 500)))
            #expect(third.windowStart == t0 + 100 && third.postIDs == [id(c)])
        }
    }

    @Test func theNewsletterSelectsByTagAndKeepsTheNewest() async throws {
        try await withPlanner { planner, _ in
            let selective = DigestPlanner.Newsletter(
                id: "fetes", selection: NewsletterSelection(tags: ["Fête"], authors: []), content: .excerpt, maxPosts: 2)
            let posts = [
                post("f1", t0 - 3 * 86_400, tags: ["fête"]), post("f2", t0 - 2 * 86_400, tags: ["Fête"]),
                post("f3", t0 - 86_400, tags: ["Fête", "Jardin"]), post("j1", t0 - 3600, tags: ["Jardin"]),
            ]
            let (digest, _) = try #require(planned(try await planner.plan(selective, posts: posts, trigger: .manual, at: t0)))
            #expect(digest.postIDs == [id(posts[2]), id(posts[1])])
            // Without a matching post, no digest.
            let none = try await planner.plan(
                DigestPlanner.Newsletter(id: "velo", selection: NewsletterSelection(tags: ["Vélo"], authors: []), content: .excerpt, maxPosts: 5),
                posts: posts, trigger: .manual, at: t0)
            guard case .nothingNew(nil) = none else { Issue.record("expected nothingNew, got \(none)"); return }
        }
    }

    /// A digest planned for no confirmed subscriber has no delivery to wait for: it is
    /// completed at once (it used to stay sending for ever, and every later send resumed it).
    @Test func aDigestWithoutRecipientsIsCompletedAtOnce() async throws {
        try await withPlanner(subscribers: 0) { planner, store in
            let a = post("a", t0 - 86_400)
            let (digest, deliveries) = try #require(planned(try await planner.plan(hebdo, posts: [a], trigger: .manual, at: t0)))
            #expect(deliveries == 0)
            #expect(try await store.digest(id: digest.id)?.status == .completed)
            let b = post("b", t0 + 50)
            let (next, _) = try #require(planned(try await planner.plan(hebdo, posts: [a, b], trigger: .manual, at: t0 + 100)))
            #expect(next.windowStart == t0 && next.postIDs == [id(b)])
        }
    }
}
