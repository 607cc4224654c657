internal import CCurl
import DurableFiles
import Mail

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One SMTP session, reused for message after message. libcurl only opens it
/// (`CURLOPT_CONNECT_ONLY`: connection, greeting, EHLO, STARTTLS, AUTH); the transactions
/// (MAIL FROM, RCPT TO, DATA, the dot-stuffed body) are spoken here over `curl_easy_send` /
/// `curl_easy_recv`, pipelined (RFC 2920) when the server offers PIPELINING: two round trips
/// per message instead of four, and the body with its final "." in one write.
///
/// Every read and write is bounded: by the transaction's deadline and the reply timeout,
/// checked on every read, and by `ReplyReader`'s limits on a reply's lines. Whatever goes
/// wrong ends the session with a classified outcome; `uncertain` only once the final "." of
/// the body was written and its answer never came.
///
/// Blocking and confined to one thread: `SMTPTransport` gives each of its worker threads a
/// connection of its own. C types stay inside this file.
final class SMTPConnection {
    private let handle: UnsafeMutableRawPointer
    private let transactionTimeoutMs: Int
    /// Each wait for a reply, and for a write to make progress (at most the transaction's limit).
    private let replyTimeoutMs: Int
    /// The session is open and in a clean state (between transactions).
    private var connected = false
    private var socket: curl_socket_t = -1
    /// The server's last EHLO (after STARTTLS, when any) offered PIPELINING.
    private var pipelining = false
    /// The server's last EHLO offered SIZE (RFC 1870): MAIL FROM then declares the size.
    private var sizeOffered = false
    /// The largest message the server takes, when its SIZE keyword gave one.
    private var sizeLimit: Int?
    /// What each timeout says, made once (not per read).
    private let transactionTimedOut: String
    private let replyTimedOut: String
    private let writeStalled: String
    private let connectReplies = ConnectReplies()
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var input = ReplyReader()

