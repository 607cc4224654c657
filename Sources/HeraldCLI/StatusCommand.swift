import ArgumentParser
import Foundation
import Herald

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the posts, feeds, subscribers, delivery queue and next digests.",
        discussion: "Reads the posts folder, the feeds folder and the store: it works whether or not `herald run` is running.")

    @OptionGroup var options: ConfigOption
    @Flag(help: "Machine-readable output.") var json = false

    func run() async throws {
        let configuration = try options.load()
        let store = try await openStore(configuration)
        let report: StatusReport
        do {
            report = try await StatusReport.read(configuration: configuration, store: store)
        } catch {
            Console.error("error: \(error.description)")
            throw ExitCode.failure
        }
        if json {
            try Console.writeJSON(report)
            return
        }
        let posts = report.posts
        Console.output("posts: \(posts.published) published, \(posts.drafts) drafts, \(posts.scheduled) scheduled, \(posts.rejected.count) rejected")
        for rejected in posts.rejected { Console.output("  rejected \(rejected.file): \(rejected.error)") }
        let written = report.feeds.lastWritten.map { ", last written \($0.formatted(Date.ISO8601FormatStyle()))" } ?? ""
        Console.output("feeds: \(report.feeds.files) files in \(report.feeds.directory)\(written)")
        Console.output("queue: " + Self.counts(report.queue, order: ["pending", "inflight", "sent", "deferred", "failed", "uncertain", "skipped"]))
        for newsletter in report.newsletters {
            Console.output("newsletter \(newsletter.id):")
            Console.output("  subscribers: " + Self.counts(newsletter.subscribers, order: ["confirmed", "pending", "unsubscribed", "bounced"]))
            if let last = newsletter.lastDigest {
                Console.output(
                    "  last digest: \(last.id), \(last.status) (\(last.trigger), planned \(last.planned.formatted(Date.ISO8601FormatStyle()))): "
                        + Self.counts(last.deliveries, order: ["sent", "deferred", "failed", "uncertain", "skipped", "pending", "inflight"]))
            } else {
                Console.output("  last digest: none")
            }
            if let next = newsletter.nextDigest {
                Console.output("  next digest: \(next.local) \(newsletter.timeZone) (\(next.utc.formatted(Date.ISO8601FormatStyle())))")
            } else {
                Console.output("  next digest: not scheduled")
            }
        }
    }

    /// `3 confirmed, 1 pending`, in `order`, leaving out zeros (`none` when all are).
    static func counts(_ counts: [String: Int], order: [String]) -> String {
        let parts = order.compactMap { key in counts[key].flatMap { $0 > 0 ? "\($0) \(key)" : nil } }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
