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
        let listener = try DatagramListener(path: folder.path + "/notify")
        let notifier = try #require(try SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path]))
        try notifier.notify(.ready)
        #expect(try listener.receive() == "READY=1")
        try notifier.notify([.status("Lecture des billets « été »\nREADY=1\u{7}"), .watchdog])
        #expect(try listener.receive() == "STATUS=Lecture des billets « été » READY=1 \nWATCHDOG=1")
        try notifier.notify(.stopping)
        #expect(try listener.receive() == "STOPPING=1")
    }

    @Test func reloadingCarriesTheMonotonicClock() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let listener = try DatagramListener(path: folder.path + "/notify")
        let notifier = try SystemdNotifier(socketPath: listener.path)
        var before = timespec()
        clock_gettime(CLOCK_MONOTONIC, &before)
        try notifier.notify(.reloading())
        let lines = try listener.receive().split(separator: "\n")
        #expect(lines.first == "RELOADING=1")
        let stamp = try #require(lines.last.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) })
        let beforeMicroseconds = UInt64(before.tv_sec) * 1_000_000 + UInt64(before.tv_nsec) / 1_000
        #expect(stamp >= beforeMicroseconds && stamp < beforeMicroseconds + 10_000_000)
    }

    @Test func abstractSocketNames() throws {
        let name = "@herald-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let listener = try DatagramListener(path: name)
        let notifier = try SystemdNotifier(socketPath: name)
        try notifier.notify(.watchdog)
        #expect(try listener.receive() == "WATCHDOG=1")
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

/// A bound datagram socket, as systemd's notification socket.
private final class DatagramListener {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw ListenerError(step: "socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (bytes.first == 0 ? 0 : 1))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw ListenerError(step: "bind") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    func receive() throws -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count >= 0 else { throw ListenerError(step: "recv") }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}

private struct ListenerError: Error {
    let step: String
}
