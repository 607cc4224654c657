import Foundation
import Synchronization

/// Delivers into a Maildir: each message is written to `tmp/`, flushed, then renamed into
/// `new/`, so a mail reader never sees a partial message. The sample configuration's
/// transport, so that a first run needs no mail server.
public final class MaildirTransport: MailTransport {
    public let directory: URL
    private let counter = Mutex(0)
    private let hostName: String

    /// Creates `tmp/`, `new/` and `cur/` under `directory` if needed.
    public init(directory: URL) throws(MaildirError) {
        self.directory = directory
        for folder in ["tmp", "new", "cur"] {
            do {
                try FileManager.default.createDirectory(
                    at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
            } catch {
                throw MaildirError(path: directory.appendingPathComponent(folder).path, reason: error.localizedDescription)
            }
        }
        hostName = (ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost")
            .replacingOccurrences(of: "/", with: "\\057").replacingOccurrences(of: ":", with: "\\072")
    }

    public func send(_ message: OutgoingMessage) async -> DeliveryOutcome {
        await withCheckedContinuation { continuation in
            // File writes block: a thread of their own, not the cooperative pool.
            Thread.detachNewThread { continuation.resume(returning: self.deliver(message)) }
        }
    }

    public func sendAll(_ messages: [OutgoingMessage]) -> [DeliveryOutcome] {
        messages.map(deliver)
    }

    /// The path of the message in `new/` after a successful delivery, by unique name.
    func deliver(_ message: OutgoingMessage) -> DeliveryOutcome {
        let sequence = counter.withLock { value in
            value += 1
            return value
        }
        let now = Date().timeIntervalSince1970
        let name = "\(Int(now)).M\(Int((now - now.rounded(.down)) * 1e6))P\(getpid())Q\(sequence).\(hostName)"
        let temporary = directory.appendingPathComponent("tmp").appendingPathComponent(name).path
        let final = directory.appendingPathComponent("new").appendingPathComponent(name).path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return .temporary(code: nil, text: "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var offset = 0
        while offset < message.bytes.count {
            let written = message.bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(descriptor)
                unlink(temporary)
                return .temporary(code: nil, text: "cannot write \(temporary): \(reason)")
            }
            offset += written
        }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard synced, rename(temporary, final) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return .temporary(code: nil, text: "cannot deliver into \(final): \(reason)")
        }
        return .sent(code: 250, text: "delivered to \(final)")
    }
}

/// The Maildir cannot be created.
public struct MaildirError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason); check mail.transport.directory" }
}
