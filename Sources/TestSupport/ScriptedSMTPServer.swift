import Foundation

/// A misbehaving SMTP server for the SMTP client's robustness tests:
/// `Tests/Support/scripted_smtp_server.py` (raw asyncio sockets, no SMTP library) in a child
/// process, on 127.0.0.1 and a free port, with its JSON event log in a temporary folder.
///
/// ```swift
/// let server = try ScriptedSMTPServer(.init(fault: .endlessLine))
/// defer { server.stop() }
/// // … send to server.url, then look at server.commands() …
/// ```
///
/// It takes messages like a server should, except for its one `fault`, which starts after the
/// first `faultSkip` MAIL commands (counted over all connections).
public final class ScriptedSMTPServer: Sendable {
    /// How the server misbehaves (the script's `--fault`).
    public enum Fault: String, Sendable, CaseIterable {
        /// Sends the 220 greeting, then never answers anything.
        case silentGreeting = "silent-greeting"
        /// Never answers MAIL.
        case silentAfterMail = "silent-after-mail"
        /// Takes the whole body, then never answers.
        case silentAfterDot = "silent-after-dot"
        /// Answers MAIL with "250 " and a line that never ends.
        case endlessLine = "endless-line"
        /// Answers MAIL with "250-…" continuation lines that never end, as fast as it can.
        case endlessContinuation = "endless-continuation"
        /// Answers MAIL with one "250-…" line every 50 ms, forever.
        case trickleContinuation = "trickle-continuation"
        /// Answers MAIL with 354.
        case startMailInputToMail = "354-to-mail"
        /// Answers RCPT with 354.
        case startMailInputToRcpt = "354-to-rcpt"
        /// Resets the connection (RST) when MAIL arrives.
        case resetAfterMail = "reset-after-mail"
        /// Answers DATA with 354, then stops reading.
        case bodyNotRead = "body-not-read"
        /// Closes the connection right after accepting a message (no 421).
        case closeAfterMessage = "close-after-message"
    }

    public struct Options: Sendable {
        public var fault: Fault?
        /// MAIL commands served normally before the fault starts.
        public var faultSkip: Int
        /// Extra EHLO keywords, such as "PIPELINING", "SIZE 1000" or "AUTH PLAIN LOGIN".
        public var ehlo: [String]
        /// Seconds to wait before each reply to MAIL, RCPT, DATA and the final dot.
        public var replyDelay: Double?

        public init(fault: Fault? = nil, faultSkip: Int = 0, ehlo: [String] = [], replyDelay: Double? = nil) {
            self.fault = fault
            self.faultSkip = faultSkip
            self.ehlo = ehlo
            self.replyDelay = replyDelay
        }
    }

    /// One message body the server took (up to its final dot).
    public struct Message: Sendable {
        public var connection: Int
        public var mailFrom: String
        public var rcptTo: [String]
        /// Dot-unstuffed, without the final ".\r\n".
        public var data: [UInt8]
    }

    public let port: Int
    public let options: Options
    /// The JSON-lines event log.
    public let logPath: String
    private let directory: TemporaryDirectory
    private let process: ServerProcess

    /// "smtp://127.0.0.1:PORT".
    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// Starts the server and waits (up to `timeout` seconds) until it listens.
    public init(_ options: Options = .init(), timeout: Double = 10) throws {
        let directory = try TemporaryDirectory(prefix: "herald-scripted-smtp")
        let logPath = directory.url.appendingPathComponent("events.jsonl").path
        var arguments = [
            Repository.root.appendingPathComponent("Tests/Support/scripted_smtp_server.py").path,
            "--port", "0", "--log", logPath, "--fault-skip", String(options.faultSkip),
        ]
        if let fault = options.fault { arguments += ["--fault", fault.rawValue] }
        for keyword in options.ehlo { arguments += ["--ehlo", keyword] }
        if let delay = options.replyDelay { arguments += ["--reply-delay", String(delay)] }
        let process: ServerProcess
        do {
            process = try ServerProcess(
                arguments: arguments, stderrPath: directory.url.appendingPathComponent("stderr.txt").path, timeout: timeout)
        } catch {
            directory.remove()
            throw error
        }
        self.port = process.port
        self.options = options
        self.logPath = logPath
        self.directory = directory
        self.process = process
    }

    deinit {
        process.stop()
        directory.remove()
    }

    /// Stops the server (idempotent); the log stays readable until the object goes away.
    public func stop() {
        process.stop()
    }

    /// What the server wrote on stderr (Python tracebacks).
    public func stderr() -> String {
        process.stderr()
    }

    /// Every command line received (verbatim, without its line end), over all connections.
    public func commands() throws -> [String] {
        try events().compactMap { $0["event"] as? String == "command" ? $0["line"] as? String : nil }
    }

    /// The lines of every AUTH exchange (the command and the client's answers): empty when
    /// no credentials were sent.
    public func authLines() throws -> [String] {
        try events().compactMap { $0["event"] as? String == "auth" ? $0["line"] as? String : nil }
    }

    /// How many connections the server accepted so far.
    public func connectionCount() throws -> Int {
        try events().filter { $0["event"] as? String == "connect" }.count
    }

    /// The kinds of the faults injected so far ("endless-line", "endless-line-ended", …).
    public func faults() throws -> [String] {
        try events().compactMap { $0["event"] as? String == "fault" ? $0["kind"] as? String : nil }
    }

    /// The message bodies the server took, in order.
    public func messages() throws -> [Message] {
        try events().compactMap { object -> Message? in
            guard object["event"] as? String == "message" else { return nil }
            return Message(
                connection: object["conn"] as? Int ?? 0, mailFrom: object["mail_from"] as? String ?? "",
                rcptTo: object["rcpt_to"] as? [String] ?? [],
                data: [UInt8](Data(base64Encoded: object["data_b64"] as? String ?? "") ?? Data()))
        }
    }

    /// Every event logged so far, in order, as decoded JSON objects.
    public func events() throws -> [[String: Any]] {
        try ServerProcess.events(inLog: logPath)
    }
}
