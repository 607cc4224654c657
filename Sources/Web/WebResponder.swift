import Hummingbird
import Logging

/// Every request's way in: feed files straight to `FeedResponder` (the requests feed readers
/// make all day, so without the router's work), everything else through the router; and one
/// log line per request either way.
struct WebResponder: HTTPResponder {
    typealias Context = WebRequestContext

    let router: RouterResponder<WebRequestContext>
    let feeds: FeedResponder
    let logger: Logger

    private static let feedsPrefix = "/feeds/"

    func respond(to request: Request, context: Context) async throws -> Response {
        let start = ContinuousClock.now
        let path = request.uri.path
        do {
            let response: Response
            if (request.method == .get || request.method == .head), path.utf8.count > Self.feedsPrefix.utf8.count,
                path.hasPrefix(Self.feedsPrefix)
            {
                response = await feeds.respond(request, rest: path.dropFirst(Self.feedsPrefix.count))
            } else {
                response = try await router.respond(to: request, context: context)
            }
            log(request, path: path, status: response.status.code, since: start)
            return response
        } catch {
            log(request, path: path, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: start)
            throw error
        }
    }

    private func log(_ request: Request, path: String, status: Int, since start: ContinuousClock.Instant) {
        RequestMetrics.count(path: path, status: status)
        let elapsed = ContinuousClock.now - start
        // Hundredths of a millisecond, written without floating-point formatting.
        let hundredths = Int(elapsed.components.seconds) * 100_000 + Int(elapsed.components.attoseconds / 10_000_000_000_000)
        let fraction = hundredths % 100
        logger.info("\(request.method.rawValue) \(Self.loggedPath(path)) \(status) \(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) ms")
    }

    /// The path with the token of a confirm or unsubscribe link cut (a token in a log is a
    /// link anyone reading the log could follow), and at most 200 bytes of anything else.
    static func loggedPath(_ path: String) -> String {
        for prefix in ["/confirm/", "/unsubscribe/"] where path.hasPrefix(prefix) {
            return prefix + "…"
        }
        // The usual path: short, printable ASCII.
        if path.utf8.count <= 200 && path.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) { return path }
        var printable = String(String.UnicodeScalarView(path.unicodeScalars.prefix(200).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
        if path.unicodeScalars.count > 200 { printable += "…" }
        return printable
    }
}
