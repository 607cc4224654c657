import ArgumentParser
import Foundation
import Herald
import Store

struct DigestListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List digests with their deliveries per state.")

    @OptionGroup var options: ConfigOption
    @Flag(help: "Machine-readable output.") var json = false

    struct Entry: Encodable {
        var id: Int64
        var newsletter: String
        var subject: String
        var status: String
        var trigger: String
        var windowStart: Date?
        var windowEnd: Date
        var posts: Int
        var deliveries: [String: Int]
    }

    func run() async throws {
        let configuration = try options.load()
        let store = try await openStore(configuration)
        let digests: [(digest: Digest, counts: DeliveryCounts)]
        do {
            digests = try await DigestSending(configuration: configuration, store: store).list()
        } catch {
            Console.error("error: \(error.description)")
            throw ExitCode.failure
        }
        if json {
            let entries = digests.map { digest, counts in
                Entry(
                    id: digest.id, newsletter: digest.newsletterID, subject: digest.subject, status: digest.status.rawValue,
                    trigger: digest.trigger.rawValue, windowStart: digest.windowStart, windowEnd: digest.windowEnd,
                    posts: digest.postIDs.count,
                    deliveries: Dictionary(uniqueKeysWithValues: DeliveryState.allCases.map { ($0.rawValue, counts[$0]) }))
            }
            try Console.writeJSON(entries)
            return
        }
        for (digest, counts) in digests {
            Console.output(
                "\(digest.id)\t\(digest.newsletterID)\t\(digest.status.rawValue)\t\(digest.postIDs.count) posts\t"
                    + "sent \(counts[.sent]) / deferred \(counts[.deferred]) / failed \(counts[.failed]) / uncertain \(counts[.uncertain])"
                    + (counts[.pending] + counts[.inflight] > 0 ? " / queued \(counts[.pending] + counts[.inflight])" : "")
                    + (counts[.skipped] > 0 ? " / skipped \(counts[.skipped])" : "") + "\t\(digest.subject.debugDescription)")
        }
    }
}

struct DigestRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Put a digest's failed, deferred and uncertain deliveries back in the queue.")

    @OptionGroup var options: ConfigOption
    @Argument(help: "The digest's id (see `herald digest list`).") var digest: Int64

    func run() async throws {
        let configuration = try options.load()
        let store = try await openStore(configuration)
        do {
            let count = try await DigestSending(configuration: configuration, store: store).retry(digestID: digest)
            Console.output("digest \(digest): \(count) deliveries queued again (`herald digest send` or the daemon delivers them)")
        } catch {
            Console.error("error: \(error.description)")
            throw ExitCode.failure
        }
    }
}
