import DurableFiles
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd how the service is doing (`Type=notify`): the sd_notify(3) datagram protocol,
/// written here rather than linking libsystemd.
///
/// Each call sends one datagram of `KEY=value` lines to the socket named by `NOTIFY_SOCKET`
/// (a path, or `@name` in the abstract namespace). Sending never blocks: a datagram systemd
/// cannot take now is dropped and reported, and the service goes on.
public final class SystemdNotifier: Sendable {
    /// Where the datagrams go, as given in `NOTIFY_SOCKET`.
    public let socketPath: String
    /// How often systemd expects `WATCHDOG=1` (from `WATCHDOG_USEC`), when it watches this
    /// process; a service pings at half of it.
    public let watchdogInterval: Duration?
    private let descriptor: Int32
    private let address: sockaddr_un
    private let addressLength: socklen_t

    /// The notifier systemd asked for, from `environment`: `nil` when `NOTIFY_SOCKET` is not
    /// set (not started by systemd, or not `Type=notify`). `WATCHDOG_USEC` counts only when
    /// `WATCHDOG_PID` is unset or names this process, as sd_watchdog_enabled(3) says.
    public convenience init?(environment: [String: String] = ProcessInfo.processInfo.environment) throws(SystemdNotifyError) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        var interval: Duration?
        if let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0,
            environment["WATCHDOG_PID"].map({ Int32($0) == getpid() }) ?? true
        {
            interval = .microseconds(usec)
        }
        try self.init(socketPath: path, watchdogInterval: interval)
    }

    /// A notifier for the socket at `socketPath` (`@name` for the abstract namespace).
    public init(socketPath: String, watchdogInterval: Duration? = nil) throws(SystemdNotifyError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(socketPath.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        // A path needs room for its NUL; an abstract name is counted by the length instead.
        guard !bytes.isEmpty, bytes.count <= capacity - (abstract ? 0 : 1), abstract || bytes.first == UInt8(ascii: "/") else {
            throw .badSocketPath(socketPath)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            for (index, byte) in bytes.enumerated() { path[index] = byte }
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        addressLength = socklen_t(pathOffset + bytes.count + (abstract ? 0 : 1))
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .cannotSend(socketPath, SystemError(errno)) }
        self.address = address
        self.socketPath = socketPath
        self.watchdogInterval = watchdogInterval
    }

    deinit { close(descriptor) }

    /// Sends `states` in one datagram, in order.
    public func notify(_ states: [NotifyState]) throws(SystemdNotifyError) {
        let datagram = Array(states.map(\.line).joined(separator: "\n").utf8)
        var target = address
        let sent = withUnsafePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                datagram.withUnsafeBytes { bytes in
                    sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL), socketAddress, addressLength)
                }
            }
        }
        if sent < 0 { throw .cannotSend(socketPath, SystemError(errno)) }
    }

    /// Sends one state.
    public func notify(_ state: NotifyState) throws(SystemdNotifyError) {
        try notify([state])
    }
}

/// `NOTIFY_SOCKET` is unusable, or a datagram could not be sent.
public enum SystemdNotifyError: Error, Sendable, Equatable, CustomStringConvertible {
    case badSocketPath(String)
    case cannotSend(String, SystemError)

    public var description: String {
        switch self {
        case .badSocketPath(let path):
            return "NOTIFY_SOCKET \"\(path)\" is neither an absolute path nor an @abstract name that fits a socket address"
        case .cannotSend(let path, let error):
            return "cannot notify systemd through \(path): \(error); systemd may not see this state change"
        }
    }
}
