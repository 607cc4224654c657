import Foundation
import Mail
import Testing
import TestSupport
@testable import SMTPTransport

/// The transactions Herald speaks itself after libcurl connected, with a server that offers
/// PIPELINING (MAIL, RCPT and DATA sent together).
@Suite(.serialized) struct PipelinedSMTPTests {
    typealias Base = SMTPTransportTests

    @Test func pipelinedDeliveryArrivesIntact() async throws {
        let server = try SMTPTestServer(.init(pipelining: true))
        defer { server.stop() }
        let body = "Ligne 1\r\n.\r\nPas la fin.\r\n..deux points\r\n.\r\n«\u{A0}fin\u{A0}»\r\n"
        let message = Base.message(body: body)
        let outcome = try await Base.transport(server).send(message)
        guard case .sent(250, _) = outcome else { Issue.record("\(outcome)"); return }
        let received = try server.received()
        #expect(received.first?.data == message.bytes)
        #expect(received.first?.rcptTo == ["marie@example.org"])
    }

    @Test func pipelinedOverSTARTTLSWithAuth() async throws {
        let server = try SMTPTestServer(.init(
            tls: .starttls, requireTLS: true, auth: .init(user: "herald", password: "s3cret"), pipelining: true))
        defer { server.stop() }
        let transport = try Base.transport(server, tls: .starttls, username: "herald", password: "s3cret")
        let outcomes = transport.sendAll((0..<10).map { Base.message(to: "abonne\($0)@example.org") })
        #expect(outcomes.allSatisfy { $0.isSent }, "\(outcomes)")
        let received = try server.received()
        #expect(received.count == 10)
        #expect(received.allSatisfy { $0.tls && $0.user == "herald" })
    }

    @Test func severalRecipients() async throws {
        let server = try SMTPTestServer(.init(pipelining: true))
        defer { server.stop() }
        var message = Base.message()
        message.recipients = [try EmailAddress("a@example.org"), try EmailAddress("b@example.org")]
        let outcome = try await Base.transport(server).send(message)
        #expect(outcome.isSent, "\(outcome)")
        #expect(try server.received().first?.rcptTo == ["a@example.org", "b@example.org"])
    }

    @Test(arguments: [
        (SMTPTestServer.Options(rcptReply: 450, pipelining: true), "temporary", 450),
        (SMTPTestServer.Options(rcptReply: 550, pipelining: true), "permanent", 550),
        (SMTPTestServer.Options(dataReply: 451, pipelining: true), "temporary", 451),
        (SMTPTestServer.Options(dataReply: 554, pipelining: true), "permanent", 554),
        (SMTPTestServer.Options(dropAfterData: true, pipelining: true), "uncertain", 0),
        (SMTPTestServer.Options(dropBeforeData: true, pipelining: true), "temporary", 0),
    ])
    func pipelinedFailuresAreClassified(options: SMTPTestServer.Options, kind: String, code: Int) async throws {
        try await Base().failuresAreClassified(options: options, kind: kind, code: code)
    }

    /// A failure replaces the session; the next message goes through on a new one.
    @Test func recoversAfterAFailure() throws {
        let server = try SMTPTestServer(.init(rcptReply: 450, faultMatch: "bad", pipelining: true))
        defer { server.stop() }
        let outcomes = try Base.transport(server).sendAll([
            Base.message(to: "ok1@example.org"), Base.message(to: "bad@example.org"), Base.message(to: "ok2@example.org"),
        ])
        #expect(outcomes[0].isSent && outcomes[2].isSent, "\(outcomes)")
        guard case .temporary(450, _) = outcomes[1] else { Issue.record("\(outcomes[1])"); return }
        #expect(Set(try server.received().flatMap(\.rcptTo)) == ["ok1@example.org", "ok2@example.org"])
    }

    /// A server that closes a session between messages (here after 2) costs no message.
    @Test func closedSessionIsReplaced() throws {
        let server = try SMTPTestServer(.init(maxMessagesPerConnection: 2, pipelining: true))
        defer { server.stop() }
        let outcomes = try Base.transport(server).sendAll((0..<3).map { Base.message(to: "abonne\($0)@example.org") })
        #expect(outcomes.allSatisfy { $0.isSent }, "\(outcomes)")
        // The third met "421" on the first session, which is then closed, and a new session
        // took it over.
        let received = try server.received()
        #expect(received.map(\.rcptTo) == [["abonne0@example.org"], ["abonne1@example.org"], ["abonne2@example.org"]])
        #expect(received.map(\.connection) == [1, 1, 2])
        let byConnection = try server.commandsByConnection()
        #expect(byConnection.count == 2)
        #expect(byConnection.first?.filter { $0.uppercased().hasPrefix("MAIL") }.count == 3)
    }

    @Test func dotStuffing() {
        func block(_ text: String) -> String { String(decoding: SMTPConnection.dataBlock(Array(text.utf8)), as: UTF8.self) }
        #expect(block(".a\r\n") == "..a\r\n.\r\n")
        #expect(block("a\r\n.\r\n..b\r\nc.d\r\n") == "a\r\n..\r\n...b\r\nc.d\r\n.\r\n")
        #expect(block("no final crlf") == "no final crlf\r\n.\r\n")
        #expect(block("a\n.b\r\n") == "a\n.b\r\n.\r\n")
    }
}
