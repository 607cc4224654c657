import Foundation
import MarkdownRendering
import Posts
import Store

/// Decides what a newsletter's next digest holds, and plans it in the store.
///
/// The window starts at the previous *completed* digest's end (a digest still sending keeps the
/// window where it was, so no post is skipped after a failed send) and ends now. It holds the
/// published posts the newsletter selects that Herald first saw in that window (the posts
/// ledger), the newest `maxPosts` of them. No post, no digest.
public struct DigestPlanner: Sendable {
    /// A newsletter as the planner needs it.
    public struct Newsletter: Sendable {
        public var id: String
        public var selection: NewsletterSelection
        public var content: PostContent
        public var maxPosts: Int

        public init(id: String, selection: NewsletterSelection, content: PostContent, maxPosts: Int) {
            self.id = id
            self.selection = selection
            self.content = content
            self.maxPosts = maxPosts
        }
    }

    /// What planning did.
    public enum Outcome: Sendable {
        /// A new digest, with this many deliveries.
        case planned(Digest, deliveries: Int)
        /// The newsletter already had a digest still sending: that one goes on.
        case resumed(Digest)
        /// No new post since `windowStart`: no digest.
        case nothingNew(windowStart: Date?)
        /// The Markdown renderers could not run (`reason`): nothing is wrong with the posts, so
        /// no digest is planned without them; plan again once they can.
        case renderersUnavailable(reason: String)
    }

    public var store: any DigestStore & PostLedger
    public var permalinks: Permalinks
    public var siteAuthor: Author
    /// Renders the subject line of a digest of these items (the newsletter's template).
    public var subject: @Sendable (_ items: [DigestItem], _ date: Date) -> String
    /// The right-hand side of Message-IDs.
    public var messageIDDomain: String
    /// Renders the posts' Markdown; a post it cannot render is left out of the digest.
    public var renderer: any MarkdownRenderingEngine

    public init(
        store: any DigestStore & PostLedger, permalinks: Permalinks, siteAuthor: Author, messageIDDomain: String,
        renderer: any MarkdownRenderingEngine, subject: @escaping @Sendable ([DigestItem], Date) -> String
    ) {
        self.store = store
        self.permalinks = permalinks
        self.siteAuthor = siteAuthor
        self.messageIDDomain = messageIDDomain
        self.renderer = renderer
        self.subject = subject
    }

    /// Plans the next digest of `newsletter` from `posts` (a snapshot of the folder), or resumes
    /// the one still sending.
    public func plan(_ newsletter: Newsletter, posts: [Post], trigger: DigestTrigger, at now: Date) async throws(StoreError) -> Outcome {
        if let unfinished = try await store.unfinishedDigest(newsletterID: newsletter.id) { return .resumed(unfinished) }
        try await store.recordPublished(posts, permalinks: permalinks, at: now)
        var (start, selected) = try await nextPosts(newsletter, posts: posts, at: now)
        // A post whose Markdown cannot be rendered (`herald check` and `build` name it) is left
        // out of this digest, and the window moves past it: it does not come in a later one.
        // When the renderers themselves cannot run, no post is at fault: plan nothing.
        let (items, rejected) = DigestItems(
            permalinks: permalinks, siteAuthor: siteAuthor, content: newsletter.content, renderer: renderer
        ).make(selected)
        for failure in rejected {
            if case .workerUnavailable(let reason) = failure.error { return .renderersUnavailable(reason: reason) }
        }
        let rejectedPaths = Set(rejected.map(\.name))
        selected.removeAll { rejectedPaths.contains($0.path) }
        guard !selected.isEmpty else { return .nothingNew(windowStart: start) }
        let content = DigestContent(items: items, date: now)
        guard let (digest, count) = try await store.plan(
            DigestPlan(
                newsletterID: newsletter.id, windowStart: start, windowEnd: now, subject: subject(content.items, now),
                trigger: trigger, postIDs: selected.map(permalinks.entryID(of:)), content: content.encoded(),
                messageIDDomain: messageIDDomain),
            at: now)
        else {
            // Another process planned a digest since `unfinishedDigest` was asked: that one goes on.
            if let unfinished = try await store.unfinishedDigest(newsletterID: newsletter.id) { return .resumed(unfinished) }
            return try await plan(newsletter, posts: posts, trigger: trigger, at: now)
        }
        return .planned(digest, deliveries: count)
    }

    /// The posts the next digest would hold now, without writing anything (`herald digest
    /// preview`, `--dry-run`): the same window and rule as `plan`.
    public func preview(_ newsletter: Newsletter, posts: [Post], at now: Date) async throws(StoreError) -> (windowStart: Date?, posts: [Post]) {
        if let unfinished = try await store.unfinishedDigest(newsletterID: newsletter.id) {
            let ids = Set(unfinished.postIDs)
            return (unfinished.windowStart, posts.filter { ids.contains(permalinks.entryID(of: $0)) })
        }
        return try await nextPosts(newsletter, posts: posts, at: now, recorded: false)
    }

    private func nextPosts(_ newsletter: Newsletter, posts: [Post], at now: Date, recorded: Bool = true)
        async throws(StoreError) -> (Date?, [Post])
    {
        let start = try await store.lastCompletedWindowEnd(newsletterID: newsletter.id)
        var inWindow = try await store.postsFirstSeen(after: start, upTo: now)
        if !recorded {
            // What `recordPublished` would add: posts the ledger does not know yet count as seen
            // now (or at their own date, on an empty ledger).
            let known = try await store.postsFirstSeen(after: nil, upTo: .distantFuture)
            for post in posts where post.isPublished(at: now) {
                let id = permalinks.entryID(of: post)
                if !known.contains(id), !known.isEmpty || start.map({ post.date > $0 }) ?? true { inWindow.insert(id) }
            }
        }
        let candidates = posts.filter { inWindow.contains(permalinks.entryID(of: $0)) }
        return (start, newsletter.selection.newest(newsletter.maxPosts, of: candidates, at: now, siteAuthor: siteAuthor.name))
    }
}

extension PostLedger {
    /// Puts the posts of `posts` published at `now` in the ledger, by entry id.
    public func recordPublished(_ posts: [Post], permalinks: Permalinks, at now: Date) async throws(StoreError) {
        let published = posts.filter { $0.isPublished(at: now) }
        try await recordPublished(published.map { (permalinks.entryID(of: $0), $0.date) }, at: now)
    }
}
