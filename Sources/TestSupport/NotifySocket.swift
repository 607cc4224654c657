import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A bound datagram socket, as systemd's notification socket (`NOTIFY_SOCKET`): what a test
/// gives Herald to see its `READY=1`, `WATCHDOG=1`… `path` may be `@name` (abstract).
public final class NotifySocket: @unchecked Sendable {
    public let path: String
    private let descriptor: Int32

    public struct Failure: Error, CustomStringConvertible {
        public let step: String
        public var description: String { "notify socket: \(step) failed" }
    }

    public init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(step: "socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (index, byte) in bytes.enumerated() { raw[index] = byte } }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (bytes.first == 0 ? 0 : 1))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw Failure(step: "bind") }
    }

    deinit { close(descriptor) }

    /// The next datagram, waiting at most `timeout` seconds; `nil` when none came.
    public func receive(timeout: Double = 5) -> String? {
        var wait = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    /// Datagrams until one contains `line` (as a whole line), or `timeout` seconds pass; all
    /// those received, the matching one last (`nil` when it never came).
    public func receive(until line: String, timeout: Double = 10) -> [String]? {
        let deadline = Date().addingTimeInterval(timeout)
        var received: [String] = []
        while Date() < deadline {
            guard let datagram = receive(timeout: max(0.05, deadline.timeIntervalSinceNow)) else { continue }
            received.append(datagram)
            if datagram.split(separator: "\n").contains(Substring(line)) { return received }
        }
        return nil
    }
}
