import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `herald run` on a delivery site with its HTTP server on a free loopback port, mail going
/// to an aiosmtpd sink, and an admin token: what the HTTP tests drive with real requests.
final class WebSite {
    static let adminToken = "test-admin-token-0123456789abcdef"

    let smtp: SMTPTestServer
    let site: DeliverySite
    let port: Int
    let notify: NotifySocket
    let run: RunningHerald
    var base: String { "http://127.0.0.1:\(port)" }
    /// `http.publicURL`: the address people reach Herald at through its TLS reverse proxy,
    /// mapped back to `base` by `path(of:)`.
    var publicURL: String { "https://herald.example.org:\(port)/" }

    /// The path of a link made from `publicURL`.
    func path(of link: String) -> String? {
        link.hasPrefix(publicURL) ? "/" + link.dropFirst(publicURL.count) : nil
    }

    /// `storeURL`: a PostgreSQL database instead of the SQLite file.
    init(http extra: String = "", storeURL: String? = nil) throws {
        smtp = try SMTPTestServer()
        site = try DeliverySite(port: smtp.port, storeURL: storeURL)
        port = freeLoopbackPort()
        var config = try String(contentsOfFile: site.config, encoding: .utf8)
        config = config.replacingOccurrences(
            of: #""http": { "listen": "127.0.0.1:0" }"#,
            with: #""http": { "listen": "127.0.0.1:\#(port)", "publicURL": "https://herald.example.org:\#(port)/", "adminTokenFile": "admin-token"\#(extra) }"#)
        try config.write(toFile: site.config, atomically: true, encoding: .utf8)
        try site.site.folder.write(Self.adminToken + "\n", to: "admin-token")
        notify = try NotifySocket(path: site.site.folder.path + "/notify")
        run = try RunningHerald(
            arguments: ["run", "--config", site.config], in: site.site.folder, environment: ["NOTIFY_SOCKET": notify.path])
        _ = try #require(notify.receive(until: "READY=1", timeout: 30), "no READY=1: \(run.stderr)")
    }

    deinit {
        if run.isRunning { run.kill() }
        smtp.stop()
        site.remove()
    }

    func request(_ path: String, method: String = "GET", headers: [String] = [], body: String? = nil) throws -> CurlRequest.Reply {
        try CurlRequest(base + path, method: method, headers: headers, body: body).send()
    }

    func admin(_ path: String, method: String = "GET") throws -> (status: Int, json: [String: Any]) {
        let reply = try request(path, method: method, headers: ["Authorization: Bearer \(Self.adminToken)"])
        return (reply.status, (try? JSONSerialization.jsonObject(with: Data(reply.body))) as? [String: Any] ?? [:])
    }

    /// The subscriber of `email` as `herald subscribers list --json` shows them.
    func subscriber(_ email: String) throws -> [String: Any]? {
        let result = try site.herald("subscribers", "list", "--json")
        let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        return list.first { $0["email"] as? String == email }
    }

    /// The messages the sink received for `address`, waiting (at most `timeout` seconds) until
    /// there are at least `count`.
    func mail(to address: String, count: Int = 1, timeout: Double = 15) throws -> [SMTPTestServer.ReceivedMessage] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let messages = try smtp.received().filter { $0.rcptTo.contains(address) }
            if messages.count >= count || Date() > deadline { return messages }
            usleep(50_000)
        }
    }

    /// Waits until `condition` holds, at most `timeout` seconds; whether it did.
    func waitFor(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return false
    }
}

/// What a mail client shows of a message: its header fields unfolded, and its text body
/// decoded from quoted-printable.
struct ReadMessage {
    let headers: [(name: String, value: String)]
    let text: String

    init(_ bytes: [UInt8]) {
        let raw = String(decoding: bytes, as: UTF8.self)
        let parts = raw.components(separatedBy: "\r\n\r\n")
        let head = (parts.first ?? "").replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")
        headers = head.components(separatedBy: "\r\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        text = Self.decodeQuotedPrintable(parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }

    /// The first `http…` link in the text that contains `marker`.
    func link(containing marker: String) -> String? {
        text.components(separatedBy: .whitespacesAndNewlines).first { $0.hasPrefix("http") && $0.contains(marker) }
    }

    static func decodeQuotedPrintable(_ text: String) -> String {
        let bytes = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "="), index + 2 < bytes.count,
                let value = UInt8(String(decoding: bytes[index + 1...index + 2], as: UTF8.self), radix: 16)
            {
                out.append(value)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
