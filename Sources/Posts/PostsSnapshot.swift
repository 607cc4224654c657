import Foundation

/// Every readable post of the folder at one moment, newest first, and what was wrong with the rest.
public struct PostsSnapshot: Sendable {
    /// Posts that parsed, drafts and scheduled posts included, sorted newest first (ties by path).
    public var posts: [Post]
    /// Errors and warnings, sorted by file then line.
    public var diagnostics: [Diagnostic]

    /// `false` when the posts folder, or one of its subfolders, could not be read: the snapshot
    /// does not say which posts exist, and nothing should be published (or unpublished) from it.
    public var isComplete: Bool

    public init(posts: [Post], diagnostics: [Diagnostic], isComplete: Bool = true) {
        self.isComplete = isComplete
        self.posts = PostsSnapshot.sortedNewestFirst(posts)
        self.diagnostics = diagnostics.sorted {
            ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column)
        }
    }

    /// Whether any diagnostic is an error (a post was rejected).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The posts that belong in outputs at `now`: no drafts, nothing scheduled for later.
    public func published(at now: Date) -> [Post] {
        posts.filter { $0.isPublished(at: now) }
    }

    /// Newest first, ties by path. An already sorted array (the usual case after the snapshot)
    /// is returned as is.
    public static func sortedNewestFirst(_ posts: [Post]) -> [Post] {
        // Keys are read out once: each access to a post's field goes through its storage box.
        let keys = posts.map { (date: $0.date, path: $0.path) }
        func before(_ a: Int, _ b: Int) -> Bool {
            keys[a].date != keys[b].date ? keys[a].date > keys[b].date : keys[a].path < keys[b].path
        }
        if keys.indices.dropFirst().allSatisfy({ !before($0, $0 - 1) }) { return posts }
        return keys.indices.sorted(by: before).map { posts[$0] }
    }

    /// Keeps the first post for each slug and each explicit id; later ones become errors.
    /// `posts` must be in path order (as `PostsReader` lists them), so that "first" is stable.
    static func removingDuplicates(_ posts: [Post], displayPrefix: String) -> (posts: [Post], diagnostics: [Diagnostic]) {
        var bySlug: [String: String] = [:]
        bySlug.reserveCapacity(posts.count)
        var byID: [String: String] = [:]
        var kept: [Post] = []
        kept.reserveCapacity(posts.count)
        var diagnostics: [Diagnostic] = []
        // Published posts claim their slug and id before drafts do: a draft never pushes a
        // published post out of the feeds.
        for post in posts.filter({ !$0.isDraft }) + posts.filter(\.isDraft) {
            if let other = bySlug.updateValue(post.path, forKey: post.slug) {
                bySlug[post.slug] = other  // the first one keeps it
                diagnostics.append(.error(
                    displayPrefix + post.path,
                    "duplicate slug '\(post.slug)' (also used by \(displayPrefix + other)); set a different 'slug:'"))
                continue
            }
            if let id = post.explicitID, let other = byID[id] {
                bySlug.removeValue(forKey: post.slug)  // a rejected post claims nothing
                diagnostics.append(.error(
                    displayPrefix + post.path, "duplicate id '\(id)' (also used by \(displayPrefix + other))"))
                continue
            }
            if let id = post.explicitID { byID[id] = post.path }
            kept.append(post)
        }
        return (kept, diagnostics)
    }
}