    init(settings: SMTPSettings) throws(SMTPConfigurationError) {
        try settings.validate()
        guard let handle = curl_easy_init() else { throw .curl("curl_easy_init failed") }
        self.handle = handle
        transactionTimeoutMs = max(1, settings.transactionTimeout.milliseconds)
        replyTimeoutMs = min(transactionTimeoutMs, max(1, settings.replyTimeout.milliseconds))
        transactionTimedOut = "timed out: the transaction took longer than \(Self.seconds(transactionTimeoutMs))"
        replyTimedOut = "no reply from the SMTP server within \(Self.seconds(replyTimeoutMs))"
        writeStalled = "the SMTP server took nothing for \(Self.seconds(replyTimeoutMs)) (it stopped reading)"
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        // The path of an SMTP URL is the name libcurl announces in EHLO.
        let base = settings.url.hasSuffix("/") ? String(settings.url.dropLast()) : settings.url
        try set(CURLOPT_URL, base + "/" + settings.heloName)
        try set(CURLOPT_CONNECT_ONLY, 1)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_CONNECTTIMEOUT_MS, settings.connectTimeout.milliseconds)
        try set(CURLOPT_TIMEOUT_MS, settings.transactionTimeout.milliseconds)
        // Each reply while libcurl connects (greeting, EHLO, STARTTLS, AUTH), in whole seconds.
        try set(CURLOPT_SERVER_RESPONSE_TIMEOUT, max(1, (replyTimeoutMs + 999) / 1000))
        try set(CURLOPT_MAXCONNECTS, 1)
        switch settings.tls {
        case .starttls, .implicit:
            // "All or fail", never "try": a server that refuses STARTTLS gets nothing in clear.
            try set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case .none:
            try set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
        }
        if let file = settings.caCertificateFile { try set(CURLOPT_CAINFO, file) }
        // `validate()` made sure that credentials only go with TLS required.
        if let username = settings.username { try set(CURLOPT_USERNAME, username) }
        if let password = settings.password { try set(CURLOPT_PASSWORD, password) }
        try check(herald_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        // The replies libcurl reads while connecting (greeting, EHLO, STARTTLS, AUTH) reach the
        // header callback: that is where PIPELINING is seen.
        let state = Unmanaged.passUnretained(connectReplies).toOpaque()
        try check(
            herald_curl_easy_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, SMTPConnection.replyCallback),
            "CURLOPT_HEADERFUNCTION")
        try check(herald_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, state), "CURLOPT_HEADERDATA")
    }

    deinit {
        close()
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Runs one SMTP transaction (MAIL FROM, RCPT TO, DATA) and classifies how it ended.
    func send(_ message: OutgoingMessage) -> DeliveryOutcome {
        var mayRetry = connected
        while true {
            if !connected, let failure = connect() { return failure }
            switch transact(message) {
            case .done(let outcome):
                return outcome
            case .sessionClosed(let outcome):
                // A reused session the server had already closed (idle timeout, or a limit of
                // messages per session announced with 421): nothing was accepted, so one retry
                // on a new connection is safe.
                guard mayRetry else { return outcome }
                mayRetry = false
            }
        }
    }

    // MARK: - Session

    /// Opens a session through libcurl; `nil` when it is ready for MAIL FROM.
    private func connect() -> DeliveryOutcome? {
        errorBuffer[0] = 0
        connectReplies.reset()
        input = ReplyReader()
        _ = herald_curl_easy_setopt_long(handle, CURLOPT_FRESH_CONNECT, 1)
        let code = curl_easy_perform(handle)
        if code.rawValue != CURLE_OK.rawValue {
            var reply = 0
            _ = herald_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
            return SMTPOutcomeClassifier.classify(
                result: curlMessage(code), curlCode: Int(code.rawValue),
                lastReplyCode: reply, lastReplyText: connectReplies.replyText(for: reply))
        }
        var fd: curl_socket_t = -1
        guard herald_curl_easy_getinfo_socket(handle, &fd).rawValue == CURLE_OK.rawValue, fd >= 0 else {
            return .temporary(code: nil, text: "libcurl gave no socket for the SMTP connection")
        }
        socket = fd
        pipelining = connectReplies.pipelining
        sizeOffered = connectReplies.sizeOffered
        sizeLimit = connectReplies.sizeLimit
        connected = true
        return nil
    }

    /// Ends the session politely (QUIT, one second for its answer), when one is open; the next
    /// message would open a new one. libcurl sends no QUIT for a connect-only connection.
    func close() {
        guard connected else { return }
        let deadline = Deadline(ms: 1000, reason: "no answer to QUIT")
        if write(Array("QUIT\r\n".utf8), deadline: deadline) == nil { _ = readReply(deadline: deadline) }
        drop()
    }

    /// Ends a session whose state is unknown: the next message opens a new one. The socket is
    /// shut down first, so that libcurl, closing it later, cannot talk to the server.
    private func drop() {
        if connected && socket >= 0 { _ = shutdown(socket, Int32(SHUT_RDWR)) }
        connected = false
        socket = -1
    }

    private enum Result {
        case done(DeliveryOutcome)
        /// The session turned out closed before the server accepted anything: lost before any
        /// reply, or 421 to MAIL.
        case sessionClosed(DeliveryOutcome)
    }

    private func transact(_ message: OutgoingMessage) -> Result {
        let size = message.bytes.count
        if let sizeLimit, size > sizeLimit {
            // Nothing was written: the session stays clean for the next message.
            return .done(.permanent(
                code: 552,
                text: "5.3.4 the message is \(size) bytes, more than the \(sizeLimit) the server accepts (SIZE); nothing was sent"))
        }
        let deadline = Deadline(ms: transactionTimeoutMs, reason: transactionTimedOut)
        // The addresses were validated when they were made (no CR, LF or "<>" inside).
        var commands: [(name: String, bytes: [UInt8])] = [
            ("MAIL FROM", Array("MAIL FROM:<\(message.sender)>\(sizeOffered ? " SIZE=\(size)" : "")\r\n".utf8))
        ]
        for recipient in message.recipients { commands.append(("RCPT TO", Array("RCPT TO:<\(recipient)>\r\n".utf8))) }
        commands.append(("DATA", Array("DATA\r\n".utf8)))
        var lastReply: Reply?
        var finalDotWritten = false

        /// The connection failed: before the final dot was written, nothing can have been
        /// delivered (temporary); after, the message may have been (uncertain).
        func lost(_ error: String) -> Result {
            drop()
            let outcome = SMTPOutcomeClassifier.classify(
                result: error, curlCode: 0, lastReplyCode: lastReply?.code ?? 0, lastReplyText: lastReply?.line ?? "",
                awaitingFinalReply: finalDotWritten)
            return lastReply == nil ? .sessionClosed(outcome) : .done(outcome)
        }
        /// A reply that is not the one expected: 4xx temporary, 5xx permanent, anything else
        /// (354 to MAIL or RCPT, 250 to DATA) a broken server, temporary.
        func refused(_ reply: Reply, to command: String, first: Bool) -> Result {
            drop()
            let outcome = SMTPOutcomeClassifier.classify(
                result: "unexpected reply to \(command): \(reply.line)", curlCode: 0, lastReplyCode: reply.code,
                lastReplyText: reply.line)
            return first && reply.code == 421 ? .sessionClosed(outcome) : .done(outcome)
        }

        if pipelining {
            // MAIL, every RCPT and DATA in one write; then their replies, in order.
            if let error = write(commands.flatMap(\.bytes), deadline: deadline) { return lost(error) }
        }
        for (index, command) in commands.enumerated() {
            if !pipelining, let error = write(command.bytes, deadline: deadline) { return lost(error) }
            let reply: Reply
            switch readReply(deadline: deadline) {
            case .failure(let error): return lost(error.message)
            case .success(let received): reply = received
            }
            let first = lastReply == nil
            lastReply = reply
            let isData = index == commands.count - 1
            if isData ? reply.code != 354 : !(200..<300).contains(reply.code) {
                // A failed MAIL or RCPT: the replies still due are dropped with the session.
                return refused(reply, to: command.name, first: first)
            }
        }
        if let error = write(Self.dataBlock(message.bytes), deadline: deadline) { return lost(error) }
        finalDotWritten = true
        switch readReply(deadline: deadline) {
        case .failure(let error):
            return lost(error.message)
        case .success(let reply):
            lastReply = reply
            if (200..<300).contains(reply.code) {
                return .done(SMTPOutcomeClassifier.classify(
                    result: nil, curlCode: 0, lastReplyCode: reply.code, lastReplyText: reply.line))
            }
            if (400..<600).contains(reply.code) { return refused(reply, to: "the end of the message", first: false) }
            // Neither accepted nor refused: as good as no answer.
            return lost("unexpected reply to the end of the message: \(reply.line)")
        }
    }

    private static func seconds(_ milliseconds: Int) -> String {
        milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }

    /// The message dot-stuffed (a "." that starts a line, after CRLF, is doubled, as libcurl
    /// does), a CRLF added when it does not end with one, and the final ".\r\n".
    static func dataBlock(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let count = buffer.count
            var start = 0  // first byte not yet copied
            var searchFrom = 0
            while searchFrom < count,
                  let found = memchr(base + searchFrom, 0x2E, count - searchFrom) {
                let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if index == 0 || (index >= 2 && base[index - 2] == 0x0D && base[index - 1] == 0x0A) {
                    out.append(contentsOf: UnsafeBufferPointer(start: base + start, count: index - start))
                    out.append(0x2E)
                    start = index
                }
                searchFrom = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(start: base + start, count: count - start))
        }
        let endsWithCRLF = bytes.count >= 2 && bytes[bytes.count - 2] == 0x0D && bytes[bytes.count - 1] == 0x0A
        if !endsWithCRLF && !bytes.isEmpty { out.append(contentsOf: [0x0D, 0x0A]) }
        out.append(contentsOf: [0x2E, 0x0D, 0x0A])
        return out
    }

    // MARK: - I/O over libcurl's connection

    /// Writes all of `bytes`; an error message on failure. Fails when the transaction's
    /// deadline passes or when the server takes nothing for the reply timeout (it stopped
    /// reading).
    private func write(_ bytes: [UInt8], deadline: Deadline) -> String? {
        var offset = 0
        var progress = deadline.earliest(stalledWriteDeadline())
        while offset < bytes.count {
            if progress.remainingMs == 0 { return progress.reason }
            var sent = 0
            let code = bytes.withUnsafeBytes { raw in
                curl_easy_send(handle, raw.baseAddress! + offset, raw.count - offset, &sent)
            }
            if code.rawValue == CURLE_OK.rawValue {
                offset += sent
                if sent > 0 { progress = deadline.earliest(stalledWriteDeadline()) }
            } else if code.rawValue == CURLE_AGAIN.rawValue {
                if let error = wait(for: Int16(POLLOUT), deadline: progress) { return error }
            } else {
                return "sending to the SMTP server failed: \(String(cString: curl_easy_strerror(code)))"
            }
        }
        return nil
    }

    private func stalledWriteDeadline() -> Deadline {
        Deadline(ms: replyTimeoutMs, reason: writeStalled)
    }

    /// The next complete reply (multi-line replies joined; its last line kept as the text),
    /// within the reply timeout and the transaction's deadline, checked before every read: a
    /// server that keeps sending cannot hold the connection past them.
    private func readReply(deadline: Deadline) -> Swift.Result<Reply, ReplyError> {
        let deadline = deadline.earliest(Deadline(ms: replyTimeoutMs, reason: replyTimedOut))
        while true {
            do {
                if let reply = try input.nextReply() { return .success(reply) }
            } catch {
                return .failure(error)
            }
            if deadline.remainingMs == 0 { return .failure(ReplyError(deadline.reason)) }
            let count = input.withFreeSpace(4096) { buffer, capacity -> Int in
                var received = 0
                let code = curl_easy_recv(handle, buffer, capacity, &received)
                if code.rawValue == CURLE_OK.rawValue { return received == 0 ? -2 : received }
                if code.rawValue == CURLE_AGAIN.rawValue { return -1 }
                return -3 - Int(code.rawValue)
            }
            switch count {
            case -1:
                if let error = wait(for: Int16(POLLIN), deadline: deadline) { return .failure(ReplyError(error)) }
            case -2:
                return .failure(ReplyError("the SMTP server closed the connection"))
            case ..<(-2):
                let code = CURLcode(rawValue: UInt32(-3 - count))
                return .failure(ReplyError("reading from the SMTP server failed: \(String(cString: curl_easy_strerror(code)))"))
            default:
                break
            }
        }
    }

    /// Waits until the socket is ready for `events`; the deadline's reason when it passes first.
    private func wait(for events: Int16, deadline: Deadline) -> String? {
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        while true {
            let remaining = deadline.remainingMs
            guard remaining > 0 else { return deadline.reason }
            let ready = poll(&descriptor, 1, Int32(min(remaining, Int(Int32.max))))
            if ready > 0 { return nil }  // readable, writable, or an error the next call reports
            if ready < 0 && errno != EINTR { return "poll failed: \(SystemError(errno))" }
        }
    }

    private func curlMessage(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    // MARK: - Options

    private func set(_ option: CURLoption, _ value: Int) throws(SMTPConfigurationError) {
        try check(herald_curl_easy_setopt_long(handle, option, value), "option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, _ value: String) throws(SMTPConfigurationError) {
        let result = value.withCString { herald_curl_easy_setopt_string(handle, option, $0) }
        try check(result, "option \(option.rawValue)")
    }

    private func check(_ result: CURLcode, _ what: String) throws(SMTPConfigurationError) {
        guard result.rawValue == CURLE_OK.rawValue else {
            throw .curl("libcurl refused \(what): \(String(cString: curl_easy_strerror(result)))")
        }
    }

    private static let replyCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, userdata in
        guard let data, let userdata else { return size * count }
        Unmanaged<ConnectReplies>.fromOpaque(userdata).takeUnretainedValue().reply(data, length: size * count)
        return size * count
    }
}

