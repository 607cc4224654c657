import HTTPTypes
import Hummingbird
import NIOCore

/// `GET` and `HEAD /feeds/…`: the files of the feeds folder with their validators, `304` for a
/// client that has them already, and the precompressed `.gz` for one that takes gzip.
struct FeedResponder: Sendable {
    let files: FeedFiles
    let maxAge: Int

    func respond(_ request: Request, rest: Substring) async -> Response {
        guard let path = FeedPath(rest), let file = await files.file(path) else {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "Not found\n")))
        }
        let headers = request.headers
        let gzip = file.gzip != nil && headers[.acceptEncoding].map(ContentNegotiation.acceptsGzip) == true
        var response = HTTPFields()
        response[.eTag] = gzip ? file.gzipETag : file.etag
        response[.lastModified] = file.lastModified
        response[.cacheControl] = "public, max-age=\(maxAge)"
        response[.vary] = "Accept-Encoding"
        if let match = headers[.ifNoneMatch] {
            if ContentNegotiation.noneMatchHits(match, etags: [file.etag, file.gzipETag]) {
                return Response(status: .notModified, headers: response)
            }
        } else if let since = headers[.ifModifiedSince].flatMap(HTTPDate.parse), file.modifiedSeconds <= since {
            return Response(status: .notModified, headers: response)
        }
        response[.contentType] = file.contentType
        if gzip { response[.contentEncoding] = "gzip" }
        let body = gzip ? file.gzip! : file.plain
        if request.method == .head {
            response[.contentLength] = String(body.readableBytes)
            return Response(status: .ok, headers: response)
        }
        return Response(status: .ok, headers: response, body: .init(byteBuffer: body))
    }
}
