import Foundation

/// Where the shared store is, from config.json's `store.url` (`postgres://user@host:port/db`)
/// and its companions: the password never travels in the URL or in config.json.
public struct PostgresStoreSettings: Sendable, Hashable {
    /// How the connection is protected.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP: a database on this host, or on a private network.
        case disable
        /// TLS, the server's certificate checked against the system's CAs (or `caFile`) and
        /// its name against `host`.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// PEM CA certificates to check the server's certificate with (a private CA).
    public var caFile: URL?
    /// Connections kept open at most.
    public var poolSize: Int
    /// The local folder of this host's record of messages handed to the transport
    /// (`store.handoverDirectory`, by default `var/handover` beside config.json; here, by
    /// default, in the working directory): the instances of one host must share it.
    public var handoverDirectory: URL

    public init(
        host: String, port: Int = 5432, user: String, database: String, tls: TLSMode = .disable, caFile: URL? = nil, poolSize: Int = 8,
        handoverDirectory: URL = URL(fileURLWithPath: "var/handover")
    ) {
        self.handoverDirectory = handoverDirectory
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.tls = tls
        self.caFile = caFile
        self.poolSize = poolSize
    }

    /// The settings of `postgres://USER@HOST[:PORT]/DATABASE` (or `postgresql://`); the reason
    /// when it is not one. A password in the URL is refused: it would sit in config.json.
    public static func parse(_ text: String) -> Result<PostgresStoreSettings, URLProblem> {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "postgres" || scheme == "postgresql"
        else { return .failure(URLProblem("expected postgres://USER@HOST:PORT/DATABASE")) }
        if components.password != nil {
            return .failure(URLProblem("a password in the URL would sit in config.json; put it in store.passwordFile"))
        }
        guard let host = components.host, !host.isEmpty else { return .failure(URLProblem("missing host")) }
        guard let user = components.user, !user.isEmpty else { return .failure(URLProblem("missing user (postgres://USER@HOST/DATABASE)")) }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { return .failure(URLProblem("missing database name after the host")) }
        if components.query != nil || components.fragment != nil {
            return .failure(URLProblem("options go in store.tls, store.caFile and store.poolSize, not in the URL"))
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { return .failure(URLProblem("port \(port) is out of range 1–65535")) }
        return .success(PostgresStoreSettings(host: host, port: port, user: user, database: database))
    }

    /// Why a store URL was refused.
    public struct URLProblem: Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// `postgres://user@host:port/database`, without any secret.
    public var displayURL: String { "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)" }
}
