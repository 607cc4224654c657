import Hummingbird
import NIOCore

/// Who a request comes from, for rate limits: the peer's IP address (an IPv6 address by its
/// /64, which one host usually has whole), or, behind a trusted reverse proxy, the address
/// the proxy appended last to `X-Forwarded-For`.
enum ClientAddress {
    static func of(_ request: Request, context: WebRequestContext, trustProxy: Bool) -> String {
        if trustProxy, let forwarded = request.headers[.init("X-Forwarded-For")!],
            let last = forwarded.split(separator: ",").last?.trimmingSpaces, !last.isEmpty
        {
            return String(last.prefix(64))
        }
        switch context.peerAddress {
        case .v4(let address)?:
            return address.host
        case .v6(let address)?:
            var raw = address.address.sin6_addr
            let bytes = withUnsafeBytes(of: &raw) { Array($0.prefix(8)) }
            return bytes.map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
        default:
            return "unknown"
        }
    }
}
