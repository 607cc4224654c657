import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP request made by the real `curl` command line tool, as a feed reader or a mail
/// client would make it: the path is sent exactly as given (`--path-as-is`), no redirect is
/// followed, nothing is cached.
public struct CurlRequest {
    public struct Reply: Sendable {
        public var status: Int
        /// Header names in lowercase.
        public var headers: [String: String]
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public var url: String
    public var method = "GET"
    public var headers: [String] = []
    /// Sent as is (`--data-binary`).
    public var body: String?

    public init(_ url: String, method: String = "GET", headers: [String] = [], body: String? = nil) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
    }

    /// Sends it; throws when curl could not (connection refused, timeout).
    public func send(timeout: Double = 10) throws -> Reply {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let headerFile = folder.appendingPathComponent("headers").path
        let bodyFile = folder.appendingPathComponent("body").path
        var arguments = ["-sS", "--path-as-is", "--max-time", "\(timeout)", "-D", headerFile, "-o", bodyFile, "-w", "%{http_code}"]
        if method == "HEAD" { arguments.append("-I") } else { arguments += ["-X", method] }
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["--data-binary", body] }
        arguments.append(url)
        let result = try ProcessResult.run("/usr/bin/curl", arguments)
        guard result.status == 0, let status = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CurlError(message: "curl \(method) \(url) failed (\(result.status)): \(result.stderr)")
        }
        var headers: [String: String] = [:]
        let headerText = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        for line in headerText.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = (try? Data(contentsOf: URL(fileURLWithPath: bodyFile))).map { [UInt8]($0) } ?? []
        // With -I, curl writes the headers to the output too: what follows them is the body.
        if method == "HEAD", body.starts(with: Array(headerText.utf8)) { body.removeFirst(headerText.utf8.count) }
        return Reply(status: status, headers: headers, body: body)
    }
}

public struct CurlError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A TCP port free on 127.0.0.1 now (the kernel's pick; another process could take it before
/// the caller binds it, which on a test machine does not happen).
public func freeLoopbackPort() -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
