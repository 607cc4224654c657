import Logging
import Synchronization
import SystemdNotify

/// `READY=1` once both the first build is written and the HTTP port is bound, whichever
/// comes last, with a status line saying what the daemon does.
final class Readiness: Sendable {
    private struct State {
        var build: SiteBuilder.Result??
        var address: String?
        var sent = false
    }

    private let state = Mutex(State())
    private let notifier: SystemdNotifier?
    private let logger: Logger
    private let postsFolder: String

    init(notifier: SystemdNotifier?, logger: Logger, postsFolder: String) {
        self.notifier = notifier
        self.logger = logger
        self.postsFolder = postsFolder
    }

    /// The first build is done (`nil`: it failed; the daemon runs on and says so).
    func built(_ result: SiteBuilder.Result?) {
        state.withLock { $0.build = .some(result) }
        sendIfReady()
    }

    func listening(host: String, port: Int) {
        state.withLock { $0.address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
        sendIfReady()
    }

    private func sendIfReady() {
        let status: String? = state.withLock { state in
            guard !state.sent, let build = state.build, let address = state.address else { return nil }
            state.sent = true
            let feeds = build.map { "\($0.publishedCount) posts published in \($0.fileCount) feed files" } ?? "the feeds could not be built (see the log)"
            return "watching \(postsFolder): \(feeds); serving http://\(address)/"
        }
        guard let status else { return }
        notifier.send([.ready, .status(status)], logger: logger)
        logger.notice("ready: \(status)")
    }
}
