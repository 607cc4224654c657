import Posts

/// Which feeds to write, and what goes into them (the `feeds` section of config.json).
public struct FeedOptions: Sendable, Hashable {
    public var formats: Set<FeedFormat>
    /// Newest entries per feed.
    public var limit: Int
    public var byTag: Bool
    public var byAuthor: Bool
    /// How much of each post a feed carries.
    public var content: PostContent

    public init(
        formats: Set<FeedFormat> = Set(FeedFormat.allCases), limit: Int = 50, byTag: Bool = true,
        byAuthor: Bool = true, content: PostContent = .full
    ) {
        self.formats = formats
        self.limit = limit
        self.byTag = byTag
        self.byAuthor = byAuthor
        self.content = content
    }
}

/// A syndication format and the file name it is written to in every feed folder.
public enum FeedFormat: String, Sendable, Hashable, CaseIterable, Comparable {
    case atom
    case rss
    case json

    public var fileName: String {
        switch self {
        case .atom: return "atom.xml"
        case .rss: return "rss.xml"
        case .json: return "feed.json"
        }
    }

    public var mediaType: String {
        switch self {
        case .atom: return "application/atom+xml"
        case .rss: return "application/rss+xml"
        case .json: return "application/feed+json"
        }
    }

    public static func < (lhs: FeedFormat, rhs: FeedFormat) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
