import ArgumentParser
import Dispatch
import Foundation
import Herald
import Store

#if canImport(Glibc)
import Glibc
#endif

struct DigestSendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Plan NEWSLETTER's next digest now and deliver it.",
        discussion: """
            Plans the digest of the posts since the last completed one (or resumes the one still \
            sending) and delivers it with a progress display. Ctrl-C stops claiming, lets the \
            messages in flight finish, and leaves the rest queued for the next run. \
            Exit status: 0 when every delivery was sent (or skipped), 1 when some ended failed \
            or uncertain, 75 when some are still queued (deferred, or uncertain and due for \
            their one retry).
            """)

    @OptionGroup var options: ConfigOption
    @Argument(help: "The newsletter's id in config.json.") var newsletter: String
    @Flag(help: "Only plan the digest; the running daemon delivers it.") var noWait = false
    @Flag(help: "Plan nothing; show what would be sent, to how many.") var dryRun = false
    @Option(help: ArgumentHelp(
        "Wait for deferred deliveries that come due within this many seconds (default 0: leave them queued, exit 75).",
        valueName: "seconds"))
    var waitRetries: Double = 0

    func run() async throws {
        let configuration = try options.load()
        let store = try await openStore(configuration)
        let sending = DigestSending(configuration: configuration, store: store)
        do {
            if dryRun {
                let (posts, recipients) = try await sending.dryRun(newsletterID: newsletter)
                if posts.isEmpty {
                    Console.output("\(newsletter): no new post since the last digest; nothing would be sent")
                } else {
                    Console.output("\(newsletter): \(posts.count) posts to \(recipients) confirmed subscribers:")
                    for post in posts { Console.output("  \(post.path)  \(post.title.debugDescription)") }
                }
                return
            }
            let digest: Digest
            switch try await sending.plan(newsletterID: newsletter) {
            case .nothingNew(let start):
                Console.output("\(newsletter): no new post since \(start.map { ISO8601DateFormatter().string(from: $0) } ?? "the start"); no digest planned")
                return
            case .renderersUnavailable(let reason):
                Console.error("error: \(newsletter): no digest planned: the Markdown renderers cannot run: \(reason)")
                throw ExitCode(75)
            case .resumed(let unfinished):
                digest = unfinished
                Console.output("digest \(digest.id) (\(newsletter)) is still sending; resuming it")
            case .planned(let planned, let deliveries):
                digest = planned
                Console.output("digest \(digest.id) planned: \(digest.postIDs.count) posts, \(deliveries) recipients, \"\(digest.subject)\"")
            }
            if noWait { return }
            let stop = StopSignal()
            let interrupt = Interrupt(stop)
            let display = ProgressDisplay(total: try await sending.counts(digestID: digest.id).total)
            let progress = try await sending.deliver(digestID: digest.id, retryHorizon: waitRetries, stop: stop) { display.update($0) }
            interrupt.cancel()
            display.finish(progress)
            let (counts, completed) = try await sending.outcome(digestID: digest.id)
            Console.output(Self.summary(digest.id, counts))
            // An uncertain row still due for its retry has not ended: like a deferred one, 75.
            if counts[.failed] > 0 || completed && counts[.uncertain] > 0 { throw ExitCode.failure }
            if !completed { throw ExitCode(75) }
        } catch let error as DigestError {
            Console.error("error: \(error.description)")
            throw ExitCode.failure
        }
    }

    static func summary(_ id: Int64, _ counts: DeliveryCounts) -> String {
        let parts = DeliveryState.allCases.filter { counts[$0] > 0 }.map { "\(counts[$0]) \($0.rawValue)" }
        return "digest \(id): " + (parts.isEmpty ? "no deliveries" : parts.joined(separator: ", "))
    }
}

/// Ctrl-C (and SIGTERM) stop claiming; a second one ends the process at once.
final class Interrupt {
    private let sources: [any DispatchSourceSignal]

    init(_ stop: StopSignal) {
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                if stop.isStopped { Console.exit(130) }
                stop.stop()
                Console.error("\nstopping: letting the messages in flight finish; the rest stays queued (Ctrl-C again to quit now)")
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func cancel() { for source in sources { source.cancel() } }
}
