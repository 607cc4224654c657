import Crypto
import Feeds
import Foundation
import Gzip
import NIOCore

/// One feed file as the server sends it: its bytes, the `.gz` written with it (when there is
/// one and it holds exactly these bytes), and the validators readers send back.
struct FeedFile: Sendable {
    let plain: ByteBuffer
    let gzip: ByteBuffer?
    /// Strong validators, one per representation (RFC 9110 §8.8.3): the two bodies differ.
    let etag: String
    let gzipETag: String
    /// `Last-Modified` (the file's mtime), and the same time in whole seconds for comparisons.
    let lastModified: String
    let modifiedSeconds: Int
    let contentType: String

    init(plain bytes: [UInt8], gzipped: [UInt8]?, modifiedSeconds: Int, format: FeedFormat) {
        plain = ByteBuffer(bytes: bytes)
        gzip = gzipped.flatMap { Gzip.holds(bytes, in: $0) ? ByteBuffer(bytes: $0) : nil }
        let digest = SHA256.hash(data: bytes)
        let tag = digest.prefix(16).map { String(format: "%02x", $0) }.joined()
        etag = "\"\(tag)\""
        gzipETag = "\"\(tag)-gz\""
        self.modifiedSeconds = modifiedSeconds
        lastModified = HTTPDate.format(modifiedSeconds)
        contentType = format.mediaType + "; charset=utf-8"
    }

    /// Bytes kept in memory for this file.
    var size: Int { plain.readableBytes + (gzip?.readableBytes ?? 0) }
}
