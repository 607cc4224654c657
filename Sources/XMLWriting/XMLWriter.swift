internal import CLibXML2

/// Writes one XML document into memory through libxml2's `xmlTextWriter`.
///
/// Every piece of text and every attribute value passes through `XMLCharacters.sanitized`
/// first: libxml2 2.9 escapes markup characters but passes control characters, U+FFFE/U+FFFF
/// straight through, which would make the document unparsable.
///
/// Not `Sendable`: one writer belongs to one thread, for one document.
public final class XMLWriter {
    private let output: Output
    private let writer: xmlTextWriterPtr

    /// Starts an empty UTF-8 document.
    /// - Parameters:
    ///   - indent: indent nested elements by two spaces (only for element-only content).
    ///   - expectedSize: bytes to reserve for the document, so that a large one is not grown
    ///     (and copied) step by step.
    public init(indent: Bool = true, expectedSize: Int = 0) throws(XMLWriterError) {
        XMLLibrary.ensureInitialized
        let output = Output(capacity: expectedSize)
        // libxml2 hands the document to `Output` in chunks as it goes: the document is built
        // once, in the Swift array `finish()` returns, not in a buffer of libxml2's copied out.
        guard let buffer = xmlOutputBufferCreateIO(
            { context, chunk, length in
                guard let context, let chunk, length >= 0 else { return -1 }
                Unmanaged<Output>.fromOpaque(context).takeUnretainedValue().append(chunk, Int(length))
                return length
            },
            { _ in 0 }, Unmanaged.passUnretained(output).toOpaque(), nil)
        else { throw .outOfMemory }
        // The writer owns the output buffer from here on, and frees it.
        guard let writer = xmlNewTextWriter(buffer) else {
            xmlOutputBufferClose(buffer)
            throw .outOfMemory
        }
        self.output = output
        self.writer = writer
        if indent {
            // Both return -1 only on a NULL writer or when the indent string cannot be copied.
            try check(xmlTextWriterSetIndent(writer, 1), "turn indentation on")
            try check("  ".withXMLString { xmlTextWriterSetIndentString(writer, $0) }, "set the indentation")
        }
    }

    deinit {
        xmlFreeTextWriter(writer)
    }

    /// The document's bytes as libxml2 writes them out.
    private final class Output {
        var bytes: [UInt8] = []

        init(capacity: Int) { bytes.reserveCapacity(max(capacity, 4096)) }

        func append(_ chunk: UnsafePointer<CChar>, _ length: Int) {
            chunk.withMemoryRebound(to: UInt8.self, capacity: length) {
                bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
            }
        }
    }

    /// `<?xml version="1.0" encoding="UTF-8"?>`.
    public func startDocument() throws(XMLWriterError) {
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "start the document")
    }

    /// Opens `<name`; attributes may follow until content is written.
    public func startElement(_ name: String) throws(XMLWriterError) {
        try check(name.withXMLString { xmlTextWriterStartElement(writer, $0) }, "open <\(name)>")
    }

    /// Writes `name="value"` on the element just opened, escaping the value.
    public func attribute(_ name: String, _ value: String) throws(XMLWriterError) {
        let clean = XMLCharacters.sanitized(value)
        let rc = name.withXMLString { xmlName in
            clean.withXMLString { xmlTextWriterWriteAttribute(writer, xmlName, $0) }
        }
        try check(rc, "write attribute \(name)")
    }

    /// Writes escaped character data.
    public func text(_ text: String) throws(XMLWriterError) {
        let clean = XMLCharacters.sanitized(text)
        try check(clean.withXMLString { xmlTextWriterWriteString(writer, $0) }, "write text")
    }

    /// Writes text escaped beforehand with `XMLEscapedText` (for text that goes into many
    /// documents, such as a post's HTML in every feed that lists it).
    public func text(_ escaped: XMLEscapedText) throws(XMLWriterError) {
        let rc = escaped.bytes.withUnsafeBufferPointer { buffer in
            xmlTextWriterWriteRawLen(writer, buffer.baseAddress, Int32(buffer.count))
        }
        try check(rc, "write text")
    }

    /// `<name attributes…>escaped</name>`.
    public func element(_ name: String, attributes: KeyValuePairs<String, String> = [:], text: XMLEscapedText) throws(XMLWriterError) {
        try startElement(name)
        for (key, value) in attributes { try attribute(key, value) }
        try self.text(text)
        try endElement()
    }

    /// Closes the innermost open element.
    public func endElement() throws(XMLWriterError) {
        try check(xmlTextWriterEndElement(writer), "close an element")
    }

    /// `<name attributes…>text</name>`.
    public func element(_ name: String, attributes: KeyValuePairs<String, String> = [:], text: String) throws(XMLWriterError) {
        try startElement(name)
        for (key, value) in attributes { try attribute(key, value) }
        try self.text(text)
        try endElement()
    }

    /// `<name attributes…/>`.
    public func emptyElement(_ name: String, attributes: KeyValuePairs<String, String>) throws(XMLWriterError) {
        try startElement(name)
        for (key, value) in attributes { try attribute(key, value) }
        try endElement()
    }

    /// Closes every open element, ends the document and returns its bytes.
    public func finish() throws(XMLWriterError) -> [UInt8] {
        try check(xmlTextWriterEndDocument(writer), "end the document")
        try check(xmlTextWriterFlush(writer), "flush")
        let bytes = output.bytes
        output.bytes = []
        return bytes
    }

    private func check(_ result: Int32, _ operation: String) throws(XMLWriterError) {
        if result < 0 { throw .libxml2(operation: operation) }
    }
}

/// Why an XML document could not be written.
public enum XMLWriterError: Error, CustomStringConvertible {
    case outOfMemory
    /// libxml2 refused an operation (usually a writer used out of order: a bug in Herald).
    case libxml2(operation: String)

    public var description: String {
        switch self {
        case .outOfMemory: return "libxml2 could not allocate memory for an XML document"
        case .libxml2(let operation): return "libxml2 failed to \(operation); please report this as a bug in Herald"
        }
    }
}

extension String {
    /// Calls `body` with the string as a NUL-terminated `xmlChar` buffer.
    fileprivate func withXMLString<Result>(_ body: (UnsafePointer<xmlChar>) -> Result) -> Result {
        withCString { pointer in
            pointer.withMemoryRebound(to: xmlChar.self, capacity: utf8.count + 1, body)
        }
    }
}
