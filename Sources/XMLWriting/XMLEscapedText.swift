import CLibXML2

#if canImport(Glibc)
import Glibc
#endif

/// Character data already sanitised (`XMLCharacters`) and escaped by libxml2
/// (`xmlEncodeSpecialChars`), ready to be written into any number of documents.
public struct XMLEscapedText: Sendable, Hashable {
    /// The escaped UTF-8 bytes, without a terminating NUL.
    let bytes: [UInt8]

    /// Sanitises and escapes `text` once.
    public init(_ text: String) {
        XMLLibrary.ensureInitialized
        let clean = XMLCharacters.sanitized(text)
        var bytes: [UInt8] = []
        clean.withCString { pointer in
            pointer.withMemoryRebound(to: xmlChar.self, capacity: clean.utf8.count + 1) { characters in
                guard let escaped = xmlEncodeSpecialChars(nil, characters) else { return }
                defer { herald_xmlFree(escaped) }
                bytes = Array(UnsafeBufferPointer(start: escaped, count: strlen(UnsafeRawPointer(escaped).assumingMemoryBound(to: CChar.self))))
            }
        }
        self.bytes = bytes
    }
}
