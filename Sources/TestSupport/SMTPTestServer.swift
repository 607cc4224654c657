import Foundation
import Synchronization

/// A real SMTP server for delivery tests: `Tests/Support/smtp_server.py` (Debian's aiosmtpd) in a
/// child process, on 127.0.0.1 and a free port, with its JSON event log in a temporary folder.
///
/// ```swift
/// let server = try SMTPTestServer(.init(tls: .starttls, auth: .init(user: "u", password: "p")))
/// defer { server.stop() }
/// // … point Herald at server.url, trust server.caCertificatePath …
/// let messages = try server.received()
/// ```
///
/// Every fault applies to all recipients / messages unless `faultMatch` narrows it to those with a
/// recipient containing that text, and at most `faultTimes` times over the server's life when set.
/// The server logs a message before it replies (and before a `slowData` delay), so once a client
/// has seen the reply, `received()` has the message.
public final class SMTPTestServer: Sendable {
    public enum TLSMode: Sendable {
        /// Plain `smtp://`, no certificate (so no STARTTLS).
        case none
        /// `smtp://` with STARTTLS offered (unless `advertiseStartTLS` is false).
        case starttls
        /// `smtps://`: TLS from the first byte.
        case implicit
    }

    /// The one user the server accepts (`Options.auth`).
    public struct Credentials: Sendable, Equatable {
        public var user: String
        public var password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }
    }

    public struct Options: Sendable {
        public var tls: TLSMode
        /// Refuse MAIL (with a certificate: every command but EHLO/NOOP/STARTTLS/QUIT) with 530
        /// before STARTTLS.
        public var requireTLS: Bool
        /// With `.starttls`: false generates the certificate but does not offer STARTTLS (a
        /// STARTTLS sent anyway gets 454) — a client requiring TLS must refuse to go on.
        public var advertiseStartTLS: Bool
        /// Offer AUTH PLAIN LOGIN and require it before MAIL/RCPT/DATA (530 otherwise).
        public var auth: Credentials?
        /// Offer AUTH on a connection without TLS (aiosmtpd does not by default). Always on with
        /// `tls: .none`, where AUTH could not happen otherwise.
        public var allowAuthWithoutTLS: Bool
        /// Reply this code (e.g. 450, 550) to RCPT TO.
        public var rcptReply: Int?
        /// Faults apply only to recipients (messages with a recipient) containing this text.
        public var faultMatch: String?
        /// Faults are injected at most this many times in total; then the server behaves.
        public var faultTimes: Int?
        /// Reply this code (e.g. 451, 554) after the end of DATA instead of 250.
        public var dataReply: Int?
        /// Close the connection once the whole body was received, without a reply.
        public var dropAfterData: Bool
        /// Close the connection when DATA arrives (after the RCPT replies, before 354).
        public var dropBeforeData: Bool
        /// Wait this many seconds before replying to the end of DATA.
        public var slowData: Double?
        /// After this many messages on one connection, reply 421 to the next MAIL and close.
        public var maxMessagesPerConnection: Int?
        /// Advertise PIPELINING (RFC 2920) in the EHLO reply.
        public var pipelining: Bool
        /// Log messages without their bodies (`ReceivedMessage.data` is empty, `messageID` is
        /// set) and no command lines: for runs of thousands of messages.
        public var noBodies: Bool

        public init(
            tls: TLSMode = .none, requireTLS: Bool = false, advertiseStartTLS: Bool = true,
            auth: Credentials? = nil, allowAuthWithoutTLS: Bool = false,
            rcptReply: Int? = nil, faultMatch: String? = nil, faultTimes: Int? = nil, dataReply: Int? = nil,
            dropAfterData: Bool = false, dropBeforeData: Bool = false, slowData: Double? = nil,
            maxMessagesPerConnection: Int? = nil, pipelining: Bool = false, noBodies: Bool = false
        ) {
            self.tls = tls
            self.requireTLS = requireTLS
            self.advertiseStartTLS = advertiseStartTLS
            self.auth = auth
            self.allowAuthWithoutTLS = allowAuthWithoutTLS
            self.rcptReply = rcptReply
            self.faultMatch = faultMatch
            self.faultTimes = faultTimes
            self.dataReply = dataReply
            self.dropAfterData = dropAfterData
            self.dropBeforeData = dropBeforeData
            self.slowData = slowData
            self.maxMessagesPerConnection = maxMessagesPerConnection
            self.pipelining = pipelining
            self.noBodies = noBodies
        }

        var arguments: [String] {
            var arguments: [String] = []
            if tls == .implicit { arguments.append("--implicit-tls") }
            if tls == .starttls && !advertiseStartTLS { arguments.append("--no-starttls") }
            if requireTLS { arguments.append("--require-tls") }
            if let auth {
                arguments += ["--auth", "\(auth.user):\(auth.password)"]
                if allowAuthWithoutTLS || tls == .none { arguments.append("--auth-insecure") }
            }
            if let rcptReply { arguments += ["--rcpt-reply", String(rcptReply)] }
            if let faultMatch { arguments += ["--fault-match", faultMatch] }
            if let faultTimes { arguments += ["--fault-times", String(faultTimes)] }
            if let dataReply { arguments += ["--data-reply", String(dataReply)] }
            if dropAfterData { arguments.append("--drop-after-data") }
            if dropBeforeData { arguments.append("--drop-before-data") }
            if let slowData { arguments += ["--slow-data", String(slowData)] }
            if let maxMessagesPerConnection {
                arguments += ["--max-messages-per-connection", String(maxMessagesPerConnection)]
            }
            if pipelining { arguments.append("--pipelining") }
            if noBodies { arguments.append("--no-bodies") }
            return arguments
        }
    }

    /// One message body the server received (see `received(includingRejected:)`).
    public struct ReceivedMessage: Sendable {
        public var mailFrom: String
        public var rcptTo: [String]
        /// The Message-ID header's value (unfolded), if the message had one.
        public var messageID: String?
        /// The body as the server stored it (empty with `Options.noBodies`): dot-unstuffed, CRLF kept, without the final ".\r\n".
        public var data: [UInt8]
        /// Whether the session was encrypted (STARTTLS or implicit TLS) when the body arrived.
        public var tls: Bool
        public var tlsVersion: String?
        /// The authenticated user, if the session authenticated.
        public var user: String?
        /// Whether the server replied 250 (a `slowData` reply counts even if the client gave up).
        public var accepted: Bool
        /// The reply line sent (or to be sent, for `slowData`); nil when the connection was dropped.
        public var reply: String?
        /// The injected fault: "drop-after-data", "data-reply", "slow-data", "data-reply+slow-data".
        public var fault: String?
        /// Which connection (1, 2, …, in the order the server accepted them) carried the message.
        public var connection: Int
        /// When the server logged it (once the body was in, before replying).
        public var time: Date

        /// The body decoded as UTF-8 (lossy), for assertions on text.
        public var text: String { String(decoding: data, as: UTF8.self) }
    }

    /// One line of the server's event log (`event` is e.g. "connect", "command", "message").
    public struct Event: Sendable {
        public var event: String
        public var connection: Int?
        public var fields: [String: JSONValue]
    }

    public struct LaunchError: Error, CustomStringConvertible {
        public var message: String
        public var stderr: String
        public var description: String { "SMTP test server: \(message)\n\(stderr)" }
    }

    public let port: Int
    public let options: Options
    /// The self-signed certificate (the CA a client must trust), when TLS was asked for.
    public let caCertificatePath: String?
    /// The JSON-lines event log.
    public let logPath: String
    private let directory: TemporaryDirectory
    private let process: ServerProcess
    private let counter = MessageCounter()

    /// "smtp://127.0.0.1:PORT" or "smtps://127.0.0.1:PORT".
    public var url: String { "\(options.tls == .implicit ? "smtps" : "smtp")://127.0.0.1:\(port)" }

    /// Starts the server on `port` (0: a free one) and waits (up to `timeout` seconds) until it
    /// listens. A test that needs a server down, then up, stops one and starts another on its port.
    public init(_ options: Options = .init(), port: Int = 0, timeout: Double = 10) throws {
        let directory = try TemporaryDirectory(prefix: "herald-smtp")
        let logPath = directory.url.appendingPathComponent("events.jsonl").path
        let stderrPath = directory.url.appendingPathComponent("stderr.txt").path

        var arguments = [
            Repository.root.appendingPathComponent("Tests/Support/smtp_server.py").path,
            "--port", String(port), "--log", logPath,
        ]
        var caCertificatePath: String?
        if options.tls != .none {
            let tlsDirectory = directory.url.appendingPathComponent("tls").path
            let script = Repository.root.appendingPathComponent("Tests/Support/make_test_cert.sh").path
            let made = try ProcessResult.run("/bin/sh", [script, tlsDirectory])
            guard made.status == 0 else {
                directory.remove()
                throw LaunchError(message: "make_test_cert.sh failed", stderr: made.stderr + made.stdout)
            }
            caCertificatePath = tlsDirectory + "/cert.pem"
            arguments += ["--tls-cert", tlsDirectory + "/cert.pem", "--tls-key", tlsDirectory + "/key.pem"]
        }
        arguments += options.arguments

        let process: ServerProcess
        do {
            process = try ServerProcess(arguments: arguments, stderrPath: stderrPath, timeout: timeout)
        } catch {
            directory.remove()
            throw error
        }
        self.port = process.port
        self.options = options
        self.caCertificatePath = caCertificatePath
        self.logPath = logPath
        self.directory = directory
        self.process = process
    }

    deinit {
        process.stop()
        directory.remove()
    }

    /// SIGTERM, then waits for the exit (SIGKILL after 5 s). Idempotent; the log stays readable
    /// until the object goes away.
    public func stop() {
        process.stop()
    }

    /// What the server wrote on stderr (aiosmtpd errors, Python tracebacks).
    public func stderr() -> String {
        process.stderr()
    }

    /// Every event logged so far, in order.
    public func events() throws -> [Event] {
        try rawEvents().map { object in
            Event(
                event: object["event"] as? String ?? "", connection: object["conn"] as? Int,
                fields: object.mapValues(JSONValue.init))
        }
    }

    /// The messages the server accepted (replied 250 to), in order; with `includingRejected`,
    /// also the bodies it received and rejected (`dataReply`) or dropped (`dropAfterData`).
    public func received(includingRejected: Bool = false) throws -> [ReceivedMessage] {
        try rawEvents().compactMap { object -> ReceivedMessage? in
            guard object["event"] as? String == "message" else { return nil }
            let accepted = (object["accepted"] as? Bool) ?? false
            guard accepted || includingRejected else { return nil }
            let data = Data(base64Encoded: object["data_b64"] as? String ?? "") ?? Data()
            return ReceivedMessage(
                mailFrom: object["mail_from"] as? String ?? "", rcptTo: object["rcpt_to"] as? [String] ?? [],
                messageID: object["message_id"] as? String, data: [UInt8](data), tls: (object["tls"] as? Bool) ?? false,
                tlsVersion: object["tls_version"] as? String, user: object["user"] as? String,
                accepted: accepted, reply: object["reply"] as? String, fault: object["fault"] as? String,
                connection: object["conn"] as? Int ?? 0,
                time: Date(timeIntervalSince1970: object["time"] as? Double ?? 0))
        }
    }

    /// Every command line received (verbatim, without its CRLF), in order, over all connections.
    /// AUTH continuation lines (base64 answers to 334) are not commands and are left out.
    public func commands() throws -> [String] {
        try rawEvents().compactMap { $0["event"] as? String == "command" ? $0["line"] as? String : nil }
    }

    /// The command lines of each connection, in the order the connections were accepted.
    public func commandsByConnection() throws -> [[String]] {
        var byConnection: [Int: [String]] = [:]
        for object in try rawEvents() {
            guard let connection = object["conn"] as? Int else { continue }
            if object["event"] as? String == "connect" { byConnection[connection, default: []] = [] }
            if object["event"] as? String == "command", let line = object["line"] as? String {
                byConnection[connection, default: []].append(line)
            }
        }
        return byConnection.keys.sorted().map { byConnection[$0]! }
    }

    /// How many message bodies the server received so far (accepted or not), read incrementally
    /// from the log: cheap enough to poll every few milliseconds while thousands arrive.
    public func messageCount() throws -> Int {
        try counter.count(inLog: logPath)
    }

    /// How many connections the server accepted so far.
    public func connectionCount() throws -> Int {
        try rawEvents().filter { $0["event"] as? String == "connect" }.count
    }

    private func rawEvents() throws -> [[String: Any]] {
        try ServerProcess.events(inLog: logPath)
    }
}

/// Counts the "message" events of a growing JSON-lines log, reading only what was appended
/// since the last call.
private final class MessageCounter: Sendable {
    private struct State {
        var offset: UInt64 = 0
        var count = 0
        var partial: [UInt8] = []
    }

    private let state = Mutex(State())
    private static let marker = Array(#"{"event": "message""#.utf8)

    func count(inLog path: String) throws -> Int {
        try state.withLock { state in
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seek(toOffset: state.offset)
            let data = try handle.readToEnd() ?? Data()
            state.offset += UInt64(data.count)
            var line = state.partial
            for byte in data {
                if byte == UInt8(ascii: "\n") {
                    if line.starts(with: Self.marker) { state.count += 1 }
                    line.removeAll(keepingCapacity: true)
                } else {
                    line.append(byte)
                }
            }
            state.partial = line
            return state.count
        }
    }
}
