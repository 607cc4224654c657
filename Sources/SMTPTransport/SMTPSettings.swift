import Foundation

/// How to reach the SMTP server (the `mail.transport` section of config.json, resolved).
public struct SMTPSettings: Sendable {
    /// How the connection is protected.
    public enum TLS: String, Sendable, CaseIterable {
        /// `smtp://` and STARTTLS, required: a server that does not offer it gets nothing.
        case starttls
        /// `smtps://`: TLS from the first byte.
        case implicit
        /// No TLS at all: tests and a relay on localhost only. Credentials are refused with it.
        case none
    }

    /// The slowest rate `maxPerSecond` can ask for (one message an hour); a smaller positive
    /// value is raised to it.
    public static let minimumRate = 1.0 / 3600
    /// The fastest rate `maxPerSecond` can ask for; a larger value is lowered to it.
    public static let maximumRate = 1_000_000.0

    /// `smtp://host:port` or `smtps://host:port`.
    public var url: String
    public var tls: TLS
    public var username: String?
    public var password: String?
    /// Extra CA certificates to trust (a PEM file), for a private relay or tests.
    public var caCertificateFile: String?
    /// The name Herald announces in `EHLO`.
    public var heloName: String
    /// Connections in parallel, each reused for many messages.
    public var concurrency: Int
    /// Messages per second over all connections; 0 means no limit. Otherwise within
    /// `minimumRate...maximumRate` (the initializer bounds it).
    public var maxPerSecond: Double
    public var connectTimeout: Duration
    /// For one whole transaction (MAIL FROM to the final reply).
    public var transactionTimeout: Duration
    /// For each reply (and for each write to make progress), within the transaction's limit.
    public var replyTimeout: Duration

    public init(
        url: String, tls: TLS, username: String? = nil, password: String? = nil, caCertificateFile: String? = nil,
        heloName: String = "localhost", concurrency: Int = 4, maxPerSecond: Double = 0,
        connectTimeout: Duration = .seconds(15), transactionTimeout: Duration = .seconds(120),
        replyTimeout: Duration = .seconds(30)
    ) {
        self.url = url
        self.tls = tls
        self.username = username
        self.password = password
        self.caCertificateFile = caCertificateFile
        self.heloName = heloName
        self.concurrency = concurrency
        // NaN and negative values mean no limit; infinity the fastest rate.
        self.maxPerSecond = maxPerSecond > 0 ? min(max(maxPerSecond, Self.minimumRate), Self.maximumRate) : 0
        self.connectTimeout = connectTimeout
        self.transactionTimeout = transactionTimeout
        self.replyTimeout = replyTimeout
    }

    /// Checks what libcurl would accept but Herald must not do: credentials without TLS
    /// (Postfix's `smtp_sasl_security_options = noplaintext`), and a URL that is more than
    /// a scheme, a host and a port.
    public func validate() throws(SMTPConfigurationError) {
        if let problem = Self.problem(withURL: url) { throw .url(problem) }
        if tls == .none && (username != nil || password != nil) { throw .credentialsWithoutTLS }
    }

    /// Why `url` cannot name an SMTP server, or `nil` when it can: it must be
    /// `smtp://host[:port]` or `smtps://host[:port]`, without credentials (they come from
    /// `username` and the password file, never from the URL), path, query or fragment.
    public static func problem(withURL url: String) -> String? {
        let expected = "expected \"smtp://host:port\" or \"smtps://host:port\""
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "smtp" || scheme == "smtps", let host = components.host, !host.isEmpty
        else { return "\(expected), found \(url.debugDescription)" }
        if components.password != nil {
            return "a password does not belong in the URL (it would be sent as written); put it in a file named by passwordFile"
        }
        if components.user != nil {
            return "a user name does not belong in the URL; set username (and passwordFile) instead"
        }
        if !(components.percentEncodedPath.isEmpty || components.percentEncodedPath == "/")
            || components.query != nil || components.fragment != nil
        {
            return "the URL has a path, query or fragment; \(expected)"
        }
        return nil
    }

    /// Whether `url` names this machine (`localhost`, 127.0.0.0/8 or `::1`): the only place a
    /// connection without TLS belongs.
    public static func isLoopback(url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare.hasSuffix(".localhost") || bare == "::1" { return true }
        var address = in_addr()
        return inet_pton(AF_INET, bare, &address) == 1 && UInt32(bigEndian: address.s_addr) >> 24 == 127
    }
}

extension Duration {
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
