import Foundation
import Mail
import Testing
import TestSupport
@testable import SMTPTransport

@Suite(.serialized) struct MaildirTransportTests {
    static let sender = try! EmailAddress("a@example.org")

    static func message(_ text: String = "Bonjour") -> OutgoingMessage {
        OutgoingMessage(sender: sender, recipients: [sender], bytes: Array("Subject: Test\r\n\r\n\(text)\r\n".utf8))
    }

    /// Threads of this process whose name starts with `prefix` (Linux truncates names to 15 bytes).
    static func threads(named prefix: String) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.filter { task in
            let name = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? ""
            return name.hasPrefix(prefix)
        }.count
    }

    /// Polls until `condition` holds (up to 5 s); whether it did.
    static func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(5)
        while !condition() {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return true
    }

    static func sendConcurrently(_ count: Int, through transport: MaildirTransport) async -> [DeliveryOutcome] {
        await withTaskGroup(of: DeliveryOutcome.self) { group in
            for index in 0..<count { group.addTask { await transport.send(Self.message("n° \(index)")) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func deliversIntoNewThroughTmp() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let transport = try MaildirTransport(directory: folder.url.appendingPathComponent("outbox"))
        let bytes = Self.message().bytes
        let outcome = await transport.send(Self.message())
        #expect(outcome.isSent)
        let outcomes = transport.sendAll((0..<5).map { _ in Self.message() })
        #expect(outcomes.allSatisfy { $0.isSent })
        let fm = FileManager.default
        let new = try fm.contentsOfDirectory(atPath: folder.url.appendingPathComponent("outbox/new").path)
        #expect(new.count == 6)
        #expect(Set(new).count == 6)
        #expect(try fm.contentsOfDirectory(atPath: folder.url.appendingPathComponent("outbox/tmp").path).isEmpty)
        let first = try Data(contentsOf: folder.url.appendingPathComponent("outbox/new/\(new[0])"))
        #expect([UInt8](first) == bytes)
    }

    /// Many concurrent `send`s share the transport's small pool of threads, which ends with
    /// the transport: no thread per message.
    @Test func concurrentSendsShareAFixedPool() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        var transport: MaildirTransport? = try MaildirTransport(directory: folder.url)
        // Other tests run in this process at the same time, with transports of their own.
        let name = transport!.threadName + "-"
        #expect(Self.eventually { Self.threads(named: name) == MaildirTransport.threads })
        let outcomes = await Self.sendConcurrently(200, through: transport!)
        #expect(outcomes.count == 200 && outcomes.allSatisfy { $0.isSent })
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.appendingPathComponent("new").path).count == 200)
        #expect(Self.threads(named: name) == MaildirTransport.threads)
        transport = nil
        #expect(Self.eventually { Self.threads(named: name) == 0 })
    }

    @Test(.enabled(if: getuid() != 0, "root writes anywhere"))
    func unwritableMaildirIsTemporary() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let transport = try MaildirTransport(directory: folder.url)
        chmod(folder.url.appendingPathComponent("tmp").path, 0o500)
        defer { chmod(folder.url.appendingPathComponent("tmp").path, 0o700) }
        guard case .temporary(nil, let text) = await transport.send(Self.message()) else { Issue.record("not temporary"); return }
        #expect(text.contains("Permission denied"), "\(text)")
    }
}
