#if canImport(Glibc)
import Glibc
#endif

/// One assignment of the sd_notify protocol.
public enum NotifyState: Sendable, Hashable {
    /// Start-up is finished (or a reload is): systemd starts the units that wait for Herald.
    case ready
    /// A reload begins; `READY=1` must follow when it ends. systemd 252 needs the monotonic
    /// time of the request with it (`MONOTONIC_USEC=`): `reloading()` adds it.
    case reloading(monotonicMicroseconds: UInt64)
    /// The service is shutting down.
    case stopping
    /// The service is alive and its loops make progress.
    case watchdog
    /// A line people read in `systemctl status`. Line breaks and other control characters
    /// become spaces: a status never adds an assignment of its own.
    case status(String)

    /// `RELOADING=1` stamped with the monotonic clock now, as systemd expects.
    public static func reloading() -> NotifyState {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return .reloading(monotonicMicroseconds: UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000)
    }

    /// The protocol's text for this state.
    var line: String {
        switch self {
        case .ready: return "READY=1"
        case .reloading(let microseconds): return "RELOADING=1\nMONOTONIC_USEC=\(microseconds)"
        case .stopping: return "STOPPING=1"
        case .watchdog: return "WATCHDOG=1"
        case .status(let text):
            return "STATUS=" + SingleLine.clean(text)
        }
    }
}
