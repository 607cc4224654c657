import Logging
import ServiceLifecycle
import SystemdNotify

/// Pings systemd's watchdog (`WATCHDOG=1`) at half of `WATCHDOG_USEC`, but only while no loop
/// of the daemon is stuck: a loop busy on one piece of work for longer than the watchdog's
/// interval without moving on stops the pings, and systemd restarts Herald.
struct WatchdogService: Service {
    let notifier: SystemdNotifier
    let interval: Duration
    let health: LoopHealth
    let logger: Logger

    func run() async throws {
        var warned = false
        while !Task.isCancelledOrShuttingDown {
            let stuck = health.stuck(longerThan: interval)
            if stuck.isEmpty {
                Optional(notifier).send(.watchdog, logger: logger)
                warned = false
            } else if !warned {
                logger.critical("no progress for \(interval): \(stuck.joined(separator: ", ")); the watchdog is no longer fed")
                warned = true
            }
            try? await Task.sleep(for: interval / 2)
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Cancelled, or the service group is shutting down gracefully.
    static var isCancelledOrShuttingDown: Bool { isCancelled || isShuttingDownGracefully }
}
