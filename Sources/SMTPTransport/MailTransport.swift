import Mail

/// Something that can hand a message to the mail system: SMTP through libcurl, or a Maildir.
///
/// Every call returns exactly one `DeliveryOutcome` and never throws: a transport problem is
/// an outcome too, classified so that the caller knows whether to retry.
public protocol MailTransport: Sendable {
    /// Delivers one message. Suspends the caller; the blocking work runs on threads owned by
    /// the transport, never on the cooperative pool.
    func send(_ message: OutgoingMessage) async -> DeliveryOutcome

    /// Delivers many messages, as fast as the transport's concurrency and rate limit allow.
    /// Outcomes are in the order of `messages`. Blocks the calling thread.
    func sendAll(_ messages: [OutgoingMessage]) -> [DeliveryOutcome]

    /// Runs `lane` on each of the transport's threads at once, giving it a function that sends
    /// one message from that thread, synchronously, under the transport's rate limit; returns
    /// when every lane has returned. A lane loops: it takes its next piece of work, makes the
    /// message and sends it, all on one thread, with no hand-off per message. On a transport
    /// that is shut down, no lane runs.
    func runLanes(_ lane: @escaping @Sendable (_ send: (OutgoingMessage) -> DeliveryOutcome) -> Void) async
}

/// A message ready for the wire: its envelope and its RFC 5322 bytes (CRLF line endings).
public struct OutgoingMessage: Sendable {
    /// `MAIL FROM`.
    public var sender: EmailAddress
    /// `RCPT TO`, usually one personalised recipient.
    public var recipients: [EmailAddress]
    /// The message, headers and body, with CRLF line endings; not dot-stuffed (the SMTP
    /// transport does it).
    public var bytes: [UInt8]

    public init(sender: EmailAddress, recipients: [EmailAddress], bytes: [UInt8]) {
        self.sender = sender
        self.recipients = recipients
        self.bytes = bytes
    }
}

/// What became of one message.
public enum DeliveryOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The server accepted the message (its final reply, usually 250).
    case sent(code: Int, text: String)
    /// Refused for now: a 4xx reply, or a network or TLS failure before the message body was
    /// sent. Retry later.
    case temporary(code: Int?, text: String)
    /// Refused for good: a 5xx reply. Do not retry.
    case permanent(code: Int, text: String)
    /// The connection failed after the body was sent and before the server's final reply: the
    /// message may or may not have been accepted.
    case uncertain(text: String)

    /// Whether the server took the message.
    public var isSent: Bool {
        if case .sent = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .sent(let code, let text): return "sent: \(code) \(text)"
        case .temporary(let code, let text): return "temporary failure: \(code.map { "\($0) " } ?? "")\(text)"
        case .permanent(let code, let text): return "permanent failure: \(code) \(text)"
        case .uncertain(let text): return "uncertain: \(text)"
        }
    }
}
