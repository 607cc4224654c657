import Foundation
import Testing
import TestSupport
@testable import SystemdNotify

#if canImport(Glibc)
import Glibc
#endif

/// The notifier against a real datagram socket bound by the test, as systemd binds one.
@Suite struct SystemdNotifierTests {
    @Test func sendsEachStateAsTheProtocolSpellsIt() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let listener = try NotifySocket(path: folder.path + "/notify")
        let notifier = try #require(try SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path]))
        try notifier.notify(.ready)
        #expect(listener.receive() == "READY=1")
        try notifier.notify([.status("Lecture des billets « été »\nREADY=1\u{7}"), .watchdog])
        #expect(listener.receive() == "STATUS=Lecture des billets « été » READY=1 \nWATCHDOG=1")
        try notifier.notify(.stopping)
        #expect(listener.receive() == "STOPPING=1")
    }

    @Test func reloadingCarriesTheMonotonicClock() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let listener = try NotifySocket(path: folder.path + "/notify")
        let notifier = try SystemdNotifier(socketPath: listener.path)
        var before = timespec()
        clock_gettime(CLOCK_MONOTONIC, &before)
        try notifier.notify(.reloading())
        let lines = try #require(listener.receive()).split(separator: "\n")
        #expect(lines.first == "RELOADING=1")
        let stamp = try #require(lines.last.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) })
        let beforeMicroseconds = UInt64(before.tv_sec) * 1_000_000 + UInt64(before.tv_nsec) / 1_000
        #expect(stamp >= beforeMicroseconds && stamp < beforeMicroseconds + 10_000_000)
    }

    @Test func abstractSocketNames() throws {
        let name = "@herald-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let listener = try NotifySocket(path: name)
        let notifier = try SystemdNotifier(socketPath: name)
        try notifier.notify(.watchdog)
        #expect(listener.receive() == "WATCHDOG=1")
    }

    @Test func watchdogIntervalFollowsWatchdogPid() throws {
        let base = ["NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "3000000"]
        #expect(try SystemdNotifier(environment: base)?.watchdogInterval == .seconds(3))
        #expect(try SystemdNotifier(environment: base.merging(["WATCHDOG_PID": "\(getpid())"]) { $1 })?.watchdogInterval == .seconds(3))
        #expect(try SystemdNotifier(environment: base.merging(["WATCHDOG_PID": "1"]) { $1 })?.watchdogInterval == nil)
        #expect(try SystemdNotifier(environment: base.merging(["WATCHDOG_USEC": "zero"]) { $1 })?.watchdogInterval == nil)
        #expect(try SystemdNotifier(environment: [:]) == nil)
    }

    @Test func unusableSocketsAreClearErrors() throws {
        #expect(throws: SystemdNotifyError.badSocketPath("relative/notify")) { try SystemdNotifier(socketPath: "relative/notify") }
        let long = "/" + String(repeating: "x", count: 200)
        #expect(throws: SystemdNotifyError.badSocketPath(long)) { try SystemdNotifier(socketPath: long) }
        // Nobody listens: the send fails at once, it does not wait.
        let notifier = try SystemdNotifier(socketPath: "/nonexistent/herald-notify")
        let start = ContinuousClock.now
        #expect(throws: SystemdNotifyError.self) { try notifier.notify(.ready) }
        #expect(start.duration(to: .now) < .seconds(1))
    }
}
