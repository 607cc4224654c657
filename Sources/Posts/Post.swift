import Foundation

/// One Markdown post, read from the posts folder: its front matter, resolved, and its body,
/// still as Markdown (rendering is left to whoever needs the HTML, and only for the posts
/// that end up in an output).
public struct Post: Sendable, Hashable {
    /// The path of the source file relative to the posts folder, with `/` separators.
    public var path: String
    public var title: String
    /// The URL-safe name of the post: the `slug` key, else the file name without its date prefix.
    public var slug: String
    /// The first publication instant.
    public var date: Date
    /// The last significant edit, when the front matter says so.
    public var updated: Date?
    /// The post's author; `nil` means the site's author.
    public var author: Author?
    /// Tags as written by the author (display form), without duplicates, in order.
    public var tags: [String]
    /// The front matter's `summary`, as plain text.
    public var summary: String?
    public var isDraft: Bool
    /// The front matter's `id`, used verbatim as the entry id when set.
    public var explicitID: String?
    /// The front matter's `lang`, when it differs from the site's language.
    public var language: String?
    /// The front matter's `image` (a URL, possibly relative to the post).
    public var image: String?
    /// The Markdown body, with `\n` line endings, without the front matter.
    public var body: String
    /// The Markdown before the `<!--more-->` marker, when the body has one.
    public var excerptMarkdown: String?

    public init(
        path: String, title: String, slug: String, date: Date, updated: Date? = nil,
        author: Author? = nil, tags: [String] = [], summary: String? = nil, isDraft: Bool = false,
        explicitID: String? = nil, language: String? = nil, image: String? = nil,
        body: String, excerptMarkdown: String? = nil
    ) {
        self.path = path
        self.title = title
        self.slug = slug
        self.date = date
        self.updated = updated
        self.author = author
        self.tags = tags
        self.summary = summary
        self.isDraft = isDraft
        self.explicitID = explicitID
        self.language = language
        self.image = image
        self.body = body
        self.excerptMarkdown = excerptMarkdown
    }

    /// The instant a reader should consider the post last changed: `updated`, else `date`.
    public var lastModified: Date { max(updated ?? date, date) }

    /// Whether the post belongs in outputs at `now`: not a draft, and not scheduled for later.
    public func isPublished(at now: Date) -> Bool {
        !isDraft && date <= now
    }
}
