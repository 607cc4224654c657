import Crypto

/// Where canonicalised bytes go: straight into a hash, or into an array (for tests).
protocol DKIMByteSink {
    mutating func write(_ bytes: UnsafeRawBufferPointer)
}

/// Feeds a SHA-256 hash.
struct DKIMHashingSink: DKIMByteSink {
    var hasher = SHA256()
    mutating func write(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }
}

/// Collects the bytes.
struct DKIMCollectingSink: DKIMByteSink {
    var bytes: [UInt8] = []
    mutating func write(_ bytes: UnsafeRawBufferPointer) { self.bytes.append(contentsOf: bytes) }
}

/// The "relaxed" canonicalisation algorithms of RFC 6376, over bytes.
///
/// - Header (§3.4.2): the name lowercased, folds removed, runs of spaces and tabs collapsed
///   to one space, spaces and tabs removed at the end of the value and around the colon.
/// - Body (§3.4.4): spaces and tabs removed at the end of lines, other runs collapsed to one
///   space, empty lines at the end removed; a non-empty body ends with CRLF.
///
/// A CR or LF that is not part of a CRLF pair is ordinary content, as in the RFC.
enum DKIMCanonicalization {

    @inline(__always) static func isWSP(_ byte: UInt8) -> Bool { byte == MailCharacters.space || byte == MailCharacters.tab }

    // MARK: Header fields

    /// Appends the relaxed form of one header field, `name:value` CRLF.
    ///
    /// `field` is the field as it appears in the message, continuation lines included, without
    /// its final CRLF. It must contain a colon.
    static func appendRelaxedHeader(_ field: ArraySlice<UInt8>, to output: inout [UInt8]) {
        guard let colonIndex = field.firstIndex(of: MailCharacters.colon) else {
            preconditionFailure("a header field without a colon reached canonicalisation")
        }
        var nameEnd = colonIndex
        while nameEnd > field.startIndex, isWSP(field[nameEnd - 1]) { nameEnd -= 1 }
        for byte in field[field.startIndex..<nameEnd] {
            output.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        output.append(MailCharacters.colon)
        var pendingSpace = false
        var wroteValue = false
        var index = colonIndex + 1
        let end = field.endIndex
        while index < end {
            let byte = field[index]
            if byte == MailCharacters.carriageReturn, index + 1 < end, field[index + 1] == MailCharacters.lineFeed {
                index += 2  // unfold
                continue
            }
            if isWSP(byte) {
                pendingSpace = true
            } else {
                if pendingSpace, wroteValue { output.append(MailCharacters.space) }
                pendingSpace = false
                wroteValue = true
                output.append(byte)
            }
            index += 1
        }
        output.append(MailCharacters.carriageReturn)
        output.append(MailCharacters.lineFeed)
    }

    /// The relaxed form of one header field (see `appendRelaxedHeader`).
    static func relaxedHeader(_ field: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        appendRelaxedHeader(field[...], to: &output)
        return output
    }

    // MARK: Body

    /// The relaxed form of a whole body.
    static func relaxedBody(_ body: [UInt8]) -> [UInt8] {
        var sink = DKIMCollectingSink()
        body.withUnsafeBufferPointer { canonicalizeRelaxedBody($0, into: &sink) }
        return sink.bytes
    }

    /// Writes the relaxed form of `body` into `sink`, in large chunks.
    ///
    /// One pass, no per-line state to carry: the end of the last non-blank line is found first
    /// (scanning back over spaces, tabs and CRLF pairs), so everything before it is kept, and
    /// empty lines at the end are simply never reached. Bytes are copied through a scratch
    /// buffer so that the sink sees a few large writes rather than one per line.
    static func canonicalizeRelaxedBody<Sink: DKIMByteSink>(_ body: UnsafeBufferPointer<UInt8>, into sink: inout Sink) {
        guard let base = body.baseAddress else { return }
        var last = body.count - 1
        while last >= 0 {
            let byte = base[last]
            if isWSP(byte) {
                last -= 1
            } else if byte == MailCharacters.lineFeed, last > 0, base[last - 1] == MailCharacters.carriageReturn {
                last -= 2
            } else {
                break
            }
        }
        if last < 0 { return }  // blank body: canonically empty
        let end = last + 1  // base[end - 1] is neither WSP nor the LF of a CRLF

        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16 * 1024) { scratch in
            var writer = ChunkWriter(scratch: scratch)
            var runStart = 0
            var index = 0
            while true {
                index = firstWSP(base, from: index, to: end)
                if index == end { break }
                let byte = base[index]
                var runEnd = index + 1
                while runEnd < end, isWSP(base[runEnd]) { runEnd += 1 }
                // runEnd < end: the body's last kept byte is not WSP.
                if base[runEnd] == MailCharacters.carriageReturn, runEnd + 1 < end, base[runEnd + 1] == MailCharacters.lineFeed {
                    // Spaces at the end of a line: drop them.
                    writer.write(base + runStart, index - runStart, to: &sink)
                    runStart = runEnd
                } else if runEnd - index > 1 || byte == MailCharacters.tab {
                    // A run inside a line: one space.
                    writer.write(base + runStart, index - runStart, to: &sink)
                    writer.writeByte(MailCharacters.space, to: &sink)
                    runStart = runEnd
                }
                index = runEnd
            }
            writer.write(base + runStart, end - runStart, to: &sink)
            writer.writeByte(MailCharacters.carriageReturn, to: &sink)
            writer.writeByte(MailCharacters.lineFeed, to: &sink)
            writer.flush(to: &sink)
        }
    }

