import Foundation
import Synchronization

/// Spaces out sends over all connections: at most `perSecond` messages per second, with no
/// bursts (each send reserves the next free slot and sleeps until it comes).
final class RateLimiter: Sendable {
    private let interval: UInt64
    private let nextSlot = Mutex<UInt64>(0)

    /// `perSecond` within `SMTPSettings.minimumRate...SMTPSettings.maximumRate` (the settings
    /// bound it; out-of-range values are bounded here too, so no conversion can trap).
    init(perSecond: Double) {
        let rate = perSecond.isNaN ? SMTPSettings.maximumRate : min(max(perSecond, SMTPSettings.minimumRate), SMTPSettings.maximumRate)
        interval = UInt64((1e9 / rate).rounded())
    }

    /// Blocks the calling (worker) thread until it may send.
    func wait() {
        let now = DispatchTime.now().uptimeNanoseconds
        let slot = nextSlot.withLock { next in
            let slot = max(next, now)
            next = slot + interval
            return slot
        }
        var remaining = slot > now ? slot - now : 0
        // nanosleep, in chunks of at most a second: no value overflows its fields.
        while remaining > 0 {
            let chunk = min(remaining, 1_000_000_000)
            var request = timespec(tv_sec: Int(chunk / 1_000_000_000), tv_nsec: Int(chunk % 1_000_000_000))
            nanosleep(&request, nil)
            let after = DispatchTime.now().uptimeNanoseconds
            remaining = slot > after ? slot - after : 0
        }
    }
}
