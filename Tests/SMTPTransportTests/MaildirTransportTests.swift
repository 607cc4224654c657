import Foundation
import Mail
import Testing
import TestSupport
@testable import SMTPTransport

@Suite struct MaildirTransportTests {
    @Test func deliversIntoNewThroughTmp() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let transport = try MaildirTransport(directory: folder.url.appendingPathComponent("outbox"))
        let bytes = Array("Subject: Test\r\n\r\nBonjour\r\n".utf8)
        let sender = try EmailAddress("a@example.org")
        let outcome = await transport.send(OutgoingMessage(sender: sender, recipients: [sender], bytes: bytes))
        #expect(outcome.isSent)
        let outcomes = transport.sendAll((0..<5).map { _ in OutgoingMessage(sender: sender, recipients: [sender], bytes: bytes) })
        #expect(outcomes.allSatisfy { $0.isSent })
        let fm = FileManager.default
        let new = try fm.contentsOfDirectory(atPath: folder.url.appendingPathComponent("outbox/new").path)
        #expect(new.count == 6)
        #expect(Set(new).count == 6)
        #expect(try fm.contentsOfDirectory(atPath: folder.url.appendingPathComponent("outbox/tmp").path).isEmpty)
        let first = try Data(contentsOf: folder.url.appendingPathComponent("outbox/new/\(new[0])"))
        #expect([UInt8](first) == bytes)
    }
}
