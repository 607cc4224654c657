/// The content of a text part (`text/plain` or `text/html`): text that serialization encodes
/// as quoted-printable, or bytes that `QuotedPrintableTemplate` already encoded.
///
/// There is no public way to pass encoded bytes in: everything a message carries went
/// through `QuotedPrintable`, so no text becomes raw MIME.
public struct BodyText: Sendable, Hashable, ExpressibleByStringLiteral {
    enum Storage: Sendable, Hashable {
        case text(String)
        case quotedPrintable([UInt8])
    }

    let storage: Storage

    /// Text in any line endings, encoded when the message is serialized.
    public init(_ text: String) {
        storage = .text(text)
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// Bytes that `QuotedPrintable` wrote.
    init(quotedPrintable bytes: [UInt8]) {
        storage = .quotedPrintable(bytes)
    }

    /// The part as a message carries it: quoted-printable, CRLF line breaks.
    public var encoded: [UInt8] {
        switch storage {
        case .text(let text): QuotedPrintable.encode(text)
        case .quotedPrintable(let bytes): bytes
        }
    }

    /// The most bytes this part takes once encoded.
    var maximumEncodedLength: Int {
        switch storage {
        case .text(let text): QuotedPrintable.maximumEncodedLength(of: text.utf8.count)
        case .quotedPrintable(let bytes): bytes.count
        }
    }

    /// Writes the encoded part into `out` (room for `maximumEncodedLength` bytes); returns how
    /// many bytes were written.
    func encode(into out: UnsafeMutableRawPointer?) -> Int {
        switch storage {
        case .text(var text):
            return text.withUTF8 { QuotedPrintable.encode($0, into: out) }
        case .quotedPrintable(let bytes):
            guard let out else { return 0 }
            bytes.withUnsafeBytes { out.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            return bytes.count
        }
    }
}
