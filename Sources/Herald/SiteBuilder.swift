import Feeds
import Foundation
import MarkdownRendering
import Posts

/// One complete pass from the posts folder to the `feeds/` folder: what `herald build` runs,
/// and what the daemon runs after each change.
public struct SiteBuilder: Sendable {
    public var configuration: Configuration
    /// Renders the posts' Markdown.
    public var renderer: any MarkdownRenderingEngine

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.renderer = configuration.markdownRenderer()
    }

    /// What a build read and wrote.
    public struct Result: Sendable {
        public var snapshot: PostsSnapshot
        /// Posts in the outputs (not drafts, not scheduled for later).
        public var publishedCount: Int
        public var draftCount: Int
        public var scheduledCount: Int
        /// Every feed file of the site, whether it was written or already up to date.
        public var fileCount: Int { report.written.count + report.unchanged.count }
        public var report: FeedPublisher.Report
        /// The tags' and authors' feeds published.
        public var catalog = FeedCatalog()
        /// Wall time of the whole pass, in seconds.
        public var duration: Double
        /// Where an incremental pass spent it (reading the posts, selecting and rendering the
        /// feeds, writing them), in seconds: for the daemon's log.
        public var stages: [(name: String, seconds: Double)] = []
    }

    /// Reads every post, writes every feed whose bytes changed, removes feeds that no longer
    /// exist. Broken posts are left out and reported in `snapshot.diagnostics`; only a failure
    /// to write the feeds throws.
    public func build(now: Date = Date()) throws(BuildError) -> Result {
        var none: State?
        return try build(now: now, state: &none)
    }

    /// What the daemon keeps from one build to the next: the posts as read, their rendered
    /// entries, the feeds as published.
    public struct State: Sendable {
        var posts = PostsCache()
        var feeds = FeedBuildCache()

        public init() {}

        /// How many post files the last build read (the others had not changed).
        public var postsRead: Int { posts.lastReadCount }

        /// Forgets what was published, so that the next build compares every feed with its
        /// file again (after a rescan: someone may have touched the feeds folder).
        public mutating func forgetPublishedFeeds() {
            // The rendered posts stay: only the comparison with the files is redone.
            feeds.forgetPublished()
        }
    }

    /// `build`, reading only the posts whose files changed since `state` saw them, rendering
    /// only the posts that changed, and writing only the feeds whose content changed. With
    /// `changed` (the absolute paths a watcher reported), only those files are looked at.
    public func build(now: Date = Date(), state: inout State, changed: Set<String>? = nil) throws(BuildError) -> Result {
        var kept: State? = state
        defer { state = kept! }
        return try build(now: now, state: &kept, changed: changed)
    }

    private func build(now: Date, state: inout State?, changed: Set<String>? = nil) throws(BuildError) -> Result {
        let started = DispatchTime.now()
        renderer.warmUp()
        var snapshot: PostsSnapshot
        if state != nil {
            snapshot = checkedForDuplicateIDs(reader.refresh(&state!.posts, changed: changed))
        } else {
            snapshot = readPosts()
        }
        guard snapshot.isComplete else {
            // Publishing from a folder that cannot be read would empty every feed.
            throw .postsFolderUnreadable(snapshot.diagnostics.first?.description ?? configuration.postsDirectory.path)
        }
        let read = DispatchTime.now()
        let builder = FeedBuilder(site: configuration.site, options: configuration.feeds, renderer: renderer)
        let publisher = FeedPublisher(directory: configuration.feedsDirectory)
        let documents: FeedBuilder.Documents
        let report: FeedPublisher.Report
        var selected = read
        do {
            if state != nil {
                documents = builder.documents(for: snapshot.posts, now: now, cache: &state!.feeds)
                selected = DispatchTime.now()
                report = try builder.publishChanges(documents.documents, with: publisher, cache: &state!.feeds)
            } else {
                documents = builder.documents(for: snapshot.posts, now: now)
                report = try builder.publish(documents.documents, with: publisher)
            }
        } catch {
            throw .publish(error)
        }
        snapshot = leavingOut(documents.rejected, of: snapshot)
        let finished = DispatchTime.now()
        func seconds(_ from: DispatchTime, _ to: DispatchTime) -> Double { Double(to.uptimeNanoseconds - from.uptimeNanoseconds) / 1e9 }
        let published = snapshot.posts.reduce(0) { $0 + ($1.isPublished(at: now) ? 1 : 0) }
        let drafts = snapshot.posts.reduce(0) { $0 + ($1.isDraft ? 1 : 0) }
        var result = Result(
            snapshot: snapshot, publishedCount: published, draftCount: drafts,
            scheduledCount: snapshot.posts.count - published - drafts, report: report, duration: seconds(started, finished))
        result.catalog = FeedCatalog(documents.documents)
        result.stages = [("readTime", seconds(started, read)), ("selectTime", seconds(read, selected)), ("publishTime", seconds(selected, finished))]
        return result
    }

    /// Reads every post and renders each one as the feeds would, without writing anything:
    /// what `herald check` reports.
    public func check() -> PostsSnapshot {
        renderer.warmUp()
        let snapshot = readPosts()
        let feeds = FeedBuilder(site: configuration.site, options: configuration.feeds, renderer: renderer)
        let results = renderer.render(snapshot.posts.map { feeds.markdownSource(for: $0) })
        let failures = zip(snapshot.posts, results).compactMap { post, result -> RenderingFailure? in
            guard case .failure(let error) = result else { return nil }
            return RenderingFailure(name: post.path, error: error)
        }
        return leavingOut(failures, of: snapshot)
    }

    /// Reads and checks every post without writing anything (or rendering them).
    public func readPosts() -> PostsSnapshot {
        checkedForDuplicateIDs(reader.read())
    }

    private var reader: PostsReader {
        PostsReader(
            directory: configuration.postsDirectory, displayPrefix: displayPrefix, timeZone: configuration.site.timeZone,
            maximumFileSize: configuration.maxPostSize)
    }

    /// `snapshot` without the posts whose entry ids another post already has.
    private func checkedForDuplicateIDs(_ snapshot: PostsSnapshot) -> PostsSnapshot {
        EntryIDUniqueness.rejectingDuplicates(
            in: snapshot, permalinks: configuration.site.permalinks, displayPrefix: displayPrefix)
    }

    /// Prefix for file names in diagnostics (e.g. `posts/`), so they read from the working directory.
    private var displayPrefix: String { DisplayPath.relative(configuration.postsDirectory) + "/" }

    /// `snapshot` without the posts that could not be rendered, and an error for each.
    private func leavingOut(_ failures: [RenderingFailure], of snapshot: PostsSnapshot) -> PostsSnapshot {
        guard !failures.isEmpty else { return snapshot }
        let paths = Set(failures.map(\.name))
        return PostsSnapshot(
            posts: snapshot.posts.filter { !paths.contains($0.path) }, diagnostics: snapshot.diagnostics + diagnostics(for: failures),
            isComplete: snapshot.isComplete)
    }

    /// An error naming each post that could not be rendered.
    func diagnostics(for failures: [RenderingFailure]) -> [Diagnostic] {
        failures.map { failure in
            var message = failure.error.description
            if case .tooSlow = failure.error {
                message += " (simplify its Markdown, or raise posts.renderBudget)"
            }
            return Diagnostic(file: displayPrefix + failure.name, line: 1, column: 1, severity: .error, message: message)
        }
    }
}

/// Why a build wrote nothing, or not everything. Files already renamed into place are
/// complete; the others keep their previous version.
public enum BuildError: Error, CustomStringConvertible {
    /// A feed file could not be written (disk full, permissions…).
    case publish(FeedPublishError)
    /// The posts folder is missing or unreadable; nothing was published or removed.
    case postsFolderUnreadable(String)

    public var description: String {
        switch self {
        case .publish(let error): return "\(error.description); check that the feeds folder is writable"
        case .postsFolderUnreadable(let problem): return "\(problem); no feed was written or removed (check posts.directory)"
        }
    }
}

/// Paths as people should read them: relative to the working directory when inside it.
public enum DisplayPath {
    /// `url`'s path relative to the working directory when inside it (`.` for the directory
    /// itself), else absolute.
    public static func relative(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let current = FileManager.default.currentDirectoryPath
        if path == current { return "." }
        if path.hasPrefix(current + "/") { return String(path.dropFirst(current.count + 1)) }
        return path
    }
}
