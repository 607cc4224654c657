import DirectoryWatching
import Feeds
import Foundation
import Logging
import Posts
import ServiceLifecycle
import Store
import Digests

/// The daemon's feeds: one build at start, then one after each batch of changes in the posts
/// folder and at each scheduled post's publication time. Each build reads only the changed
/// files, renders only the changed posts and writes only the feeds whose bytes change; the
/// posts it publishes go into the store's ledger, for the digests.
///
/// A broken post is logged and left out; an unreadable posts folder or feeds folder is
/// logged and the feeds stay as they were: nothing here stops the daemon.
struct FeedService: Service {
    let configuration: Configuration
    let store: any HeraldStore
    let logger: Logger
    let health: LoopHealth
    /// Called after every build that wrote the feeds (the HTTP server looks at them again).
    let onPublished: @Sendable (SiteBuilder.Result) -> Void
    /// Called once, after the first build, with the watcher armed.
    let started: @Sendable (SiteBuilder.Result?) -> Void

    private static let startReason = "start"

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private enum Trigger: Sendable {
        case changes(DirectoryChangeBatch)
        case scheduledPost
    }

    func run() async throws {
        let options = DirectoryWatcher.Options(
            debounce: configuration.watchDebounce, rescanInterval: configuration.rescanInterval,
            ignoring: { PostsReader.ignores(name: $0) })
        // Armed before the first build: nothing written meanwhile is missed.
        let watcher = try DirectoryWatcher(root: configuration.postsDirectory.path, options: options)
        defer { watcher.stop() }
        let (triggers, trigger) = AsyncStream.makeStream(of: Trigger.self)
        let forwarding = Task {
            for await batch in watcher.changes { trigger.yield(.changes(batch)) }
        }
        defer { forwarding.cancel() }

        var state = SiteBuilder.State()
        var published = PublishedPosts()
        var result = await rebuild(&state, published: &published, reason: Self.startReason, changed: nil)
        started(result)
        var timer = scheduleNextPost(after: result, trigger: trigger)
        // After a failed rebuild the paths of its batch were not read: the next one compares
        // the whole folder.
        var lastFailed = false
        for await event in triggers.cancelOnGracefulShutdown() {
            timer?.cancel()
            var reason = "scheduled post"
            // A post coming due changes no file: none is looked at.
            var changed: Set<String>? = []
            if case .changes(let batch) = event {
                reason = batch.needsRescan ? "rescan" : "\(batch.paths.count) changed file(s)"
                // Someone may have touched the feeds too: compare every feed with its file.
                if batch.needsRescan {
                    state.forgetPublishedFeeds()
                    changed = nil
                } else {
                    changed = batch.paths
                }
            }
            if lastFailed { changed = nil }
            let rebuilt = await rebuild(&state, published: &published, reason: reason, changed: changed)
            lastFailed = rebuilt == nil
            result = rebuilt ?? result
            timer = scheduleNextPost(after: result, trigger: trigger)
        }
        timer?.cancel()
    }

    /// One build, off the cooperative pool; logs what it did. `nil` when nothing was published.
    private func rebuild(
        _ state: inout SiteBuilder.State, published: inout PublishedPosts, reason: String, changed: Set<String>?
    ) async -> SiteBuilder.Result? {
        health.busy("feeds", "building after \(reason)")
        defer { health.idle("feeds") }
        let builder = SiteBuilder(configuration: configuration)
        let now = Date()
        let before = state
        let outcome: Result<(SiteBuilder.Result, SiteBuilder.State), BuildError> = await OffPool.run("herald-build") {
            var next = before
            do throws(BuildError) {
                return .success((try builder.build(now: now, state: &next, changed: changed), next))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .failure(let error):
            logger.error("feeds not updated: \(error.description)", metadata: ["reason": "\(reason)"])
            HeraldMetrics.built(seconds: nil, rejected: nil, published: nil)
            return nil
        case .success(let (result, next)):
            state = next
            onPublished(result)
            HeraldMetrics.built(
                seconds: result.duration,
                rejected: Set(result.snapshot.diagnostics.filter { $0.severity == .error }.map(\.file)).count,
                published: result.publishedCount)
            for diagnostic in result.snapshot.diagnostics {
                let metadata: Logger.Metadata = ["file": "\(diagnostic.file)"]
                if diagnostic.severity == .error {
                    logger.error("\(diagnostic.description)", metadata: metadata)
                } else {
                    logger.warning("\(diagnostic.description)", metadata: metadata)
                }
            }
            // Every file at start would be hundreds of lines: those are for debugging.
            let level: Logger.Level = reason == Self.startReason ? .debug : .info
            for path in result.report.written { logger.log(level: level, "wrote feed", metadata: ["feed": "\(path)"]) }
            for path in result.report.removed { logger.log(level: level, "removed feed", metadata: ["feed": "\(path)"]) }
            let ledgerStart = ContinuousClock.now
            await recordLedger(result.snapshot.posts, at: now, published: &published)
            var metadata: Logger.Metadata = [
                "reason": "\(reason)", "read": "\(state.postsRead)", "written": "\(result.report.written.count)",
                "published": "\(result.publishedCount)", "seconds": "\(String(format: "%.3f", result.duration))",
                "ledgerTime": "\(String(format: "%.3f", Self.seconds(ContinuousClock.now - ledgerStart)))",
            ]
            for (name, seconds) in result.stages { metadata[name] = "\(String(format: "%.3f", seconds))" }
            logger.info("feeds built", metadata: metadata)
            return result
        }
    }

    /// The posts already in the ledger, by what their entry id is made of: each rebuild looks
    /// up every published post here and works out the entry id (a time zone lookup) only for
    /// the new ones.
    struct PublishedPosts {
        struct Key: Hashable {
            var explicitID: String?
            var slug: String
            var date: Date
        }

        var known = Set<Key>()

        static func key(_ post: Post) -> Key { Key(explicitID: post.explicitID, slug: post.slug, date: post.date) }
    }

    /// Puts the posts published since the last rebuild in the ledger.
    private func recordLedger(_ posts: [Post], at now: Date, published: inout PublishedPosts) async {
        let fresh = posts.filter { $0.isPublished(at: now) && !published.known.contains(PublishedPosts.key($0)) }
        guard !fresh.isEmpty else { return }
        do {
            try await store.recordPublished(fresh, permalinks: configuration.site.permalinks, at: now)
            for post in fresh { published.known.insert(PublishedPosts.key(post)) }
        } catch {
            logger.error("cannot record the published posts for the digests: \(error.description); retried after the next change")
        }
    }

    /// A timer that rebuilds when the next post dated in the future comes due, waiting on the
    /// wall clock as the schedules do (re-read at least every minute, so a clock set forward
    /// or back does not make it late).
    private func scheduleNextPost(after result: SiteBuilder.Result?, trigger: AsyncStream<Trigger>.Continuation) -> Task<Void, Never>? {
        let now = Date()
        guard let next = result?.snapshot.posts.filter({ !$0.isDraft && $0.date > now }).map(\.date).min() else { return nil }
        return Task {
            await SystemScheduleClock().sleep(until: next)
            if !Task.isCancelled { trigger.yield(.scheduledPost) }
        }
    }
}
