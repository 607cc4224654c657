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

/// Received bytes not yet parsed into replies.
struct ReplyReader {
    private var buffer: [UInt8] = []
    private var start = 0

    /// Lets `body` append up to `capacity` bytes; it returns how many (or a negative status).
    mutating func withFreeSpace(_ capacity: Int, _ body: (UnsafeMutableRawPointer, Int) -> Int) -> Int {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: capacity))
        let result = buffer.withUnsafeMutableBytes { raw in body(raw.baseAddress! + old, capacity) }
        buffer.removeLast(capacity - max(0, result))
        return result
    }

    /// A complete reply at the front of the buffer, removed from it.
    mutating func nextReply() -> Reply? {
        var lineStart = start
        while let newline = buffer[lineStart...].firstIndex(of: 0x0A) {
            let line = buffer[lineStart..<newline]
            let isLast = line.count < 4 || line[line.startIndex + 3] != UInt8(ascii: "-")
            if isLast {
                var text = line
                while let last = text.last, last == 0x0D { text = text.dropLast() }
                let string = String(decoding: text, as: UTF8.self)
                start = newline + 1
                return Reply(code: Int(string.prefix(3)) ?? 0, line: string)
            }
            lineStart = newline + 1
        }
        return nil
    }
}
