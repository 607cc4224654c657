import Digests
import Foundation
import Logging
import ServiceLifecycle
import Store

/// The daemon's delivery worker: looks at the queue every second and delivers whatever is
/// due, whoever queued it (a schedule, `herald digest send --no-wait`, `herald digest retry`).
/// On graceful shutdown it stops claiming, lets the messages in flight finish, and leaves the
/// rest queued.
struct DeliveryService: Service {
    let configuration: Configuration
    let store: any HeraldStore
    let logger: Logger
    let health: LoopHealth

    /// How often the queue is looked at while idle.
    static let pollInterval: Duration = .seconds(1)

    func run() async throws {
        guard configuration.mail != nil else {
            logger.notice("no mail section: digests are not delivered")
            try? await gracefulShutdown()
            return
        }
        let stop = StopSignal()
        let sending = DigestSending(configuration: configuration, store: store)
        await withTaskCancellationOrGracefulShutdownHandler {
            while !stop.isStopped && !Task.isCancelled {
                do {
                    if let due = try await store.nextDue(digestID: nil), due <= Date() {
                        try await deliver(sending, stop: stop)
                    }
                } catch {
                    if Task.isCancelled { return }
                    logger.error("delivery stopped: \(String(describing: error)); trying again in 30 s")
                    try? await Task.sleep(for: .seconds(30))
                }
                try? await Task.sleep(for: Self.pollInterval)
            }
        } onCancelOrGracefulShutdown: {
            stop.stop()
        }
    }

    private func deliver(_ sending: DigestSending, stop: StopSignal) async throws {
        health.busy("delivery", "delivering digests")
        defer { health.idle("delivery") }
        let done = try await sending.deliver(digestID: nil, retryHorizon: 0, stop: stop) { _ in
            health.progressed("delivery")
        }
        guard done.handled > 0 else { return }
        logger.info(
            "delivered",
            metadata: [
                "sent": "\(done.sent)", "deferred": "\(done.deferred)", "failed": "\(done.failed)",
                "uncertain": "\(done.uncertain)", "skipped": "\(done.skipped)",
            ])
    }
}
