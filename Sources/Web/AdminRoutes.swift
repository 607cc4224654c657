import Crypto
import HTTPTypes
import Hummingbird
import NIOCore

/// `/admin/…`: a bearer token (RFC 6750), compared in constant time, then the backend.
/// With no token configured every request is refused: the API is off.
struct AdminRoutes: Sendable {
    let token: String?
    let backend: (any AdminBackend)?

    /// Whether the request carries the token. Both sides are hashed first, so the comparison
    /// takes the same time whatever the length or the content of what was sent.
    func authorized(_ request: Request) -> Bool {
        guard let token, !token.isEmpty, let header = request.headers[.authorization] else { return false }
        let prefix = "bearer "
        guard header.utf8.count > prefix.utf8.count, header.prefix(prefix.count).lowercased() == prefix else { return false }
        let given = SHA256.hash(data: Array(header.utf8.dropFirst(prefix.utf8.count)))
        let expected = SHA256.hash(data: Array(token.utf8))
        var difference: UInt8 = 0
        for (a, b) in zip(given, expected) { difference |= a ^ b }
        return difference == 0
    }

    func handle(_ request: Request, path: Substring) async -> Response {
        guard authorized(request), let backend else { return Self.unauthorized() }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        switch (request.method, segments.count) {
        case (.get, 1) where segments[0] == "status":
            return Self.reply(await backend.status())
        case (.post, 3) where segments[0] == "newsletters" && segments[2] == "digests":
            return Self.reply(await backend.queueDigest(newsletterID: String(segments[1])))
        case (.get, 2) where segments[0] == "digests":
            guard let id = Int64(segments[1]) else { break }
            return Self.reply(await backend.digest(id: id))
        default:
            break
        }
        return Self.json(404, Array(#"{"error":"no such admin endpoint"}"#.utf8))
    }

    /// 401, with the challenge RFC 6750 asks for.
    static func unauthorized() -> Response {
        json(401, Array(#"{"error":"a valid bearer token is needed (http.adminTokenFile)"}"#.utf8),
            extra: [.wwwAuthenticate: "Bearer realm=\"herald\""])
    }

    private static func reply(_ reply: AdminReply) -> Response { json(reply.status, reply.json) }

    private static func json(_ status: Int, _ body: [UInt8], extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
