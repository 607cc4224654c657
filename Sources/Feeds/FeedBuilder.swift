import Foundation
import MarkdownRendering
import Parallel
import Posts
import XMLWriting

/// Turns posts into feed files: selects the site, tag and author feeds, renders the Markdown
/// of the posts that made it into at least one of them (and only those), and serialises each
/// feed in each configured format.
///
/// A post whose Markdown cannot be rendered (too slow for the renderer's budget, say) is left
/// out of every feed, the next post takes its place, and the post is reported in
/// `Documents.rejected`.
///
/// Deterministic: the same posts give the same bytes. Nothing here reads the clock except
/// through the `now` it is given, which only decides which posts are published yet.
public struct FeedBuilder: Sendable {
    public var site: FeedSite
    public var options: FeedOptions
    /// Renders the posts' Markdown (`MarkdownWorkers` bounds the time one post may take).
    public var renderer: any MarkdownRenderingEngine

    public init(site: FeedSite, options: FeedOptions, renderer: any MarkdownRenderingEngine) {
        self.site = site
        self.options = options
        self.renderer = renderer
    }

    /// The feeds of a site, and the posts left out because their Markdown could not be rendered.
    public struct Documents: Sendable {
        public var documents: [FeedDocument]
        /// Named by the posts' paths.
        public var rejected: [RenderingFailure]
    }

