/// How much of each post an output (a feed, a digest) carries: the `content` keys of
/// config.json.
public enum PostContent: String, Sendable, Hashable, CaseIterable {
    /// The whole post as HTML.
    case full
    /// The excerpt as HTML, with a link to the post.
    case excerpt
}
