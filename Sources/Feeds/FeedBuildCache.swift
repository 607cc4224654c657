import Posts

/// What one build leaves for the next, in a process that builds again after each change (the
/// daemon): each post's rendered entry, kept while the post stays exactly the same, and each
/// feed as last published, so that an unchanged feed is neither serialised nor compared with
/// its file again.
public struct FeedBuildCache: Sendable {
    var entries: [String: (post: Post, entry: FeedEntry)] = [:]
    var published: [String: FeedDocument] = [:]
    var formats: [FeedFormat] = []

    public init() {}

    /// Forgets the feeds as published, keeping the rendered entries: the next publication
    /// compares every feed with its file again.
    public mutating func forgetPublished() {
        published = [:]
    }
}
