/// The rules of RFC 2045 §6.7 that an encoded body must follow, checked independently of
/// the encoder: returns a description of each broken rule (empty when all hold).
enum QuotedPrintableRules {
    static func violations(_ encoded: [UInt8]) -> [String] {
        var problems: [String] = []
        var lineStart = 0
        var index = 0
        func isHex(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) }
        while index < encoded.count {
            let byte = encoded[index]
            if byte == 0x0D {
                guard index + 1 < encoded.count, encoded[index + 1] == 0x0A else {
                    problems.append("lone CR at \(index)")
                    index += 1
                    continue
                }
                let length = index - lineStart
                if length > 76 { problems.append("line of \(length) characters at \(lineStart)") }
                if index > lineStart, encoded[index - 1] == 0x20 || encoded[index - 1] == 0x09 {
                    problems.append("whitespace before a line break at \(index - 1)")
                }
                index += 2
                lineStart = index
                continue
            }
            if byte == 0x0A { problems.append("lone LF at \(index)") }
            if byte == 0x3D {
                let softBreak = index + 2 < encoded.count && encoded[index + 1] == 0x0D && encoded[index + 2] == 0x0A
                let escape = index + 2 < encoded.count && isHex(encoded[index + 1]) && isHex(encoded[index + 2])
                if !softBreak && !escape { problems.append("'=' not followed by two hex digits or CRLF at \(index)") }
            } else if !(0x21...0x7E).contains(byte) && byte != 0x20 && byte != 0x09 {
                problems.append("raw byte \(byte) at \(index)")
            }
            index += 1
        }
        if encoded.count - lineStart > 76 { problems.append("last line of \(encoded.count - lineStart) characters") }
        if let last = encoded.last, last == 0x20 || last == 0x09 { problems.append("whitespace at the end") }
        var previous: UInt8 = 0
        for byte in encoded {
            if previous == 0x3D && byte == 0x5F { problems.append("'=_' (a MIME boundary could occur)") }
            previous = byte
        }
        return problems
    }
}
