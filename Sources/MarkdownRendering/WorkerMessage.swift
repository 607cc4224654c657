/// The messages between `MarkdownWorkers` and its child processes, on a socket.
///
/// A batch is a request count (`UInt32`) and that many requests; the child reads them all,
/// then renders them in order and writes one reply each. A request is a fixed header (flags, then the byte lengths of the body, the excerpt and the
/// base URL, little-endian `UInt64`s) followed by those UTF-8 bytes. A reply is a status byte
/// and three lengths, then three UTF-8 fields: the HTML, the excerpt's HTML and its text, or,
/// for a failure, a message and two empty fields.
enum WorkerMessage {
    static let headerSize = 1 + 3 * 8

    /// Replies of more than this many bytes per byte of Markdown (plus a megabyte) are refused:
    /// cmark-gfm 0.29 can turn a few bytes into much more HTML (a table row of one `|` is
    /// filled out to every column of the header), and such output has no place in a feed.
    static let expansionLimit = 32

    struct Request {
        var source: MarkdownSource

        init(_ source: MarkdownSource) {
            self.source = source
        }

        var fields: [String] { [source.body, source.excerpt ?? "", source.baseURL ?? ""] }

        var flags: UInt8 {
            (source.excerpt == nil ? 0 : 1) | (source.baseURL == nil ? 0 : 2) | (source.wantsExcerptHTML ? 4 : 0)
        }

        func header() -> [UInt8] {
            var bytes = [flags]
            for field in fields { WorkerMessage.append(UInt64(field.utf8.count), to: &bytes) }
            return bytes
        }

        /// Header and fields, in one buffer.
        func bytes() -> [UInt8] {
            var bytes = header()
            bytes.reserveCapacity(size)
            for field in fields { bytes.append(contentsOf: field.utf8) }
            return bytes
        }

        /// The request's size on the socket.
        var size: Int { WorkerMessage.headerSize + fields.reduce(0) { $0 + $1.utf8.count } }

        /// The largest reply this request may get.
        var replyLimit: Int { WorkerMessage.replyLimit(forInput: fields.reduce(0) { $0 + $1.utf8.count }) }

        /// Reads a request's header: its flags and field lengths.
        static func parseHeader(_ bytes: [UInt8], limit: Int) -> (flags: UInt8, lengths: [Int])? {
            guard bytes.count == WorkerMessage.headerSize else { return nil }
            let lengths = WorkerMessage.fieldLengths(in: bytes)
            guard lengths.allSatisfy({ $0 <= limit }) else { return nil }
            return (bytes[0], lengths)
        }

        /// The source of a request with `flags` and `fields` (body, excerpt, base URL).
        static func source(flags: UInt8, fields: [String]) -> MarkdownSource {
            MarkdownSource(
                fields[0], excerpt: flags & 1 != 0 ? fields[1] : nil, baseURL: flags & 2 != 0 ? fields[2] : nil,
                wantsExcerptHTML: flags & 4 != 0)
        }
    }

    static func replyLimit(forInput bytes: Int) -> Int { bytes * expansionLimit + (1 << 20) }

    struct Reply {
        enum Status: UInt8 {
            case rendered = 0
            case cmark = 1
            case sanitizer = 2
            case outputTooLarge = 3
        }

        static let headerSize = WorkerMessage.headerSize

        var status: Status
        var fields: [String]

        init(status: Status, fields: [String]) {
            self.status = status
            self.fields = fields
        }

        init(status: UInt8, fields: [String]) throws(RenderWorker.Failure) {
            guard let status = Status(rawValue: status), fields.count == 3 else {
                throw RenderWorker.Failure(kind: .stopped, reason: "the renderer sent a malformed reply")
            }
            self.init(status: status, fields: fields)
        }

        /// What the child made of `result`.
        init(_ result: Result<RenderedMarkdown, MarkdownRenderingError>) {
            switch result {
            case .success(let rendered):
                self.init(status: .rendered, fields: [rendered.html, rendered.excerptHTML, rendered.excerptText])
            case .failure(.sanitizer(let error)):
                self.init(status: .sanitizer, fields: [error.description, "", ""])
            case .failure(.outputTooLarge(let bytes, let limit)):
                self.init(status: .outputTooLarge, fields: ["\(bytes)", "\(limit)", ""])
            case .failure(.cmark(let reason)):
                self.init(status: .cmark, fields: [reason, "", ""])
            case .failure(let error):
                self.init(status: .cmark, fields: [error.description, "", ""])
            }
        }

        func header() -> [UInt8] {
            var bytes = [status.rawValue]
            for field in fields { WorkerMessage.append(UInt64(field.utf8.count), to: &bytes) }
            return bytes
        }

        /// The status and field lengths of a reply's header, if they are within `limit`.
        static func lengths(in header: [UInt8], limit: Int) throws(RenderWorker.Failure) -> (status: UInt8, fields: [Int]) {
            let lengths = WorkerMessage.fieldLengths(in: header)
            // Each field first: the sum of three lengths a broken renderer chose could wrap.
            guard lengths.allSatisfy({ $0 <= limit }), lengths.reduce(0, +) <= limit else {
                throw RenderWorker.Failure(kind: .stopped, reason: "the renderer sent a reply over \(limit) bytes")
            }
            return (header[0], lengths)
        }

        /// The rendering, or the error the child reported.
        func result() -> Result<RenderedMarkdown, MarkdownRenderingError> {
            switch status {
            case .rendered: return .success(RenderedMarkdown(html: fields[0], excerptHTML: fields[1], excerptText: fields[2]))
            case .cmark: return .failure(.cmark(fields[0]))
            case .sanitizer: return .failure(.sanitizer(.parserStopped))
            case .outputTooLarge: return .failure(.outputTooLarge(bytes: Int(fields[0]) ?? 0, limit: Int(fields[1]) ?? 0))
            }
        }
    }

    /// The three field lengths of a request's or a reply's header (after its first byte).
    static func fieldLengths(in header: [UInt8]) -> [Int] {
        (0..<3).map { Int(clamping: read(header, at: 1 + 8 * $0)) }
    }

    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// A batch starts with its number of requests, as a little-endian `UInt32`.
    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    /// The most requests in one batch.
    static let batchLimit = 4096

    static func read(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << UInt64(8 * $1) }
    }
}
