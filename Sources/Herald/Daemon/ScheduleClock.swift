import Foundation

/// The wall clock a schedule reads and waits on; a test gives one that jumps.
public protocol ScheduleClock: Sendable {
    func now() -> Date
    /// Returns at `date` or soon after (or when the task is cancelled).
    func sleep(until date: Date) async
}

/// The system's wall clock. A wait is cut into steps of at most a minute, each followed by a
/// fresh look at the time, so that a clock set forward or back (NTP, a resumed VM) makes no
/// schedule late by more than that.
public struct SystemScheduleClock: ScheduleClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until date: Date) async {
        while !Task.isCancelled {
            let wait = date.timeIntervalSinceNow
            if wait <= 0 { return }
            try? await Task.sleep(for: .milliseconds(Int(min(wait, 60) * 1000) + 1))
        }
    }
}
