import Foundation

/// How to reach the SMTP server (the `mail.transport` section of config.json, resolved).
public struct SMTPSettings: Sendable {
    /// How the connection is protected.
    public enum TLS: String, Sendable, CaseIterable {
        /// `smtp://` and STARTTLS, required: a server that does not offer it gets nothing.
        case starttls
        /// `smtps://`: TLS from the first byte.
        case implicit
        /// No TLS at all: tests and a relay on localhost only.
        case none
    }

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
    /// Messages per second over all connections; 0 means no limit.
    public var maxPerSecond: Double
    public var connectTimeout: Duration
    /// For one whole transaction (MAIL FROM to the final reply).
    public var transactionTimeout: Duration

    public init(
        url: String, tls: TLS, username: String? = nil, password: String? = nil, caCertificateFile: String? = nil,
        heloName: String = "localhost", concurrency: Int = 4, maxPerSecond: Double = 0,
        connectTimeout: Duration = .seconds(15), transactionTimeout: Duration = .seconds(120)
    ) {
        self.url = url
        self.tls = tls
        self.username = username
        self.password = password
        self.caCertificateFile = caCertificateFile
        self.heloName = heloName
        self.concurrency = concurrency
        self.maxPerSecond = maxPerSecond
        self.connectTimeout = connectTimeout
        self.transactionTimeout = transactionTimeout
    }
}

extension Duration {
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
