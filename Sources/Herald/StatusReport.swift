import CivilCalendar
import Feeds
import Foundation
import Posts
import Scheduling
import Store

/// What `herald status` shows: the posts, the feeds on disk, the subscribers, the delivery
/// queue, and each newsletter's last and next digest. Read from the posts folder, the feeds
/// folder and the store, so it is the same whether or not the daemon runs.
public struct StatusReport: Sendable, Encodable {
    public struct Posts: Sendable, Encodable {
        public var published = 0
        public var drafts = 0
        public var scheduled = 0
        /// The files rejected, each with its first error.
        public var rejected: [Rejected] = []
    }

    public struct Rejected: Sendable, Encodable {
        public var file: String
        public var error: String
    }

    public struct Feeds: Sendable, Encodable {
        public var directory: String
        public var files = 0
        public var lastWritten: Date?
    }

    public struct Newsletter: Sendable, Encodable {
        public var id: String
        /// Subscribers by status (`confirmed`, `pending`…).
        public var subscribers: [String: Int] = [:]
        public var lastDigest: LastDigest?
        public var schedule: String?
        public var timeZone: String
        public var nextDigest: NextDigest?
    }

    public struct LastDigest: Sendable, Encodable {
        public var id: Int64
        public var status: String
        public var trigger: String
        public var planned: Date
        public var deliveries: [String: Int]
    }

    public struct NextDigest: Sendable, Encodable {
        /// In the newsletter's time zone, `2026-12-07T08:00:00+01:00`.
        public var local: String
        public var utc: Date
    }

    public var posts = Posts()
    public var feeds: Feeds
    public var newsletters: [Newsletter] = []
    /// Every digest's deliveries by state.
    public var queue: [String: Int] = [:]

    /// Reads everything `herald status` shows.
    public static func read(configuration: Configuration, store: any HeraldStore, now: Date = Date()) async throws(StoreError) -> StatusReport {
        var report = StatusReport(feeds: Feeds(directory: DisplayPath.relative(configuration.feedsDirectory)))
        let snapshot = SiteBuilder(configuration: configuration).readPosts()
        for post in snapshot.posts {
            if post.isDraft {
                report.posts.drafts += 1
            } else if post.isPublished(at: now) {
                report.posts.published += 1
            } else {
                report.posts.scheduled += 1
            }
        }
        var seen = Set<String>()
        for diagnostic in snapshot.diagnostics where diagnostic.severity == .error && seen.insert(diagnostic.file).inserted {
            report.posts.rejected.append(Rejected(file: diagnostic.file, error: diagnostic.message))
        }
        (report.feeds.files, report.feeds.lastWritten) = feedFiles(under: configuration.feedsDirectory)

        let subscribers = try await store.subscribers(newsletter: nil, status: nil)
        let digests = try await store.digests()
        for (_, counts) in digests {
            for (state, count) in counts.byState { report.queue[state.rawValue, default: 0] += count }
        }
        for newsletter in configuration.newsletters {
            let zone = newsletter.timeZone ?? configuration.site.timeZone
            var entry = Newsletter(id: newsletter.id, schedule: newsletter.schedule?.description, timeZone: zone.identifier)
            for subscriber in subscribers where subscriber.newsletters.isEmpty || subscriber.newsletters.contains(newsletter.id) {
                entry.subscribers[subscriber.status.rawValue, default: 0] += 1
            }
            if let (digest, counts) = digests.first(where: { $0.digest.newsletterID == newsletter.id }) {
                entry.lastDigest = LastDigest(
                    id: digest.id, status: digest.status.rawValue, trigger: digest.trigger.rawValue, planned: digest.createdAt,
                    deliveries: Dictionary(uniqueKeysWithValues: counts.byState.map { ($0.key.rawValue, $0.value) }))
            }
            if let next = newsletter.schedule?.nextFire(after: now, in: zone) {
                entry.nextDigest = NextDigest(local: InternetDate.rfc3339(next, in: zone), utc: next)
            }
            report.newsletters.append(entry)
        }
        return report
    }

    /// How many feed files are under `folder`, and when the newest was written.
    private static func feedFiles(under folder: URL) -> (Int, Date?) {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.contentModificationDateKey])
        else { return (0, nil) }
        let names = Set(FeedFormat.allCases.map(\.fileName))
        var count = 0
        var newest: Date?
        for case let url as URL in enumerator where names.contains(url.lastPathComponent) {
            count += 1
            if let date = try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate {
                newest = max(newest ?? date, date)
            }
        }
        return (count, newest)
    }
}
