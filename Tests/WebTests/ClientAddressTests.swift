import NIOCore
import Testing

@testable import Web

/// Rate limits count clients by a key: IPv6 by its /64, IPv4 mapped into IPv6 as IPv4.
@Suite struct ClientAddressTests {
    @Test func ipv6CountsByItsSlash64AndMappedIPv4AsIPv4() throws {
        let a = try ClientAddress.key(SocketAddress(ipAddress: "2001:db8:1:2::1", port: 0))
        let b = try ClientAddress.key(SocketAddress(ipAddress: "2001:db8:1:2:ffff::99", port: 0))
        let c = try ClientAddress.key(SocketAddress(ipAddress: "2001:db8:1:3::1", port: 0))
        #expect(a == b && a != c)
        #expect(try ClientAddress.key(SocketAddress(ipAddress: "::ffff:198.51.100.7", port: 0)) == "198.51.100.7")
        #expect(try ClientAddress.key(SocketAddress(ipAddress: "::ffff:203.0.113.9", port: 0)) == "203.0.113.9")
        #expect(try ClientAddress.key(SocketAddress(ipAddress: "198.51.100.7", port: 0)) == "198.51.100.7")
    }
}
