#if canImport(Glibc)
import Glibc
#endif

/// A post file's bytes as text: validated UTF-8, byte-order mark dropped, line endings made `\n`.
struct SourceText {
    /// The text, with `\n` line endings only.
    let text: String

    /// Decodes `bytes`, or names the line and column of the first byte that is not UTF-8.
    static func decode(_ bytes: [UInt8]) -> Result<SourceText, SourcePosition> {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard let decoded = String(validating: body, as: UTF8.self) else {
            return .failure(firstInvalidPosition(in: body))
        }
        let hasCR = body.withUnsafeBytes { buffer in
            buffer.baseAddress.map { memchr($0, 0x0D, buffer.count) != nil } ?? false
        }
        guard hasCR else { return .success(SourceText(text: decoded)) }
        let normalized = decoded.replacingCRLF()
        return .success(SourceText(text: normalized))
    }

    /// Lines end at LF, CRLF or a lone CR, as in the decoded text.
    private static func firstInvalidPosition(in bytes: ArraySlice<UInt8>) -> SourcePosition {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var position = SourcePosition(line: 1, column: 1)
        var previousWasCR = false
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let byte = encoded.count == 1 ? encoded.first : nil
                if byte == 0x0A && previousWasCR {
                    previousWasCR = false  // the LF of a CRLF: the line was counted at the CR
                } else if byte == 0x0A || byte == 0x0D {
                    position.line += 1
                    position.column = 1
                    previousWasCR = byte == 0x0D
                } else {
                    position.column += 1
                    previousWasCR = false
                }
            case .emptyInput, .error:
                return position
            }
        }
    }
}

/// A 1-based line and column (in Unicode scalars).
struct SourcePosition: Error, Hashable {
    var line: Int
    var column: Int
}

extension String {
    /// `\r\n` and lone `\r` become `\n`.
    fileprivate func replacingCRLF() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var previousWasCR = false
        for byte in utf8 {
            if byte == 0x0D {
                bytes.append(0x0A)
                previousWasCR = true
                continue
            }
            if byte == 0x0A && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
