import CoreMetrics
import Prometheus
import Synchronization

/// `GET /metrics`: the process's metrics in Prometheus's text format. What is counted as it
/// happens (deliveries, builds, requests) is in `registry` already; what is a state of the
/// store (the queue's depth) is read by `refresh` just before each scrape.
public struct MetricsEndpoint: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let refresh: @Sendable () async -> Void

    public init(registry: PrometheusCollectorRegistry, refresh: @escaping @Sendable () async -> Void) {
        self.registry = registry
        self.refresh = refresh
    }

    func body() async -> [UInt8] {
        await refresh()
        return registry.emitToBuffer()
    }
}

/// The counter of HTTP requests, by route (a small fixed set: never the raw path, whose
/// values an attacker chooses) and status.
///
/// Each (route, status) counter is made once and kept: making it per request (a lookup in the
/// registry under its lock, two label arrays) cost a tenth of a 304's throughput.
enum RequestMetrics {
    private struct Key: Hashable {
        var route: String
        var status: Int
    }

    /// The counters made so far; at most `limit` (routes × the statuses Herald answers with).
    private static let counters = Mutex<[Key: CoreMetrics.Counter]>([:])
    private static let limit = 512

    static func count(path: String, status: Int) {
        let key = Key(route: route(of: path), status: status)
        let counter = counters.withLock { counters -> CoreMetrics.Counter in
            if let known = counters[key] { return known }
            let made = CoreMetrics.Counter(label: "herald_http_requests_total", dimensions: [("route", key.route), ("status", String(status))])
            if counters.count < limit { counters[key] = made }
            return made
        }
        counter.increment()
    }

    static func route(of path: String) -> String {
        if path.hasPrefix("/feeds/") { return path == "/feeds/" ? "feed_index" : "feeds" }
        if path.hasPrefix("/confirm/") { return "confirm" }
        if path.hasPrefix("/unsubscribe/") { return "unsubscribe" }
        if path.hasPrefix("/admin/") { return "admin" }
        switch path {
        case "/": return "home"
        case "/subscribe": return "subscribe"
        case "/healthz": return "healthz"
        case "/metrics": return "metrics"
        default: return "other"
        }
    }
}
