import Digests
import Foundation
import Logging
import SMTPTransport
import Store
import Web

/// Builds the daemon's HTTP server from config.json: its settings, the confirmation mail
/// (when there is a mail section), the admin API (when a token is configured).
enum WebServerSetup {
    static func settings(_ configuration: Configuration) -> WebSettings {
        let site = configuration.site
        var settings = WebSettings(
            host: configuration.http.listen.host, port: configuration.http.listen.port,
            feedsDirectory: configuration.feedsDirectory, formats: configuration.feeds.formats.sorted(), siteTitle: site.title,
            siteDescription: site.description, siteURL: site.url, language: site.language, publicURL: configuration.publicURL,
            newsletters: configuration.newsletters.map { WebSettings.Newsletter(id: $0.id, title: $0.title) })
        settings.feedMaxAge = configuration.http.feedMaxAge
        settings.confirmLifetime = TimeInterval(configuration.http.confirmHours * 3600)
        settings.subscribesPerHour = configuration.http.subscribePerHour
        settings.trustProxy = configuration.http.trustProxy
        return settings
    }

    static func make(
        _ configuration: Configuration, store: any HeraldStore, feeds: PublishedFeeds, environment: [String: String], logger: Logger,
        onListening: @escaping @Sendable (String, Int) -> Void
    ) throws(WebSetupError) -> WebServer {
        var settings = settings(configuration)
        settings.adminToken = try adminToken(configuration, environment: environment)
        let tokens: SubscriberTokens
        do {
            tokens = try SubscriberTokens(keyFile: configuration.tokenKeyFile)
        } catch {
            throw .setup(error.description)
        }
        var mail: ConfirmationMail?
        var send: (@Sendable (OutgoingMessage) async -> DeliveryOutcome)?
        if let mailSettings = configuration.mail {
            do {
                let mailers = try NewsletterMailers(configuration: configuration)
                mail = ConfirmationMail(from: mailers.from, dkim: mailers.dkim, siteTitle: configuration.site.title, timeZone: configuration.site.timeZone)
                let transport = try MailTransportFactory.make(mailSettings, environment: environment) { logger.warning("\($0)") }
                send = { await transport.send($0) }
            } catch let error as DigestError {
                throw .setup(error.description)
            } catch {
                throw .setup(String(describing: error))
            }
        }
        return WebServer(
            settings: settings, feeds: feeds, store: store, tokens: tokens, mail: mail, send: send,
            admin: DaemonAdmin(configuration: configuration, store: store), metrics: HeraldMetrics.endpoint(store: store),
            logger: logger, onListening: onListening)
    }

    /// The admin token: `http.adminTokenFile`, else systemd's `admin-token` credential, else
    /// none (the admin API is off).
    static func adminToken(_ configuration: Configuration, environment: [String: String]) throws(WebSetupError) -> String? {
        var path = configuration.http.adminTokenFile?.path
        var fromCredentials = false
        if path == nil, let credentials = environment["CREDENTIALS_DIRECTORY"] {
            let candidate = credentials + "/admin-token"
            if FileManager.default.fileExists(atPath: candidate) { (path, fromCredentials) = (candidate, true) }
        }
        guard let path else { return nil }
        let token: String
        do {
            token = try MailTransportFactory.readSecret(path)
        } catch {
            throw .setup("http.adminTokenFile: cannot read \(path) as one line of text; check the path and its permissions")
        }
        // The unit passes the credential always: an empty one means no admin API.
        if fromCredentials && token.isEmpty { return nil }
        guard token.utf8.count >= 16, token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .setup(
                "http.adminTokenFile: \(path): the token must be at least 16 visible ASCII characters (such as the output of `openssl rand -hex 32`)")
        }
        return token
    }
}

/// The HTTP server cannot be set up from config.json.
enum WebSetupError: Error, CustomStringConvertible {
    case setup(String)

    var description: String {
        switch self {
        case .setup(let message): return message
        }
    }
}
