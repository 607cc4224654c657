import Foundation

/// One Markdown post, read from the posts folder: its front matter, resolved, and its body,
/// still as Markdown (rendering is left to whoever needs the HTML, and only for the posts
/// that end up in an output).
///
/// A value type whose fields live in one shared, copy-on-write box: snapshots of ten thousand
/// posts are sorted, filtered and passed between threads, and copying a post then costs one
/// reference count instead of one per field. The fields are declared once, in `Fields`, and
/// read and written through `post.title`, `post.tags`… (dynamic member lookup).
@dynamicMemberLookup
public struct Post: Sendable, Hashable {
    /// Everything a post is made of.
    public struct Fields: Sendable, Hashable {
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
    }

    @usableFromInline var box: Box

    public init(
        path: String, title: String, slug: String, date: Date, updated: Date? = nil, author: Author? = nil,
        tags: [String] = [], summary: String? = nil, isDraft: Bool = false, explicitID: String? = nil,
        language: String? = nil, image: String? = nil, body: String, excerptMarkdown: String? = nil
    ) {
        box = Box(Fields(
            path: path, title: title, slug: slug, date: date, updated: updated, author: author, tags: tags,
            summary: summary, isDraft: isDraft, explicitID: explicitID, language: language, image: image, body: body,
            excerptMarkdown: excerptMarkdown))
    }

    /// Every field, read or written by name: `post.title`, `post.tags = […]`.
    @inlinable
    public subscript<Value>(dynamicMember field: WritableKeyPath<Fields, Value>) -> Value {
        get { box.fields[keyPath: field] }
        set {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
            box.fields[keyPath: field] = newValue
        }
    }

    /// The instant a reader should consider the post last changed: `updated`, else `date`.
    public var lastModified: Date { max(self.updated ?? self.date, self.date) }

    /// Whether the post belongs in outputs at `now`: not a draft, and not scheduled for later.
    public func isPublished(at now: Date) -> Bool {
        !self.isDraft && self.date <= now
    }

    public static func == (lhs: Post, rhs: Post) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(box.fields)
    }

    /// Mutated only through the subscript's setter, that is only while uniquely referenced.
    @usableFromInline
    final class Box: @unchecked Sendable {
        @usableFromInline var fields: Fields
        @usableFromInline init(_ fields: Fields) { self.fields = fields }
    }
}
