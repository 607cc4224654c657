/// Where a message's header fields and body are.
struct DKIMMessageLayout {
    struct Field {
        /// Lowercased, without spaces before the colon.
        var name: String
        /// The whole field, continuation lines included, without its final CRLF.
        var range: Range<Int>
    }

    var fields: [Field] = []
    var bodyStart: Int

    init(_ message: [UInt8]) throws(DKIMError) {
        let cr = MailCharacters.carriageReturn
        let lf = MailCharacters.lineFeed
        let count = message.count
        // The end of the header section: the first CRLF CRLF, or a CRLF at the very start.
        var headerEnd = -1  // index of the blank line's CR
        if count >= 2, message[0] == cr, message[1] == lf {
            headerEnd = 0
        } else {
            var index = 1
            while index + 2 < count {
                if message[index] == lf, message[index - 1] == cr, message[index + 1] == cr, message[index + 2] == lf {
                    headerEnd = index + 1
                    break
                }
                index += 1
            }
        }
        guard headerEnd >= 0 else {
            let bareLF = message.indices.contains { message[$0] == lf && ($0 == 0 || message[$0 - 1] != cr) }
            throw .missingHeaderBodySeparator(hasBareLineFeeds: bareLF)
        }
        bodyStart = headerEnd + 2

        var lineStart = 0
        fields.reserveCapacity(24)
        while lineStart < headerEnd {
            var lineEnd = lineStart
            while !(message[lineEnd] == cr && message[lineEnd + 1] == lf) { lineEnd += 1 }
            if DKIMCanonicalization.isWSP(message[lineStart]) {
                guard !fields.isEmpty else {
                    throw .malformedHeaderField(String(decoding: message[lineStart..<lineEnd], as: UTF8.self))
                }
                fields[fields.count - 1].range = fields[fields.count - 1].range.lowerBound..<lineEnd
            } else {
                var nameEnd = lineStart
                while nameEnd < lineEnd, message[nameEnd] != MailCharacters.colon { nameEnd += 1 }
                let colon = nameEnd
                while nameEnd > lineStart, DKIMCanonicalization.isWSP(message[nameEnd - 1]) { nameEnd -= 1 }
                // A field name is printable ASCII without spaces (RFC 5322 §2.2); spaces before
                // the colon are the obsolete syntax, which relaxed canonicalisation removes.
                guard colon < lineEnd, nameEnd > lineStart,
                    message[lineStart..<nameEnd].allSatisfy({ $0 >= 33 && $0 <= 126 })
                else {
                    throw .malformedHeaderField(String(decoding: message[lineStart..<lineEnd], as: UTF8.self))
                }
                let name = String(unsafeUninitializedCapacity: nameEnd - lineStart) { buffer in
                    for offset in 0..<(nameEnd - lineStart) {
                        let byte = message[lineStart + offset]
                        buffer[offset] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                    }
                    return nameEnd - lineStart
                }
                fields.append(Field(name: name, range: lineStart..<lineEnd))
            }
            lineStart = lineEnd + 2
        }
    }
}
