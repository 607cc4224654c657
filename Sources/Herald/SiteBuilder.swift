import Feeds
import Foundation
import Posts

/// One complete pass from the posts folder to the `feeds/` folder: what `herald build` runs,
/// and what the daemon runs after each change.
public struct SiteBuilder: Sendable {
    public var configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
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
        /// Wall time of the whole pass, in seconds.
        public var duration: Double
    }

    /// Reads every post, writes every feed whose bytes changed, removes feeds that no longer
    /// exist. Broken posts are left out and reported in `snapshot.diagnostics`; only a failure
    /// to write the feeds throws.
    public func build(now: Date = Date()) throws(BuildError) -> Result {
        let started = DispatchTime.now()
        let snapshot = readPosts()
        guard snapshot.isComplete else {
            // Publishing from a folder that cannot be read would empty every feed.
            throw .postsFolderUnreadable(snapshot.diagnostics.first?.description ?? configuration.postsDirectory.path)
        }
        let builder = FeedBuilder(site: configuration.site, options: configuration.feeds)
        let report: FeedPublisher.Report
        do {
            report = try builder.publish(snapshot.posts, now: now, with: FeedPublisher(directory: configuration.feedsDirectory))
        } catch {
            throw .publish(error)
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let published = snapshot.posts.reduce(0) { $0 + ($1.isPublished(at: now) ? 1 : 0) }
        let drafts = snapshot.posts.reduce(0) { $0 + ($1.isDraft ? 1 : 0) }
        return Result(
            snapshot: snapshot, publishedCount: published, draftCount: drafts,
            scheduledCount: snapshot.posts.count - published - drafts, report: report, duration: elapsed)
    }

    /// Reads and checks every post without writing anything.
    public func readPosts() -> PostsSnapshot {
        let displayPrefix = DisplayPath.relative(configuration.postsDirectory) + "/"
        let snapshot = PostsReader(
            directory: configuration.postsDirectory, displayPrefix: displayPrefix, timeZone: configuration.site.timeZone
        ).read()
        return EntryIDUniqueness.rejectingDuplicates(
            in: snapshot, permalinks: configuration.site.permalinks, displayPrefix: displayPrefix)
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
