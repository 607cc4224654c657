import Foundation
import Posts

/// Which posts a newsletter carries: those with one of its tags and by one of its authors
/// (an empty list means "any"), compared by slug so that `Élus & Entreprises` matches
/// `élus & entreprises`.
public struct NewsletterSelection: Sendable, Hashable {
    public var tagSlugs: Set<String>
    public var authorSlugs: Set<String>

    public init(tags: [String], authors: [String]) {
        tagSlugs = Set(tags.map(Slug.make))
        authorSlugs = Set(authors.map(Slug.make))
    }

    /// Whether `post` belongs in the newsletter; `siteAuthor` stands in for posts without one.
    public func includes(_ post: Post, siteAuthor: String) -> Bool {
        let tagOK = tagSlugs.isEmpty || post.tags.contains { tagSlugs.contains(Slug.make($0)) }
        let authorOK = authorSlugs.isEmpty || authorSlugs.contains(Slug.make(post.author?.name ?? siteAuthor))
        return tagOK && authorOK
    }

    /// The newest `limit` posts published at `now` that the newsletter selects, newest first.
    public func newest(_ limit: Int, of posts: [Post], at now: Date, siteAuthor: String) -> [Post] {
        Array(PostsSnapshot.sortedNewestFirst(posts.filter { $0.isPublished(at: now) && includes($0, siteAuthor: siteAuthor) })
            .prefix(limit))
    }
}
