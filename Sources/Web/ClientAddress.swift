import Hummingbird
import NIOCore

/// Who a request comes from, for rate limits: the peer's IP address, or, behind a trusted
/// reverse proxy, the address the proxy appended last to `X-Forwarded-For`. An IPv6 address
/// counts by its /64 (one host usually has a whole /64, and could otherwise take a new address
/// per request); an IPv4 address mapped into IPv6 (`::ffff:a.b.c.d`, what a server listening
/// on `[::]` sees of IPv4 clients) counts as that IPv4 address.
enum ClientAddress {
    static func of(_ request: Request, context: WebRequestContext, trustProxy: Bool) -> String {
        if trustProxy, let forwarded = request.headers[.init("X-Forwarded-For")!],
            let last = forwarded.split(separator: ",").last?.trimmingSpaces, !last.isEmpty
        {
            // Something that is not an address is still a client, by its text (bounded).
            guard let address = try? SocketAddress(ipAddress: String(last.prefix(64)), port: 0) else { return String(last.prefix(64)) }
            return key(address)
        }
        return context.peerAddress.map(key) ?? "unknown"
    }

    static func key(_ address: SocketAddress) -> String {
        switch address {
        case .v4:
            return address.ipAddress ?? "unknown"
        case .v6(let v6):
            var raw = v6.address.sin6_addr
            let bytes = withUnsafeBytes(of: &raw) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                return bytes[12...].map(String.init).joined(separator: ".")
            }
            return bytes.prefix(8).map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
        default:
            return "unknown"
        }
    }
}