    /// The index of the first space or tab in `base[start..<end]` that canonicalisation may
    /// change, or `end` (it may stop early, at a space that stays, never late). A lone space followed by a byte other than space, tab or CR never
    /// changes, so the common one between words is skipped eight bytes at a time: a word is
    /// compared with each character at once (a zero byte in `word ^ pattern` is a match).
    @inline(__always)
    private static func firstWSP(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let raw = UnsafeRawPointer(base)
        var index = start
        while index + 8 <= end {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let spaces = word ^ (ones &* UInt64(MailCharacters.space))
            let tabs = word ^ (ones &* UInt64(MailCharacters.tab))
            // Quick test: is there any space or tab at all (the classic has-a-zero-byte trick)?
            if ((spaces &- ones) & ~spaces | (tabs &- ones) & ~tabs) & (ones &* 0x80) == 0 {
                index += 8
                continue
            }
            // Byte i + 1 in lane i; past `end`, lane 7 is treated as special.
            let following = index + 8 < end ? UInt64(base[index + 8]) : UInt64(MailCharacters.space)
            let next = word >> 8 | following << 56
            let isSpace = zeroBytes(spaces)
            let isTab = zeroBytes(tabs)
            let nextIsSpecial =
                zeroBytes(next ^ (ones &* UInt64(MailCharacters.space))) | zeroBytes(next ^ (ones &* UInt64(MailCharacters.tab)))
                | zeroBytes(next ^ (ones &* UInt64(MailCharacters.carriageReturn)))
            let found = isTab | (isSpace & nextIsSpecial)
            if found != 0 { return index + found.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < end, base[index] != MailCharacters.space, base[index] != MailCharacters.tab { index += 1 }
        return index
    }

    /// The high bit of each byte of `x` that is zero, and no other bit (exact, no borrows).
    @inline(__always)
    private static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// Gathers small writes into a scratch buffer.
    private struct ChunkWriter {
        let scratch: UnsafeMutableBufferPointer<UInt8>
        var count = 0

        init(scratch: UnsafeMutableBufferPointer<UInt8>) { self.scratch = scratch }

        mutating func write<Sink: DKIMByteSink>(_ start: UnsafePointer<UInt8>, _ length: Int, to sink: inout Sink) {
            if length == 0 { return }
            if count + length > scratch.count {
                flush(to: &sink)
                if length >= scratch.count {
                    sink.write(UnsafeRawBufferPointer(start: start, count: length))
                    return
                }
            }
            (scratch.baseAddress! + count).update(from: start, count: length)
            count += length
        }

        mutating func writeByte<Sink: DKIMByteSink>(_ byte: UInt8, to sink: inout Sink) {
            if count == scratch.count { flush(to: &sink) }
            scratch[count] = byte
            count += 1
        }

        mutating func flush<Sink: DKIMByteSink>(to sink: inout Sink) {
            if count == 0 { return }
            sink.write(UnsafeRawBufferPointer(start: scratch.baseAddress!, count: count))
            count = 0
        }
    }
}
