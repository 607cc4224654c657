import Foundation
import Herald
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `herald digest send`'s progress: a bar redrawn in place on a terminal, a plain line every
/// few seconds otherwise (a log, a pipe).
final class ProgressDisplay: Sendable {
    private struct State {
        var lastDraw = ContinuousClock.now - .seconds(60)
    }

    private let total: Int
    private let started = ContinuousClock.now
    private let isTerminal = isatty(2) == 1
    private let state = Mutex(State())

    init(total: Int) {
        self.total = total
    }

    func update(_ progress: DeliveryProgress) {
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            let interval: Duration = isTerminal ? .milliseconds(100) : .seconds(5)
            guard now - state.lastDraw >= interval else { return false }
            state.lastDraw = now
            return true
        }
        guard due else { return }
        let line = self.line(progress, now: now)
        if isTerminal {
            Console.errorInPlace(line)
        } else {
            Console.error(line)
        }
    }

    func finish(_ progress: DeliveryProgress) {
        let line = self.line(progress, now: .now)
        if isTerminal { Console.errorInPlace(line) }
        Console.error(isTerminal ? "" : line)
    }

    private func line(_ progress: DeliveryProgress, now: ContinuousClock.Instant) -> String {
        let elapsed = max(0.001, Double((now - started).components.seconds) + Double((now - started).components.attoseconds) / 1e18)
        let rate = Double(progress.handled) / elapsed
        // Attempts, not rows: a deferred row tried again counts again.
        let done = min(progress.sent + progress.failed + progress.skipped, max(total, 1))
        let fraction = Double(done) / Double(max(total, 1))
        let width = 24
        let bar = String(repeating: "#", count: Int(fraction * Double(width))) + String(repeating: ".", count: width - Int(fraction * Double(width)))
        let remaining = rate > 0 ? Double(max(0, total - progress.handled)) / rate : 0
        return String(
            format: "[%@] %d/%d  sent %d  deferred %d  failed %d  uncertain %d  %.0f msg/s  ETA %.0fs",
            bar, done, total, progress.sent, progress.deferred, progress.failed, progress.uncertain, rate, remaining)
    }
}