    /// Every feed file of `documents`, sorted by path.
    public func files(for documents: [FeedDocument]) throws(FeedWriteError) -> [FeedFile] {
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

    /// Serialises every feed of `documents` and publishes it with `publisher` as soon as it is
    /// ready (the same files as `files(for:)`, without holding them all in memory first).
    public func publish(_ documents: [FeedDocument], with publisher: FeedPublisher) throws(FeedPublishError) -> FeedPublisher.Report {
        try publish(documents, with: publisher, keeping: nil)
    }

    /// `publish`, removing the feed files that are neither in `documents` nor in `keeping`
    /// (every file of the site, when only some are published; `nil`: those of `documents`).
    private func publish(
        _ documents: [FeedDocument], with publisher: FeedPublisher, keeping: Set<String>?
    ) throws(FeedPublishError) -> FeedPublisher.Report {
        let formats = options.formats.sorted()
        let jobs = documents.flatMap { document in formats.map { (document, $0) } }
        let timeZone = site.timeZone
        let sizes = jobs.map { $0.0.expectedSize }
        return try publisher.publish(paths: jobs.map { $0.0.path(of: $0.1) }, expectedSizes: sizes, keeping: keeping) { index in
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
    public func documents(for posts: [Post], now: Date) -> Documents {
        var cache = FeedBuildCache()
        return documents(for: posts, now: now, cache: &cache)
    }

    /// `documents(for:now:)`, rendering only the posts that `cache` does not hold as they are
    /// now (a post changed in any way is rendered again), and leaving in `cache` the entries of
    /// this build.
    public func documents(for posts: [Post], now: Date, cache: inout FeedBuildCache) -> Documents {
        var candidates = PostsSnapshot.sortedNewestFirst(posts.filter { $0.isPublished(at: now) })
        // Only the selected posts are looked up in the cache and kept in it: a few hundred,
        // whatever the number of posts.
        var entries: [String: FeedEntry] = [:]
        var kept: [String: (post: Post, entry: FeedEntry)] = [:]
        defer { cache.entries = kept }
        var rejected: [RenderingFailure] = []
        var selections: [FeedPlanner.Selection]
        // A rejected post leaves room for the next one, which may need rendering in turn; each
        // round removes at least one post, so this ends.
        while true {
            selections = FeedPlanner(site: site, options: options).select(candidates)
            for selection in selections {
                for post in selection.posts where entries[post.slug] == nil {
                    if let cached = cache.entries[post.slug], cached.post == post { entries[post.slug] = cached.entry }
                }
            }
            let failures = renderEntries(for: selections, into: &entries)
            for selection in selections {
                for post in selection.posts where kept[post.slug] == nil {
                    if let entry = entries[post.slug] { kept[post.slug] = (post, entry) }
                }
            }
            if failures.isEmpty { break }
            rejected += failures.map(\.failure)
            let slugs = Set(failures.map(\.slug))
            candidates.removeAll { slugs.contains($0.slug) }
        }
        let titles = FeedTitles(language: site.language)
        let documents = selections.map { selection in
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
        return Documents(documents: documents, rejected: rejected.sorted { $0.name < $1.name })
    }

    /// Publishes the feeds of `documents` whose content differs from the last publication
    /// recorded in `cache` (the others are not even serialised), removes those that no longer
    /// exist, and records this publication in `cache`. With an empty cache, it is `publish`.
    public func publishChanges(
        _ documents: [FeedDocument], with publisher: FeedPublisher, cache: inout FeedBuildCache
    ) throws(FeedPublishError) -> FeedPublisher.Report {
        let formats = options.formats.sorted()
        let allPaths = documents.flatMap { document in formats.map { document.path(of: $0) } }
        let changed = documents.filter { cache.published[$0.directory] != $0 || cache.formats != formats }
        let unchanged = Set(allPaths).subtracting(changed.flatMap { document in formats.map { document.path(of: $0) } })
        var report = try publish(changed, with: publisher, keeping: Set(allPaths))
        report.unchanged = (report.unchanged + unchanged).sorted()
        cache.published = Dictionary(documents.map { ($0.directory, $0) }) { first, _ in first }
        cache.formats = formats
        return report
    }

    /// Renders, once and in parallel, each selected post that `entries` does not hold yet, and
    /// adds it there; returns the posts that could not be rendered.
    private func renderEntries(
        for selections: [FeedPlanner.Selection], into entries: inout [String: FeedEntry]
    ) -> [(slug: String, failure: RenderingFailure)] {
        var unique: [String: Post] = [:]
        for selection in selections {
            for post in selection.posts where unique[post.slug] == nil && entries[post.slug] == nil { unique[post.slug] = post }
        }
        let posts = unique.values.sorted { $0.slug < $1.slug }
        let urls = posts.map(site.permalinks.url(of:))
        // One call for all of them: `MarkdownWorkers` sends them to its renderers in batches.
        let renderings = renderer.render(zip(posts, urls).map { markdownSource(for: $0, url: $1) })
        let rendered = (0..<posts.count).concurrentMap { index in entry(for: posts[index], url: urls[index], rendered: renderings[index]) }
        var failures: [(slug: String, failure: RenderingFailure)] = []
        for (post, result) in zip(posts, rendered) {
            switch result {
            case .success(let entry): entries[post.slug] = entry
            case .failure(let error): failures.append((post.slug, RenderingFailure(name: post.path, error: error)))
            }
        }
        return failures
    }

    /// What the feeds give the renderer for `post`, whose permalink is `url` (computed when
    /// not given); `herald check` renders the same.
    public func markdownSource(for post: Post, url: String? = nil) -> MarkdownSource {
        MarkdownSource(
            post.body, excerpt: post.excerptMarkdown, baseURL: url ?? site.permalinks.url(of: post),
            wantsExcerptHTML: options.content == .excerpt)
    }

    private func entry(
        for post: Post, url: String, rendered rendering: Result<RenderedMarkdown, MarkdownRenderingError>
    ) -> Result<FeedEntry, MarkdownRenderingError> {
        let resolver = URLResolver(base: url)
        let rendered: RenderedMarkdown
        switch rendering {
        case .success(let value): rendered = value
        case .failure(let error): return .failure(error)
        }
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
        // Not an image source in the HTML sense (an enclosure, a JSON Feed `image`): no `data:`.
        let image = post.image.map(absolute).flatMap { HTMLAllowlist.allowsURL($0) ? $0 : nil }
        var author = post.author ?? site.author
        author.uri = author.uri.map(absolute)
        let entry = FeedEntry(
            id: site.permalinks.entryID(of: post), url: url, title: post.title, published: post.date,
            updated: post.lastModified, author: author, tags: post.tags,
            contentHTML: content, escapedContentHTML: XMLEscapedText(content), summary: post.summary ?? rendered.excerptText, image: image,
            language: post.language.flatMap { $0 == site.language ? nil : $0 })
        return .success(entry)
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
