import Testing
@testable import SMTPTransport

/// The reply parser alone: bounds, pipelined replies, replies split over reads.
@Suite struct ReplyReaderTests {
    /// Appends `text` as one read.
    static func feed(_ reader: inout ReplyReader, _ text: String) {
        let bytes = Array(text.utf8)
        let count = reader.withFreeSpace(bytes.count) { buffer, capacity in
            bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: capacity) }
            return capacity
        }
        #expect(count == bytes.count)
    }

    @Test func pipelinedRepliesComeOneByOne() throws {
        var reader = ReplyReader()
        Self.feed(&reader, "250 2.1.0 Ok\r\n250-first\r\n250-second\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n")
        let replies = try (0..<3).map { _ in try reader.nextReply() }
        #expect(replies.map { $0?.code } == [250, 250, 354])
        #expect(replies.map { $0?.line } == ["250 2.1.0 Ok", "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>"])
        #expect(try reader.nextReply() == nil)
    }

    @Test func replySplitOverReads() throws {
        var reader = ReplyReader()
        for piece in ["2", "50-a", "\r", "\n250", " 2.0.0 Ok: queued\r"] {
            Self.feed(&reader, piece)
            #expect(try reader.nextReply() == nil)
        }
        Self.feed(&reader, "\n")
        let reply = try reader.nextReply()
        #expect(reply?.code == 250)
        #expect(reply?.line == "250 2.0.0 Ok: queued")
    }

    @Test func bareCodeAndLFOnlyLinesAreReplies() throws {
        var reader = ReplyReader()
        Self.feed(&reader, "250\n421 4.7.0 closing\n")
        #expect(try reader.nextReply()?.line == "250")
        #expect(try reader.nextReply()?.code == 421)
    }

    @Test func lineLengthIsBounded() throws {
        let limit = ReplyReader.maximumLineLength
        var reader = ReplyReader()
        Self.feed(&reader, "250 " + String(repeating: "a", count: limit - 4) + "\r\n")
        #expect(try reader.nextReply()?.line.utf8.count == limit)

        // Too long, whole in one read or arriving without its end.
        var whole = ReplyReader()
        Self.feed(&whole, "250 " + String(repeating: "a", count: limit - 3) + "\r\n")
        #expect(throws: ReplyError.self) { try whole.nextReply() }
        var endless = ReplyReader()
        Self.feed(&endless, "250 " + String(repeating: "a", count: limit))
        #expect(throws: ReplyError.self) { try endless.nextReply() }
    }

    @Test func linesPerReplyAreBounded() throws {
        let limit = ReplyReader.maximumLines
        var reader = ReplyReader()
        Self.feed(&reader, String(repeating: "250-more\r\n", count: limit - 1) + "250 last\r\n")
        #expect(try reader.nextReply()?.line == "250 last")

        var endless = ReplyReader()
        // Fed in reads, as a server would send them: the lines before the last are dropped
        // as they complete, and the count goes on across reads.
        for _ in 0..<(limit - 1) / 9 {
            Self.feed(&endless, String(repeating: "250-more\r\n", count: 9))
            #expect(try endless.nextReply() == nil)
        }
        Self.feed(&endless, String(repeating: "250-more\r\n", count: (limit - 1) % 9 + 1))
        #expect(throws: ReplyError.self) { try endless.nextReply() }
    }

    @Test(arguments: ["25 short\r\n", "abc text\r\n", "250_text\r\n", "\r\n"])
    func malformedLinesAreErrors(_ line: String) {
        var reader = ReplyReader()
        Self.feed(&reader, line)
        #expect(throws: ReplyError.self) { try reader.nextReply() }
    }
}

extension Reply: Equatable {
    public static func == (a: Reply, b: Reply) -> Bool { a.code == b.code && a.line == b.line }
}
