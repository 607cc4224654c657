import Foundation
import Mail
import Testing
import TestSupport
@testable import SMTPTransport

/// The SMTP client against a scripted server that misbehaves (`ScriptedSMTPServer`): every
/// session ends, in bounded time and memory, with an outcome that says what may have
/// happened to the message. The time bounds asserted here are generous: they only show that
/// nothing hangs.
@Suite(.serialized) struct MisbehavingServerTests {
    typealias Fault = ScriptedSMTPServer.Fault

    static func transport(
        _ server: ScriptedSMTPServer, replyTimeout: Duration = .seconds(20), transactionTimeout: Duration = .seconds(30),
        username: String? = nil, password: String? = nil
    ) throws -> SMTPTransport {
        try SMTPTransport(settings: SMTPSettings(
            url: server.url, tls: .none, username: username, password: password, heloName: "amis.example.org",
            concurrency: 1, connectTimeout: .seconds(5), transactionTimeout: transactionTimeout, replyTimeout: replyTimeout))
    }

    static func message(to recipient: String = "marie@example.org", bodyBytes: Int? = nil) -> OutgoingMessage {
        SMTPTransportTests.message(to: recipient, body: bodyBytes.map { Self.body(bytes: $0) } ?? "Bonjour.\r\n")
    }

    /// Lines of 76 letters and CRLF, about `bytes` long.
    static func body(bytes: Int) -> String {
        String(repeating: String(repeating: "x", count: 76) + "\r\n", count: max(1, bytes / 78))
    }

