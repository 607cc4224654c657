import Foundation
import Posts

/// Chooses which posts go into which feed: the whole site, each tag, each author, each with
/// the newest `limit` posts. Works on posts only; rendering happens afterwards, for the
/// posts that were chosen.
struct FeedPlanner {
    let site: FeedSite
    let options: FeedOptions

    /// A feed's scope and its posts, newest first.
    struct Selection {
        var scope: FeedDocument.Scope
        var posts: [Post]
    }

    /// `posts` must be published ones, sorted newest first.
    func select(_ posts: [Post]) -> [Selection] {
        var selections = [Selection(scope: .site, posts: Array(posts.prefix(options.limit)))]
        if options.byTag {
            selections += grouped(posts, keys: { $0.tags }).map { slug, name, members in
                Selection(scope: .tag(slug: slug, name: name), posts: members)
            }
        }
        if options.byAuthor {
            selections += grouped(posts, keys: { [($0.author ?? site.author).name] }).map { slug, name, members in
                Selection(scope: .author(slug: slug, name: name), posts: members)
            }
        }
        return selections
    }

    /// Groups posts by the slug of each key, keeping the first-seen spelling (from the newest
    /// post) as the display name and at most `limit` posts per group, sorted by slug.
    private func grouped(_ posts: [Post], keys: (Post) -> [String]) -> [(String, String, [Post])] {
        var names: [String: String] = [:]
        var members: [String: [Post]] = [:]
        // A site has a few dozen distinct tags and authors over thousands of posts.
        var slugs: [String: String] = [:]
        for post in posts {
            for key in keys(post) {
                let slug: String
                if let known = slugs[key] {
                    slug = known
                } else {
                    slug = Slug.make(key)
                    slugs[key] = slug
                }
                guard !slug.isEmpty else { continue }
                if names[slug] == nil { names[slug] = key }
                if members[slug, default: []].count < options.limit { members[slug, default: []].append(post) }
            }
        }
        return names.keys.sorted().map { ($0, names[$0]!, members[$0]!) }
    }
}
