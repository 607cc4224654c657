import Foundation

/// One Markdown post, read from the posts folder: its front matter, resolved, and its body,
/// still as Markdown (rendering is left to whoever needs the HTML, and only for the posts
/// that end up in an output).
///
/// A value type whose fields live in one shared, copy-on-write box: snapshots of ten thousand
/// posts are sorted, filtered and passed between threads, and copying a post then costs one
/// reference count instead of one per field.
public struct Post: Sendable, Hashable {
    /// The path of the source file relative to the posts folder, with `/` separators.
    public var path: String {
        get { storage.path }
        set { mutableStorage().path = newValue }
    }
    public var title: String {
        get { storage.title }
        set { mutableStorage().title = newValue }
    }
    /// The URL-safe name of the post: the `slug` key, else the file name without its date prefix.
    public var slug: String {
        get { storage.slug }
        set { mutableStorage().slug = newValue }
    }
    /// The first publication instant.
    public var date: Date {
        get { storage.date }
        set { mutableStorage().date = newValue }
    }
    /// The last significant edit, when the front matter says so.
    public var updated: Date? {
        get { storage.updated }
        set { mutableStorage().updated = newValue }
    }
    /// The post's author; `nil` means the site's author.
    public var author: Author? {
        get { storage.author }
        set { mutableStorage().author = newValue }
    }
    /// Tags as written by the author (display form), without duplicates, in order.
    public var tags: [String] {
        get { storage.tags }
        set { mutableStorage().tags = newValue }
    }
    /// The front matter's `summary`, as plain text.
    public var summary: String? {
        get { storage.summary }
        set { mutableStorage().summary = newValue }
    }
    public var isDraft: Bool {
        get { storage.isDraft }
        set { mutableStorage().isDraft = newValue }
    }
    /// The front matter's `id`, used verbatim as the entry id when set.
    public var explicitID: String? {
        get { storage.explicitID }
        set { mutableStorage().explicitID = newValue }
    }
    /// The front matter's `lang`, when it differs from the site's language.
    public var language: String? {
        get { storage.language }
        set { mutableStorage().language = newValue }
    }
    /// The front matter's `image` (a URL, possibly relative to the post).
    public var image: String? {
        get { storage.image }
        set { mutableStorage().image = newValue }
    }
    /// The Markdown body, with `\n` line endings, without the front matter.
    public var body: String {
        get { storage.body }
        set { mutableStorage().body = newValue }
    }
    /// The Markdown before the `<!--more-->` marker, when the body has one.
    public var excerptMarkdown: String? {
        get { storage.excerptMarkdown }
        set { mutableStorage().excerptMarkdown = newValue }
    }

    private var storage: Storage

    public init(
        path: String, title: String, slug: String, date: Date, updated: Date? = nil, author: Author? = nil, tags: [String] = [], summary: String? = nil, isDraft: Bool = false, explicitID: String? = nil, language: String? = nil, image: String? = nil, body: String, excerptMarkdown: String? = nil
    ) {
        storage = Storage(
            path: path, title: title, slug: slug, date: date, updated: updated, author: author, tags: tags, summary: summary, isDraft: isDraft, explicitID: explicitID, language: language, image: image, body: body, excerptMarkdown: excerptMarkdown)
    }

    /// The instant a reader should consider the post last changed: `updated`, else `date`.
    public var lastModified: Date { max(updated ?? date, date) }

    /// Whether the post belongs in outputs at `now`: not a draft, and not scheduled for later.
    public func isPublished(at now: Date) -> Bool {
        !isDraft && date <= now
    }

    public static func == (lhs: Post, rhs: Post) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields)
    }

    private mutating func mutableStorage() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    /// Mutated only through `mutableStorage()`, that is only while uniquely referenced.
    private final class Storage: @unchecked Sendable {
        var path: String
        var title: String
        var slug: String
        var date: Date
        var updated: Date?
        var author: Author?
        var tags: [String]
        var summary: String?
        var isDraft: Bool
        var explicitID: String?
        var language: String?
        var image: String?
        var body: String
        var excerptMarkdown: String?

        init(path: String, title: String, slug: String, date: Date, updated: Date?, author: Author?, tags: [String], summary: String?, isDraft: Bool, explicitID: String?, language: String?, image: String?, body: String, excerptMarkdown: String?) {
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

        func copy() -> Storage {
            Storage(path: path, title: title, slug: slug, date: date, updated: updated, author: author, tags: tags, summary: summary, isDraft: isDraft, explicitID: explicitID, language: language, image: image, body: body, excerptMarkdown: excerptMarkdown)
        }

        /// Every field, for equality and hashing.
        var fields: Fields { Fields(path: path, title: title, slug: slug, date: date, updated: updated, author: author, tags: tags, summary: summary, isDraft: isDraft, explicitID: explicitID, language: language, image: image, body: body, excerptMarkdown: excerptMarkdown) }
    }

    private struct Fields: Hashable {
        var path: String
        var title: String
        var slug: String
        var date: Date
        var updated: Date?
        var author: Author?
        var tags: [String]
        var summary: String?
        var isDraft: Bool
        var explicitID: String?
        var language: String?
        var image: String?
        var body: String
        var excerptMarkdown: String?
    }
}
