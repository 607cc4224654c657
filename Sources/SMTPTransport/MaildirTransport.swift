import DurableFiles
import Foundation
import Synchronization

/// Delivers into a Maildir: each message is written to `tmp/`, flushed, then renamed into
/// `new/`, and `new/` itself is flushed, so a mail reader never sees a partial message and a
/// delivered one survives a power cut. The sample configuration's transport, so that a first
/// run needs no mail server.
///
/// `send` runs the file work on a small fixed pool of threads of the transport's own (never a
/// thread per message, never the cooperative pool); `sendAll` on the calling thread.
public final class MaildirTransport: MailTransport {
    /// The threads `send` uses.
    static let threads = 2

    public let directory: URL
    private let writer: Writer
    private let queue: JobQueue

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
        let hostName = (ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost")
            .replacingOccurrences(of: "/", with: "\\057").replacingOccurrences(of: ":", with: "\\072")
        let writer = Writer(directory: directory, hostName: hostName)
        self.writer = writer
        // Numbered per transport, so that each one's threads can be told apart (and counted).
        threadName = "herald-md\(Self.instances.add(1, ordering: .relaxed).newValue % 1000)"
        queue = JobQueue(workers: Self.threads, name: threadName)
    }

    deinit { queue.close() }

    /// The prefix of this transport's thread names (`herald-md7`).
    let threadName: String
    private static let instances = Atomic<Int>(0)

    public func send(_ message: OutgoingMessage) async -> DeliveryOutcome {
        await withCheckedContinuation { continuation in
            queue.add(.message({ message }, send: { [writer] in writer.deliver($1) }) { continuation.resume(returning: $0!) })
        }
    }

    public func runLanes(_ lane: @escaping @Sendable (_ send: (OutgoingMessage) -> DeliveryOutcome) -> Void) async {
        await queue.runOnEachWorker { [writer] _ in lane(writer.deliver) }
    }

    public func sendAll(_ messages: [OutgoingMessage]) -> [DeliveryOutcome] {
        messages.map(writer.deliver)
    }
}

/// Writes one message into the Maildir; shared by the pool's threads.
private final class Writer: Sendable {
    private let tmp: String
    private let new: String
    private let hostName: String
    private let counter = Mutex(0)

    init(directory: URL, hostName: String) {
        tmp = directory.appendingPathComponent("tmp").path
        new = directory.appendingPathComponent("new").path
        self.hostName = hostName
    }

    /// Delivers `message` under a unique name; the outcome names its path in `new/`.
    func deliver(_ message: OutgoingMessage) -> DeliveryOutcome {
        let sequence = counter.withLock { value in
            value += 1
            return value
        }
        let now = Date().timeIntervalSince1970
        let name = "\(Int(now)).M\(Int((now - now.rounded(.down)) * 1e6))P\(getpid())Q\(sequence).\(hostName)"
        let temporary = "\(tmp)/\(name)"
        let final = "\(new)/\(name)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return .temporary(code: nil, text: "cannot create \(temporary): \(SystemError(errno))") }
        do {
            try AtomicFile.write(message.bytes, to: descriptor, path: temporary, mode: nil)
        } catch {
            unlink(temporary)
            return .temporary(code: nil, text: error.description)
        }
        guard rename(temporary, final) == 0 else {
            let error = SystemError(errno)
            unlink(temporary)
            return .temporary(code: nil, text: "cannot move \(temporary) into \(new): \(error)")
        }
        do {
            try AtomicFile.syncFolder(new)
        } catch {
            // Mail readers already see it; whether it survives a power cut is unknown.
            return .uncertain(text: "delivered to \(final), but \(error)")
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
