import CoreMetrics
import Prometheus

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
enum RequestMetrics {
    static func count(path: String, status: Int) {
        Counter(label: "herald_http_requests_total", dimensions: [("route", route(of: path)), ("status", String(status))]).increment()
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
