import Hummingbird
import Logging

/// One log line per request: method, path (tokens cut, no query), status, duration.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, status: response.status.code, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            log(request, status: status, since: start)
            throw error
        }
    }

    private func log(_ request: Request, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        // Hundredths of a millisecond, written without floating-point formatting.
        let hundredths = Int(elapsed.components.seconds) * 100_000 + Int(elapsed.components.attoseconds / 10_000_000_000_000)
        let fraction = hundredths % 100
        logger.info(
            "\(request.method.rawValue) \(Self.loggedPath(request.uri.path)) \(status) \(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) ms")
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
