import Digests
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import SMTPTransport
import ServiceLifecycle
import Store

/// Herald's HTTP server (hummingbird, HTTP/1.1): the feeds, the home page, the subscriber
/// pages, the admin API and `/healthz`, on `http.listen`. A `Service`: it stops gracefully
/// with the daemon's service group, letting the requests in flight finish.
public struct WebServer: Service {
    public var settings: WebSettings
    public let feeds: PublishedFeeds
    let store: any SubscriberStore
    let links: SubscriptionLinks
    let mail: ConfirmationMail?
    let send: ConfirmationOutbox.Send?
    let admin: (any AdminBackend)?
    let metrics: MetricsEndpoint?
    let logger: Logger
    /// Called once the port is bound, with the address bound (the port, when 0 was asked for).
    let onListening: @Sendable (String, Int) -> Void

    /// - Parameters:
    ///   - mail, send: how confirmation mail is made and sent; `nil` when there is no mail
    ///     section (no sign-up form then).
    ///   - admin: what the admin API does; `nil` turns it off.
    public init(
        settings: WebSettings, feeds: PublishedFeeds, store: any SubscriberStore, tokens: SubscriberTokens,
        mail: ConfirmationMail?, send: (@Sendable (OutgoingMessage) async -> DeliveryOutcome)?, admin: (any AdminBackend)?,
        metrics: MetricsEndpoint? = nil, logger: Logger, onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }
    ) {
        self.settings = settings
        self.feeds = feeds
        self.store = store
        links = SubscriptionLinks(tokens: tokens, lifetime: settings.confirmLifetime)
        self.mail = mail
        self.send = send
        self.admin = admin
        self.metrics = metrics
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let outbox = send.map { ConfirmationOutbox(send: $0, logger: logger) }
        let router = makeRouter(outbox: outbox)
        let responder = WebResponder(
            router: router.buildResponder(), feeds: FeedResponder(files: feeds.files, maxAge: settings.feedMaxAge), logger: logger)
        let requestLimit = TimeAmount.seconds(settings.requestTimeout.components.seconds)
        let idleLimit = TimeAmount.seconds(settings.idleTimeout.components.seconds)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestDeadlineHandler(requestLimit: requestLimit, idleLimit: idleLimit)],
            idleTimeout: idleLimit)
        let application = Application(
            responder: responder, server: .http1(configuration: http1),
            configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port), serverName: "Herald"),
            onServerRunning: { [onListening, settings] channel in
                onListening(settings.host, channel.localAddress?.port ?? settings.port)
            },
            logger: logger)
        try await withThrowingDiscardingTaskGroup { group in
            if let outbox {
                group.addTask { await outbox.run() }
            }
            do {
                try await application.run()
            } catch {
                group.cancelAll()
                throw WebServerError(host: settings.host, port: settings.port, underlying: error)
            }
            // Stopping: confirmation mails still queued are dropped (a slow mail server must not
            // hold the stop past systemd's limit; the person can ask again in ten minutes).
            group.cancelAll()
        }
    }

    func makeRouter(outbox: ConfirmationOutbox?) -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        let pages = Pages(settings: settings)
        let desk = SubscriptionDesk(
            settings: settings, pages: pages, store: store, links: links, mail: mail, outbox: outbox,
            limiter: ClientRateLimiter(perHour: settings.subscribesPerHour), logger: logger)
        let adminRoutes = AdminRoutes(token: settings.adminToken, backend: admin)
        let feeds = self.feeds
        let subscriptionsOpen = mail != nil && outbox != nil

        for method in [HTTPRequest.Method.get, .head] {
            router.on("/", method: method) { _, _ in desk.page(.ok, pages.home(subscriptionsOpen: subscriptionsOpen)) }
            // The feed files themselves are served by `WebResponder`, before the router.
            router.on("/feeds/", method: method) { _, _ in desk.page(.ok, pages.feedIndex(feeds.catalog)) }
        }
        // The metrics say how many subscribers and deliveries there are: for the admin's
        // token holders only (Prometheus sends it with `authorization: credentials_file`).
        let metrics = self.metrics
        router.get("/metrics") { request, _ in
            guard adminRoutes.authorized(request), let metrics else { return AdminRoutes.unauthorized() }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: await metrics.body())))
        }
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.post("/subscribe") { request, context in await desk.subscribe(request, context: context) }
        router.get("/confirm/:token") { _, context in desk.confirmPage(token: Self.token(context)) }
        router.post("/confirm/:token") { _, context in await desk.confirm(token: Self.token(context)) }
        router.get("/unsubscribe/:token") { _, context in desk.unsubscribePage(token: Self.token(context)) }
        router.post("/unsubscribe/:token") { request, context in
            // The body (`List-Unsubscribe=One-Click`) is read and dropped: the token decides.
            _ = try? await request.body.collect(upTo: settings.maxBodySize)
            return await desk.unsubscribe(token: Self.token(context))
        }
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/admin/**", method: method) { request, _ in
                await adminRoutes.handle(request, path: request.uri.path.dropFirst("/admin/".count))
            }
        }
        return router
    }

    private static func token(_ context: WebRequestContext) -> Substring {
        context.parameters.get("token").map { Substring($0) } ?? ""
    }
}

/// The server could not start (the port is taken, the address is not this host's…).
public struct WebServerError: Error, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var underlying: any Error

    public var description: String {
        let detail = String(describing: underlying)
        let hint =
            detail.contains("Address already in use")
            ? "the port is already in use (another Herald, or another server?): stop it or choose another port in http.listen"
            : "check http.listen in config.json"
        return "http.listen \(host):\(port): cannot serve HTTP: \(detail); \(hint)"
    }
}
