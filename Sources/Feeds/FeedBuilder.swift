import Foundation
import MarkdownRendering
import Parallel
import Posts
import XMLWriting

/// Turns posts into feed files: selects the site, tag and author feeds, renders the Markdown
/// of the posts that made it into at least one of them (and only those), and serialises each
/// feed in each configured format.
///
/// Deterministic: the same posts give the same bytes. Nothing here reads the clock except
/// through the `now` it is given, which only decides which posts are published yet.
public struct FeedBuilder: Sendable {
    public var site: FeedSite
    public var options: FeedOptions
    private let renderer = MarkdownRenderer()

    public init(site: FeedSite, options: FeedOptions) {
        self.site = site
        self.options = options
    }

    /// Every feed file for `posts` as published at `now`, sorted by path.
    public func files(for posts: [Post], now: Date) throws(FeedWriteError) -> [FeedFile] {
        let documents = self.documents(for: posts, now: now)
        let formats = options.formats.sorted()
        let jobs = documents.flatMap { document in formats.map { (document, $0) } }
        let timeZone = site.timeZone
        let results = jobs.concurrentMap { job -> Result<FeedFile, FeedWriteError> in
            let (document, format) = job
            do throws(FeedWriteError) {
                let bytes = try FeedBuilder.serialize(document, as: format, timeZone: timeZone)
                return .success(FeedFile(path: document.path(of: format), bytes: bytes))
            } catch {
                return .failure(error)
            }
        }
        var files: [FeedFile] = []
        files.reserveCapacity(results.count)
        for result in results { files.append(try result.get()) }
        return files.sorted { $0.path < $1.path }
    }

    /// Serialises every feed for `posts` and publishes it with `publisher` as soon as it is
    /// ready (the same files as `files(for:now:)`, without holding them all in memory first).
    public func publish(_ posts: [Post], now: Date, with publisher: FeedPublisher) throws(FeedPublishError) -> FeedPublisher.Report {
        let documents = self.documents(for: posts, now: now)
        let formats = options.formats.sorted()
        let jobs = documents.flatMap { document in formats.map { (document, $0) } }
        let timeZone = site.timeZone
        return try publisher.publish(paths: jobs.map { $0.0.path(of: $0.1) }) { index in
            let (document, format) = jobs[index]
            do throws(FeedWriteError) {
                let bytes = try FeedBuilder.serialize(document, as: format, timeZone: timeZone)
                return .success(FeedFile(path: document.path(of: format), bytes: bytes))
            } catch {
                return .failure(FeedPublishError(path: document.path(of: format), reason: error.description))
            }
        }
    }

    /// The feeds for `posts` (any order; drafts and posts scheduled after `now` are left out).
    public func documents(for posts: [Post], now: Date) -> [FeedDocument] {
        let published = PostsSnapshot.sortedNewestFirst(posts.filter { $0.isPublished(at: now) })
        let selections = FeedPlanner(site: site, options: options).select(published)
        let entries = renderEntries(for: selections)
        let titles = FeedTitles(language: site.language)
        return selections.map { selection in
            let feedEntries = selection.posts.map { entries[$0.slug]! }
            let updated = feedEntries.map(\.updated).max() ?? Date(timeIntervalSince1970: 0)
            switch selection.scope {
            case .site:
                return FeedDocument(
                    scope: .site, directory: "", title: site.title, subtitle: site.description,
                    homePageURL: site.url, feedBaseURL: site.feedsURL, id: site.url, updated: updated,
                    language: site.language, author: site.author, entries: feedEntries)
            case .tag(let slug, let name):
                let page = site.permalinks.page(site.tagPermalink, slug: slug)
                return FeedDocument(
                    scope: selection.scope, directory: "tags/\(slug)", title: titles.tag(name, site: site.title),
                    subtitle: nil, homePageURL: page, feedBaseURL: site.feedsURL + "tags/\(slug)/", id: page,
                    updated: updated, language: site.language, author: site.author, entries: feedEntries)
            case .author(let slug, let name):
                let page = site.permalinks.page(site.authorPermalink, slug: slug)
                let author = feedEntries.first?.author ?? Author(name: name)
                return FeedDocument(
                    scope: selection.scope, directory: "authors/\(slug)",
                    title: titles.author(name, site: site.title), subtitle: nil, homePageURL: page,
                    feedBaseURL: site.feedsURL + "authors/\(slug)/", id: page, updated: updated,
                    language: site.language, author: author, entries: feedEntries)
            }
        }
    }

    /// Renders each selected post once, in parallel, keyed by slug.
    private func renderEntries(for selections: [FeedPlanner.Selection]) -> [String: FeedEntry] {
        var unique: [String: Post] = [:]
        for selection in selections {
            for post in selection.posts where unique[post.slug] == nil { unique[post.slug] = post }
        }
        let posts = unique.values.sorted { $0.slug < $1.slug }
        let rendered = posts.concurrentMap { post in entry(for: post) }
        return Dictionary(uniqueKeysWithValues: rendered.map { ($0.slug, $0.entry) })
    }

    private func entry(for post: Post) -> (slug: String, entry: FeedEntry) {
        let url = site.permalinks.url(of: post)
        let resolver = URLResolver(base: url)
        let rendered = renderer.render(
            post.body, excerptMarkdown: post.excerptMarkdown, resolver: resolver, excerptHTML: options.content == .excerpt)
        let content: String
        switch options.content {
        case .full:
            content = rendered.html
        case .excerpt:
            let link = "<p><a href=\"\(HTMLEscaping.attribute(url))\">\(FeedTitles(language: site.language).readMore)</a></p>\n"
            content = rendered.excerptHTML + link
        }
        // Front matter may write spaces or non-ASCII characters in these URLs (Posts checked
        // the rest): absolute, then percent-encoded like links in the body.
        func absolute(_ reference: String) -> String {
            URLResolver.percentEncodingDisallowed(resolver?.resolve(reference) ?? reference)
        }
        let image = post.image.map(absolute)
        var author = post.author ?? site.author
        author.uri = author.uri.map(absolute)
        let entry = FeedEntry(
            id: site.permalinks.entryID(of: post), url: url, title: post.title, published: post.date,
            updated: post.lastModified, author: author, tags: post.tags,
            contentHTML: content, escapedContentHTML: XMLEscapedText(content), summary: post.summary ?? rendered.excerptText, image: image,
            language: post.language.flatMap { $0 == site.language ? nil : $0 })
        return (post.slug, entry)
    }

    static func serialize(_ document: FeedDocument, as format: FeedFormat, timeZone: TimeZone) throws(FeedWriteError) -> [UInt8] {
        let dates = FeedDates(timeZone: timeZone)
        switch format {
        case .atom: return try AtomWriter(dates: dates).write(document)
        case .rss: return try RSSWriter(dates: dates).write(document)
        case .json: return try JSONFeedWriter(dates: dates).write(document)
        }
    }
}

/// One file of the `feeds/` folder, ready to publish.
public struct FeedFile: Sendable, Hashable {
    /// Relative to the `feeds/` folder, `/`-separated.
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

/// A feed could not be serialised. This is a bug in Herald, not in the posts (the inputs are
/// sanitised before they reach the writers).
public struct FeedWriteError: Error, CustomStringConvertible {
    public var format: FeedFormat
    public var reason: String

    public var description: String { "cannot write the \(format.rawValue) feed: \(reason)" }
}