/// What the server said while libcurl connected: the EHLO keywords Herald uses (PIPELINING,
/// SIZE) from its last EHLO, and the last lines (for the outcome of a failed connection).
private final class ConnectReplies {
    private(set) var pipelining = false
    private(set) var sizeOffered = false
    private(set) var sizeLimit: Int?
    private var replies: [String] = []

    func reset() {
        pipelining = false
        sizeOffered = false
        sizeLimit = nil
        replies.removeAll(keepingCapacity: true)
    }

    func replyText(for code: Int) -> String {
        let prefix = String(code)
        return replies.last { $0.hasPrefix(prefix) } ?? replies.last ?? ""
    }

    func reply(_ data: UnsafeMutablePointer<CChar>, length: Int) {
        var bytes = UnsafeRawBufferPointer(start: data, count: length)[...]
        while let last = bytes.last, last == 0x0D || last == 0x0A { bytes = bytes.dropLast() }
        // Kept for error messages only: no more than a reply line's worth.
        let line = String(decoding: bytes.prefix(ReplyReader.maximumLineLength), as: UTF8.self)
        // A 220 (greeting, or "ready to start TLS") precedes a new EHLO: forget the old one.
        if line.hasPrefix("220") {
            pipelining = false
            sizeOffered = false
            sizeLimit = nil
        }
        if line.hasPrefix("250"), line.utf8.count >= 4 {
            let words = line.dropFirst(4).split(separator: " ", omittingEmptySubsequences: true)
            switch words.first?.uppercased() {
            case "PIPELINING":
                pipelining = true
            case "SIZE":
                // "SIZE" alone or "SIZE 0": the extension without a fixed limit (RFC 1870).
                sizeOffered = true
                sizeLimit = words.count > 1 ? Int(words[1]).flatMap { $0 > 0 ? $0 : nil } : nil
            default:
                break
            }
        }
        if replies.count == 16 { replies.removeFirst() }
        replies.append(line)
    }
}

/// A point in time on the monotonic clock, and what to say when it passes.
private struct Deadline {
    private let end: ContinuousClock.Instant
    let reason: String

    init(ms: Int, reason: String) {
        end = .now + .milliseconds(ms)
        self.reason = reason
    }

    /// Whichever of the two passes first.
    func earliest(_ other: Deadline) -> Deadline { other.end < end ? other : self }

    /// Milliseconds left, 0 once passed (at least 1 while any time is left).
    var remainingMs: Int {
        let left = ContinuousClock.now.duration(to: end)
        return left <= .zero ? 0 : max(1, left.milliseconds)
    }
}
