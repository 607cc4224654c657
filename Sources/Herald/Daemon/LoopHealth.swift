import Foundation
import Synchronization

/// Whether the daemon's loops make progress, for the systemd watchdog: each loop says when it
/// starts a piece of work, when that work moves on, and when it is done; a loop busy on one
/// piece of work for longer than a limit without moving on is stuck, and the watchdog stops
/// pinging so that systemd restarts Herald.
final class LoopHealth: Sendable {
    private struct Loop {
        /// When the current work started or last moved on; `nil` while idle (waiting for
        /// events is not being stuck).
        var lastProgress: ContinuousClock.Instant?
        var doing = ""
    }

    private let loops = Mutex<[String: Loop]>([:])

    /// `name` starts `work`.
    func busy(_ name: String, _ work: String) {
        loops.withLock { $0[name] = Loop(lastProgress: .now, doing: work) }
    }

    /// `name`'s work moved on (a batch of messages committed, say).
    func progressed(_ name: String) {
        loops.withLock { loops in
            if loops[name]?.lastProgress != nil { loops[name]?.lastProgress = .now }
        }
    }

    /// `name` is waiting for work.
    func idle(_ name: String) {
        loops.withLock { $0[name] = Loop() }
    }

    /// The loops busy without progress for longer than `limit`, with what they are doing.
    func stuck(longerThan limit: Duration) -> [String] {
        let now = ContinuousClock.now
        return loops.withLock { loops in
            loops.compactMap { name, loop in
                guard let last = loop.lastProgress, now - last > limit else { return nil }
                return "\(name) (\(loop.doing))"
            }.sorted()
        }
    }
}
