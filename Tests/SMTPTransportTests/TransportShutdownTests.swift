import Foundation
import Mail
import Testing
import TestSupport
@testable import SMTPTransport

/// `shutdown()`: what was handed over finishes, every worker ends, and what comes after fails
/// at once instead of waiting for a worker that will never come.
@Suite(.serialized) struct TransportShutdownTests {
    typealias Base = MisbehavingServerTests

    @Test func sendingAfterShutdownIsTemporaryAtOnce() async throws {
        let server = try ScriptedSMTPServer()
        defer { server.stop() }
        let transport = try Base.transport(server)
        transport.shutdown()
        let start = ContinuousClock.now
        let outcome = await transport.send(Base.message())
        let outcomes = transport.sendAll([Base.message(), Base.message()])
        #expect(start.duration(to: .now) < .seconds(2))
        for outcome in [outcome] + outcomes {
            guard case .temporary(nil, let text) = outcome else { Issue.record("\(outcome)"); continue }
            #expect(text.contains("shut down"), "\(text)")
        }
        // Nothing was made either.
        let made = Counter()
        let skipped = transport.deliver(count: 3) { _ in
            made.increment()
            return Base.message()
        }
        #expect(made.value == 0)
        #expect(skipped.allSatisfy { if case .temporary = $0 { true } else { false } }, "\(skipped)")
        #expect(try server.connectionCount() == 0)
    }

    /// The messages handed over before `shutdown()` are still sent; then each worker ends, and
    /// with it its session (QUIT on every connection).
    @Test func shutdownFinishesWhatWasHandedOverAndEndsEveryWorker() throws {
        let server = try ScriptedSMTPServer(.init(replyDelay: 0.05))
        defer { server.stop() }
        let transport = try SMTPTransport(settings: SMTPSettings(
            url: server.url, tls: .none, heloName: "amis.example.org", concurrency: 3,
            connectTimeout: .seconds(5), transactionTimeout: .seconds(10), replyTimeout: .seconds(5)))
        let started = DispatchSemaphore(value: 0)
        let proceed = DispatchSemaphore(value: 0)
        let outcomes = Box<[DeliveryOutcome?]>()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            outcomes.value = transport.deliver(count: 9) { index in
                if index == 0 {
                    started.signal()
                    proceed.wait()
                }
                return Base.message(to: "abonne\(index)@example.org")
            }
            done.signal()
        }
        started.wait()
        // Every job is queued within microseconds of the first; this leaves ample time.
        Thread.sleep(forTimeInterval: 0.3)
        transport.shutdown()
        proceed.signal()
        #expect(done.wait(timeout: .now() + 20) == .success)
        #expect(outcomes.value?.allSatisfy { $0?.isSent == true } == true, "\(String(describing: outcomes.value))")
        #expect(Set(try server.messages().flatMap(\.rcptTo)).count == 9)
        // Each worker ends and closes its session politely, without a deinit of the transport.
        let deadline = Date().addingTimeInterval(10)
        var quits = 0
        var connections = 0
        repeat {
            Thread.sleep(forTimeInterval: 0.1)
            quits = try server.commands().filter { $0.uppercased() == "QUIT" }.count
            connections = try server.connectionCount()
        } while quits < connections && Date() < deadline
        #expect(connections >= 1 && quits == connections, "\(quits) QUIT for \(connections) connections")
        withExtendedLifetime(transport) {}
    }

    /// Lanes run one per worker thread, all at once, each sending on its own connection; a
    /// transport shut down runs none, and returns at once.
    @Test func lanesRunOncePerThreadAndNotAfterShutdown() async throws {
        let server = try ScriptedSMTPServer(.init(replyDelay: 0.02))
        defer { server.stop() }
        let transport = try SMTPTransport(settings: SMTPSettings(
            url: server.url, tls: .none, heloName: "amis.example.org", concurrency: 3,
            connectTimeout: .seconds(5), transactionTimeout: .seconds(10), replyTimeout: .seconds(5)))
        let threads = Box<Set<String>>()
        threads.value = []
        let outcomes = Box<[DeliveryOutcome]>()
        outcomes.value = []
        await transport.runLanes { send in
            let name = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: "/proc/thread-self/comm"))) ?? Data(), as: UTF8.self)
            threads.mutate { $0.insert(name) }
            for index in 0..<2 {
                let outcome = send(Base.message(to: "lane\(name.hashValue & 0xffff)-\(index)@example.org"))
                outcomes.mutate { $0.append(outcome) }
            }
        }
        #expect(threads.value?.count == 3, "\(String(describing: threads.value))")
        #expect(outcomes.value?.count == 6 && outcomes.value?.allSatisfy(\.isSent) == true, "\(String(describing: outcomes.value))")
        #expect(Set(try server.messages().flatMap(\.rcptTo)).count == 6)
        #expect(try server.connectionCount() == 3)

        transport.shutdown()
        let ran = Box<Int>()
        ran.value = 0
        let start = ContinuousClock.now
        await transport.runLanes { _ in ran.mutate { $0 += 1 } }
        #expect(ran.value == 0)
        #expect(start.duration(to: .now) < .seconds(5))
    }

    @Test func rateBoundsNeverTrap() {
        #expect(SMTPSettings(url: "smtp://localhost", tls: .none, maxPerSecond: 0.0001).maxPerSecond == SMTPSettings.minimumRate)
        #expect(SMTPSettings(url: "smtp://localhost", tls: .none, maxPerSecond: 1e300).maxPerSecond == SMTPSettings.maximumRate)
        #expect(SMTPSettings(url: "smtp://localhost", tls: .none, maxPerSecond: .infinity).maxPerSecond == SMTPSettings.maximumRate)
        #expect(SMTPSettings(url: "smtp://localhost", tls: .none, maxPerSecond: .nan).maxPerSecond == 0)
        #expect(SMTPSettings(url: "smtp://localhost", tls: .none, maxPerSecond: -3).maxPerSecond == 0)
        // The limiter itself bounds what it is given: the first slot is now, whatever the rate.
        for rate in [1e-12, 0.0001, 1e300, .infinity, .nan] {
            let start = ContinuousClock.now
            RateLimiter(perSecond: rate).wait()
            #expect(start.duration(to: .now) < .seconds(1), "\(rate)")
        }
    }

    @Test func rateLimiterSpacesWaits() {
        let limiter = RateLimiter(perSecond: 4)
        let start = ContinuousClock.now
        for _ in 0..<3 { limiter.wait() }
        // Slots at 0, 0.25 and 0.5 s.
        #expect(start.duration(to: .now) >= .milliseconds(490))
    }
}

/// A value set on one thread and read on another after a semaphore.
private final class Box<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?
    var value: Value? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
    func mutate(_ change: (inout Value) -> Void) {
        lock.withLock {
            guard var value = stored else { return }
            change(&value)
            stored = value
        }
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