    /// Sends one message and measures how long the outcome took.
    static func sendTimed(_ transport: SMTPTransport, _ message: OutgoingMessage) -> (DeliveryOutcome, Double) {
        let start = ContinuousClock.now
        let outcome = transport.sendAll([message])[0]
        let elapsed = start.duration(to: .now)
        return (outcome, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    static func verbs(_ server: ScriptedSMTPServer) throws -> [String] {
        try server.commands().map { $0.split(separator: " ").first.map { String($0).uppercased() } ?? "" }
    }

    // MARK: - Silence

    @Test func silentAfterTheGreetingIsTemporary() throws {
        let server = try ScriptedSMTPServer(.init(fault: .silentGreeting))
        defer { server.stop() }
        let (outcome, seconds) = Self.sendTimed(
            try Self.transport(server, replyTimeout: .seconds(1), transactionTimeout: .seconds(2)), Self.message())
        guard case .temporary(nil, _) = outcome else { Issue.record("\(outcome)"); return }
        #expect(seconds < 10)
        #expect(!(try Self.verbs(server)).contains("MAIL"))
    }

    @Test func noReplyToMailIsAReplyTimeout() throws {
        let server = try ScriptedSMTPServer(.init(fault: .silentAfterMail))
        defer { server.stop() }
        let (outcome, seconds) = Self.sendTimed(
            try Self.transport(server, replyTimeout: .seconds(1), transactionTimeout: .seconds(30)), Self.message())
        guard case .temporary(nil, let text) = outcome else { Issue.record("\(outcome)"); return }
        #expect(text.contains("no reply from the SMTP server within 1 s"), "\(text)")
        #expect(seconds < 10)
        #expect(try Self.verbs(server) == ["EHLO", "MAIL"])
    }

    /// Each reply comes within the reply timeout, but the whole transaction takes too long.
    @Test func slowRepliesHitTheTransactionTimeout() throws {
        let server = try ScriptedSMTPServer(.init(replyDelay: 0.5))
        defer { server.stop() }
        let (outcome, seconds) = Self.sendTimed(
            try Self.transport(server, replyTimeout: .seconds(5), transactionTimeout: .milliseconds(1200)), Self.message())
        guard case .temporary(nil, let text) = outcome else { Issue.record("\(outcome)"); return }
        #expect(text.contains("the transaction took longer than 1.2 s"), "\(text)")
        #expect(seconds < 10)
        #expect(try server.messages().isEmpty)
    }

    /// The body and its final dot went out and no answer came: the message may have been
    /// delivered.
    @Test func silentAfterTheFinalDotIsUncertain() throws {
        let server = try ScriptedSMTPServer(.init(fault: .silentAfterDot))
        defer { server.stop() }
        let (outcome, seconds) = Self.sendTimed(
            try Self.transport(server, replyTimeout: .seconds(1), transactionTimeout: .seconds(30)), Self.message())
        guard case .uncertain = outcome else { Issue.record("\(outcome)"); return }
        #expect(seconds < 10)
        #expect(try server.messages().count == 1)
    }

    // MARK: - Replies that never end

    /// The line cap ends it, long before the (long) timeouts.
    @Test func endlessReplyLineIsCut() throws {
        let server = try ScriptedSMTPServer(.init(fault: .endlessLine))
        defer { server.stop() }
        let (outcome, seconds) = Self.sendTimed(try Self.transport(server), Self.message())
        guard case .temporary(nil, let text) = outcome else { Issue.record("\(outcome)"); return }
        #expect(text.contains("longer than \(ReplyReader.maximumLineLength) bytes"), "\(text)")
        #expect(seconds < 10)
        #expect(try Self.verbs(server) == ["EHLO", "MAIL"])
    }

    @Test func endlessContinuationLinesAreCut() throws {
        let server = try ScriptedSMTPServer(.init(fault: .endlessContinuation))
        defer { server.stop() }
        let (outcome, seconds) = Self.sendTimed(try Self.transport(server), Self.message())
        guard case .temporary(nil, let text) = outcome else { Issue.record("\(outcome)"); return }
        #expect(text.contains("more than \(ReplyReader.maximumLines) lines"), "\(text)")
        #expect(seconds < 10)
        #expect(try Self.verbs(server) == ["EHLO", "MAIL"])
    }

    /// Continuation lines that keep coming, slowly: data is always on its way, and the
    /// transaction's deadline still ends the reply.
    @Test func tricklingReplyHitsTheDeadline() throws {
        let server = try ScriptedSMTPServer(.init(fault: .trickleContinuation))
        defer { server.stop() }
        let (outcome, seconds) = Self.sendTimed(
            try Self.transport(server, replyTimeout: .seconds(20), transactionTimeout: .seconds(1)), Self.message())
        guard case .temporary(nil, let text) = outcome else { Issue.record("\(outcome)"); return }
        #expect(text.contains("the transaction took longer than 1 s"), "\(text)")
        #expect(seconds < 10)
    }

    // MARK: - Wrong answers, lost connections

    @Test(arguments: [false, true])
    func startMailInputToMailIsTemporary(pipelining: Bool) throws {
        let server = try ScriptedSMTPServer(.init(fault: .startMailInputToMail, ehlo: pipelining ? ["PIPELINING"] : []))
        defer { server.stop() }
        let outcome = try Self.transport(server).sendAll([Self.message()])[0]
        guard case .temporary(nil, let text) = outcome else { Issue.record("\(outcome)"); return }
        #expect(text.contains("MAIL FROM") && text.contains("354"), "\(text)")
        // No body went out: nothing after the commands of the transaction.
        #expect(try server.messages().isEmpty)
        let verbs = try Self.verbs(server)
        if pipelining {
            // RCPT and DATA went out with MAIL; the server may not have read them before the
            // session was dropped.
            #expect(Array(verbs.prefix(2)) == ["EHLO", "MAIL"] && Set(verbs).isSubset(of: ["EHLO", "MAIL", "RCPT", "DATA"]), "\(verbs)")
        } else {
            #expect(verbs == ["EHLO", "MAIL"])
        }
    }

    @Test func startMailInputToRcptIsTemporary() throws {
        let server = try ScriptedSMTPServer(.init(fault: .startMailInputToRcpt))
        defer { server.stop() }
        let outcome = try Self.transport(server).sendAll([Self.message()])[0]
        guard case .temporary(nil, let text) = outcome else { Issue.record("\(outcome)"); return }
        #expect(text.contains("RCPT TO"), "\(text)")
        #expect(try Self.verbs(server) == ["EHLO", "MAIL", "RCPT"])
    }

    @Test func resetAfterMailIsTemporary() throws {
        let server = try ScriptedSMTPServer(.init(fault: .resetAfterMail))
        defer { server.stop() }
        let outcome = try Self.transport(server).sendAll([Self.message()])[0]
        guard case .temporary(nil, _) = outcome else { Issue.record("\(outcome)"); return }
        #expect(try Self.verbs(server) == ["EHLO", "MAIL"])
        // A new session is not retried: the failure is the server's answer to a fresh one.
        #expect(try server.connectionCount() == 1)
    }

    /// The server takes the start of the body, then stops reading: the final dot never goes
    /// out, so nothing can have been delivered.
    @Test func bodyNotReadIsTemporary() throws {
        let server = try ScriptedSMTPServer(.init(fault: .bodyNotRead))
        defer { server.stop() }
        let (outcome, seconds) = Self.sendTimed(
            try Self.transport(server, replyTimeout: .seconds(1), transactionTimeout: .seconds(30)),
            Self.message(bodyBytes: 24 << 20))
        guard case .temporary(nil, let text) = outcome else { Issue.record("\(outcome)"); return }
        #expect(text.contains("stopped reading"), "\(text)")
        #expect(seconds < 15)
    }

    // MARK: - Session reuse

    /// A server that ends each session after a message, without a word: the next message
    /// finds the session closed before any reply and is retried once on a new one.
    @Test func idleClosedSessionIsRetriedOnANewOne() throws {
        let server = try ScriptedSMTPServer(.init(fault: .closeAfterMessage))
        defer { server.stop() }
        let transport = try Self.transport(server)
        var outcomes: [DeliveryOutcome] = []
        for index in 0..<3 {
            outcomes += transport.sendAll([Self.message(to: "abonne\(index)@example.org")])
        }
        #expect(outcomes.allSatisfy { $0.isSent }, "\(outcomes)")
        let messages = try server.messages()
        #expect(messages.map(\.rcptTo) == [["abonne0@example.org"], ["abonne1@example.org"], ["abonne2@example.org"]])
        #expect(messages.map(\.connection) == [1, 2, 3])
    }

    /// The retry happens once: a new session that fails the same way is the outcome.
    @Test func idleClosedSessionIsRetriedOnlyOnce() throws {
        let server = try ScriptedSMTPServer(.init(fault: .resetAfterMail, faultSkip: 1))
        defer { server.stop() }
        let outcomes = try Self.transport(server).sendAll([Self.message(to: "a@example.org"), Self.message(to: "b@example.org")])
        #expect(outcomes[0].isSent, "\(outcomes[0])")
        guard case .temporary(nil, _) = outcomes[1] else { Issue.record("\(outcomes[1])"); return }
        #expect(try server.connectionCount() == 2)
        #expect(try server.faults() == ["reset-after-mail", "reset-after-mail"])
    }

    // MARK: - SIZE, AUTH

    @Test func sizeIsDeclaredAndHonoured() throws {
        let limit = 20_000
        let server = try ScriptedSMTPServer(.init(ehlo: ["PIPELINING", "SIZE \(limit)"]))
        defer { server.stop() }
        let small = Self.message(to: "a@example.org")
        let large = Self.message(to: "b@example.org", bodyBytes: 2 * limit)
        let outcomes = try Self.transport(server).sendAll([small, large, small])
        #expect(outcomes[0].isSent && outcomes[2].isSent, "\(outcomes)")
        guard case .permanent(552, let text) = outcomes[1] else { Issue.record("\(outcomes[1])"); return }
        #expect(text.contains("SIZE") && text.contains("nothing was sent"), "\(text)")
        let mails = try server.commands().filter { $0.hasPrefix("MAIL") }
        #expect(mails == Array(repeating: "MAIL FROM:<lettre@amis.example.org> SIZE=\(small.bytes.count)", count: 2))
        #expect(try !server.commands().contains { $0.contains("b@example.org") })
        // The refused message cost the session nothing.
        #expect(try server.connectionCount() == 1)
    }

    @Test func noSizeParameterWithoutTheExtension() throws {
        let server = try ScriptedSMTPServer()
        defer { server.stop() }
        #expect(try Self.transport(server).sendAll([Self.message(bodyBytes: 100_000)])[0].isSent)
        #expect(try server.commands().filter { $0.hasPrefix("MAIL") } == ["MAIL FROM:<lettre@amis.example.org>"])
    }

    /// Credentials never travel without TLS, even to a server that offers AUTH in clear: the
    /// transport refuses to be made with them, and without them it never authenticates.
    @Test func authOfferedWithoutTLSGetsNoCredentials() throws {
        let server = try ScriptedSMTPServer(.init(ehlo: ["AUTH PLAIN LOGIN"]))
        defer { server.stop() }
        #expect(throws: SMTPConfigurationError.self) {
            _ = try Self.transport(server, username: "herald", password: "s3cret")
        }
        #expect(throws: SMTPConfigurationError.self) {
            _ = try SMTPTransport(settings: SMTPSettings(url: "smtp://herald:s3cret@127.0.0.1:\(server.port)", tls: .none))
        }
        #expect(try server.connectionCount() == 0)
        #expect(try Self.transport(server).sendAll([Self.message()])[0].isSent)
        #expect(try server.authLines().isEmpty)
        #expect(try !Self.verbs(server).contains("AUTH"))
    }
}
