import Foundation
import Synchronization

/// Spaces out sends over all connections: at most `perSecond` messages per second, with no
/// bursts (each send reserves the next free slot and sleeps until it comes).
final class RateLimiter: Sendable {
    private let interval: UInt64
    private let nextSlot = Mutex<UInt64>(0)

    init(perSecond: Double) {
        interval = UInt64(1_000_000_000 / perSecond)
    }

    /// Blocks the calling (worker) thread until it may send.
    func wait() {
        let now = DispatchTime.now().uptimeNanoseconds
        let slot = nextSlot.withLock { next in
            let slot = max(next, now)
            next = slot + interval
            return slot
        }
        if slot > now { usleep(useconds_t((slot - now) / 1000)) }
    }
}
