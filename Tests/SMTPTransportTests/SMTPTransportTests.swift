import Foundation
import Mail
import Testing
import TestSupport
@testable import SMTPTransport

/// libcurl against a real SMTP server (aiosmtpd, started per test on 127.0.0.1).
@Suite(.serialized) struct SMTPTransportTests {
    static let sender = try! EmailAddress("lettre@amis.example.org")

    static func message(to recipient: String = "marie@example.org", body: String = "Bonjour.\r\n") -> OutgoingMessage {
        let text = "From: <lettre@amis.example.org>\r\nTo: <\(recipient)>\r\nSubject: Test\r\nMessage-ID: <\(UUID().uuidString)@amis.example.org>\r\n\r\n\(body)"
        return OutgoingMessage(sender: sender, recipients: [try! EmailAddress(recipient)], bytes: Array(text.utf8))
    }

    static func transport(_ server: SMTPTestServer, tls: SMTPSettings.TLS = .none, concurrency: Int = 1,
                          username: String? = nil, password: String? = nil, maxPerSecond: Double = 0) throws -> SMTPTransport {
        try SMTPTransport(settings: SMTPSettings(
            url: server.url, tls: tls, username: username, password: password, caCertificateFile: server.caCertificatePath,
            heloName: "amis.example.org", concurrency: concurrency, maxPerSecond: maxPerSecond,
            connectTimeout: .seconds(5), transactionTimeout: .seconds(10)))
    }

    @Test func plainDeliveryArrivesIntactWithDotStuffing() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let body = "Ligne 1\r\n.\r\nPas la fin.\r\n..deux points\r\nFrom here\r\n«\u{A0}fin\u{A0}»\r\n"
        let message = Self.message(body: body)
        let outcome = try await Self.transport(server).send(message)
        guard case .sent(let code, _) = outcome else { Issue.record("\(outcome)"); return }
        #expect(code == 250)
        let received = try server.received()
        #expect(received.count == 1)
        #expect(received.first?.data == message.bytes)
        #expect(received.first?.mailFrom == "lettre@amis.example.org")
        #expect(received.first?.rcptTo == ["marie@example.org"])
    }

    @Test func startTLSIsUsedWhenRequired() async throws {
        let server = try SMTPTestServer(.init(tls: .starttls, requireTLS: true))
        defer { server.stop() }
        let outcome = try await Self.transport(server, tls: .starttls).send(Self.message())
        #expect(outcome.isSent, "\(outcome)")
        #expect(try server.received().first?.tls == true)
    }

    @Test func refusedSTARTTLSSendsNothingInClear() async throws {
        let server = try SMTPTestServer(.init(tls: .starttls, advertiseStartTLS: false))
        defer { server.stop() }
        let outcome = try await Self.transport(server, tls: .starttls).send(Self.message())
        guard case .temporary(_, let text) = outcome else { Issue.record("expected temporary, got \(outcome)"); return }
        #expect(text.contains("STARTTLS"))
        let commands = try server.commands()
        #expect(!commands.contains { $0.uppercased().hasPrefix("MAIL") }, "\(commands)")
        #expect(try server.received().isEmpty)
    }

    @Test func implicitTLS() async throws {
        let server = try SMTPTestServer(.init(tls: .implicit))
        defer { server.stop() }
        let outcome = try await Self.transport(server, tls: .implicit).send(Self.message())
        #expect(outcome.isSent, "\(outcome)")
        #expect(try server.received().first?.tls == true)
    }

    @Test func authenticationOverTLS() async throws {
        let server = try SMTPTestServer(.init(tls: .starttls, requireTLS: true, auth: .init(user: "herald", password: "s3cret")))
        defer { server.stop() }
        let good = try await Self.transport(server, tls: .starttls, username: "herald", password: "s3cret").send(Self.message())
        #expect(good.isSent, "\(good)")
        #expect(try server.received().first?.user == "herald")
        let bad = try await Self.transport(server, tls: .starttls, username: "herald", password: "wrong").send(Self.message())
        guard case .temporary(_, let text) = bad else { Issue.record("expected temporary, got \(bad)"); return }
        #expect(text.contains("authentication failed"))
    }

    @Test(arguments: [
        (SMTPTestServer.Options(rcptReply: 450), "temporary", 450),
        (SMTPTestServer.Options(rcptReply: 550), "permanent", 550),
        (SMTPTestServer.Options(dataReply: 451), "temporary", 451),
        (SMTPTestServer.Options(dataReply: 554), "permanent", 554),
        (SMTPTestServer.Options(dropAfterData: true), "uncertain", 0),
        (SMTPTestServer.Options(dropBeforeData: true), "temporary", 0),
    ])
    func failuresAreClassified(options: SMTPTestServer.Options, kind: String, code: Int) async throws {
        let server = try SMTPTestServer(options)
        defer { server.stop() }
        let outcome = try await Self.transport(server).send(Self.message())
        switch (kind, outcome) {
        case ("temporary", .temporary(let replyCode, _)): #expect((replyCode ?? 0) == code, "\(outcome)")
        case ("permanent", .permanent(let replyCode, _)): #expect(replyCode == code, "\(outcome)")
        case ("uncertain", .uncertain): break
        default: Issue.record("expected \(kind) \(code), got \(outcome)")
        }
    }

    @Test func oneConnectionCarriesManyMessages() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let messages = (0..<25).map { Self.message(to: "abonne\($0)@example.org") }
        let outcomes = try Self.transport(server, concurrency: 1).sendAll(messages)
        #expect(outcomes.allSatisfy { $0.isSent })
        #expect(try server.received().count == 25)
        let greetings = try server.commands().filter { $0.uppercased().hasPrefix("EHLO") || $0.uppercased().hasPrefix("HELO") }
        #expect(greetings.count == 1, "\(greetings)")
    }

    @Test func parallelConnections() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let messages = (0..<40).map { Self.message(to: "abonne\($0)@example.org") }
        let outcomes = try Self.transport(server, concurrency: 4).sendAll(messages)
        #expect(outcomes.allSatisfy { $0.isSent })
        #expect(Set(try server.received().flatMap(\.rcptTo)).count == 40)
        let greetings = try server.commands().filter { $0.uppercased().hasPrefix("EHLO") }
        #expect((2...4).contains(greetings.count), "\(greetings.count) connections")
    }

    @Test func rateLimitSpacesSends() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let start = Date()
        let outcomes = try Self.transport(server, concurrency: 4, maxPerSecond: 20).sendAll((0..<11).map { _ in Self.message() })
        #expect(outcomes.allSatisfy { $0.isSent })
        #expect(Date().timeIntervalSince(start) >= 0.45)
    }

    @Test func unreachableServerIsTemporary() async throws {
        let transport = try SMTPTransport(settings: SMTPSettings(
            url: "smtp://127.0.0.1:1", tls: .none, connectTimeout: .seconds(2), transactionTimeout: .seconds(3)))
        let outcome = await transport.send(Self.message())
        guard case .temporary(nil, _) = outcome else { Issue.record("\(outcome)"); return }
    }
}
