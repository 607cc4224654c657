import Logging
import SMTPTransport

/// Confirmation mails waiting to go out, sent one after another by `run()`.
///
/// The form's answer never waits for the mail server (so its timing says nothing about the
/// address either): the request queues the message here and returns. The queue is bounded;
/// a message that finds it full is dropped and logged (a flood of sign-ups cannot grow memory,
/// and the subscriber can ask again).
final class ConfirmationOutbox: Sendable {
    typealias Send = @Sendable (OutgoingMessage) async -> DeliveryOutcome

    static let capacity = 256
    private let stream: AsyncStream<OutgoingMessage>
    private let continuation: AsyncStream<OutgoingMessage>.Continuation
    private let send: Send
    private let logger: Logger

    init(send: @escaping Send, logger: Logger) {
        (stream, continuation) = AsyncStream.makeStream(of: OutgoingMessage.self, bufferingPolicy: .bufferingOldest(Self.capacity))
        self.send = send
        self.logger = logger
    }

    func enqueue(_ message: OutgoingMessage) {
        if case .dropped = continuation.yield(message) {
            logger.warning("confirmation mail dropped: \(Self.capacity) are already waiting to be sent")
        }
    }

    /// Sends until cancelled (what is still queued then is dropped).
    func run() async {
        for await message in stream {
            let outcome = await send(message)
            if outcome.isSent {
                logger.info("confirmation mail sent", metadata: ["to": "\(message.recipients.first.map { "\($0.domain)" } ?? "")"])
            } else {
                logger.warning("confirmation mail not sent: \(outcome)", metadata: ["domain": "\(message.recipients.first?.domain ?? "")"])
            }
        }
    }
}
