#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The conversation with the server failed (a network error, a timeout, a malformed reply).
struct ReplyError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// One SMTP reply: its code and its last line (`250 2.0.0 Ok: queued`).
struct Reply {
    var code: Int
    var line: String
}

/// Received bytes not yet parsed into replies, bounded in size: a server that sends a line
/// that never ends, or continuation lines that never end, gets an error, never unbounded
/// memory or time.
///
/// RFC 5321 §4.5.3.1.5 allows 512 octets for a reply line; like Postfix (whose
/// `line_length_limit` is 2048), a longer line is tolerated up to `maximumLineLength`. A
/// multi-line reply may have at most `maximumLines` lines (an EHLO reply has a dozen). Each
/// received byte is searched for the end of line once: a read scans only what it added, and
/// the lines of a reply before its last are dropped as soon as they are complete.
struct ReplyReader {
    /// The longest reply line accepted, without its CRLF.
    static let maximumLineLength = 2048
    /// The most lines one reply may have.
    static let maximumLines = 1000

    private var buffer: [UInt8] = []
    /// Where each read lands before its bytes are appended to `buffer`: growing `buffer` by a
    /// zeroed block per read, then trimming it, cost 8 ms per message in debug builds.
    private var scratch: [UInt8] = []
    /// The first byte of the line being read; what precedes it was parsed.
    private var start = 0
    /// How many bytes from `start` are known to hold no LF.
    private var scanned = 0
    /// The lines of the current (multi-line) reply already read.
    private var lines = 0

    /// Lets `body` append up to `capacity` bytes; it returns how many (or a negative status).
    mutating func withFreeSpace(_ capacity: Int, _ body: (UnsafeMutableRawPointer, Int) -> Int) -> Int {
        if start > 0 {
            // What is left is at most one partial line and the bytes of the last read.
            if start == buffer.count { buffer.removeAll(keepingCapacity: true) } else { buffer.removeFirst(start) }
            start = 0
        }
        if scratch.count < capacity { scratch = [UInt8](repeating: 0, count: capacity) }
        let result = scratch.withUnsafeMutableBytes { raw in body(raw.baseAddress!, capacity) }
        if result > 0 { buffer.append(contentsOf: scratch[..<min(result, capacity)]) }
        return result
    }

    /// A complete reply at the front of the buffer, removed from it; `nil` when more bytes are
    /// needed. Throws when the reply breaks the bounds or is not an SMTP reply.
    mutating func nextReply() throws(ReplyError) -> Reply? {
        while true {
            guard let newline = Self.firstNewline(in: buffer, from: start + scanned) else {
                scanned = buffer.count - start
                // A CR may still come before the LF.
                if scanned > Self.maximumLineLength + 1 {
                    throw ReplyError("the SMTP server sent a reply line longer than \(Self.maximumLineLength) bytes")
                }
                return nil
            }
            var end = newline
            if end > start && buffer[end - 1] == 0x0D { end -= 1 }
            let length = end - start
            guard length <= Self.maximumLineLength else {
                throw ReplyError("the SMTP server sent a reply line longer than \(Self.maximumLineLength) bytes")
            }
            // "250", "250 text" or "250-text" (a line to be continued).
            let separator = length > 3 ? buffer[start + 3] : 0x20
            guard length >= 3, buffer[start..<start + 3].allSatisfy({ (0x30...0x39).contains($0) }),
                  separator == 0x20 || separator == 0x2D
            else {
                let shown = String(decoding: buffer[start..<start + min(length, 64)], as: UTF8.self)
                throw ReplyError("the SMTP server sent a malformed reply line: \(shown.debugDescription)")
            }
            let lineStart = start
            start = newline + 1
            scanned = 0
            lines += 1
            if separator == 0x2D {
                guard lines < Self.maximumLines else {
                    throw ReplyError("the SMTP server sent a reply of more than \(Self.maximumLines) lines")
                }
                continue
            }
            lines = 0
            let code = buffer[lineStart..<lineStart + 3].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            return Reply(code: code, line: String(decoding: buffer[lineStart..<end], as: UTF8.self))
        }
    }

    /// The index of the first LF at or after `from`.
    private static func firstNewline(in buffer: [UInt8], from: Int) -> Int? {
        guard from < buffer.count else { return nil }
        return buffer.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress, let found = memchr(base + from, 0x0A, bytes.count - from) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }
}
