import CoreMetrics
import Foundation
import Prometheus
import Store
import Web

/// The daemon's metrics: one Prometheus registry for the process, the global metrics system
/// bootstrapped once with it (swift-metrics allows one bootstrap per process), so that what the
/// modules count (deliveries, requests, builds) lands there.
enum HeraldMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Build times: tens of milliseconds to tens of seconds.
        factory.defaultDurationHistogramBuckets = [.milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60)]
        MetricsSystem.bootstrap(factory)
        Gauge(label: "herald_info", dimensions: [("version", Runtime.version), ("host", ProcessInfo.processInfo.hostName)]).record(1)
        return registry
    }()

    /// `/metrics` for the daemon on `store`: the queue's depth by state read at each scrape.
    static func endpoint(store: any HeraldStore) -> MetricsEndpoint {
        MetricsEndpoint(registry: registry) {
            guard let counts = try? await store.deliveryCounts() else { return }
            for state in DeliveryState.allCases {
                Gauge(label: "herald_queue_deliveries", dimensions: [("state", state.rawValue)]).record(counts[state])
            }
        }
    }

    /// After each feed build.
    static func built(seconds: Double?, rejected: Int?, published: Int?) {
        Counter(label: "herald_feed_builds_total", dimensions: [("result", seconds == nil ? "failed" : "ok")]).increment()
        if let seconds { Timer(label: "herald_feed_build_duration_seconds").recordSeconds(seconds) }
        if let rejected { Gauge(label: "herald_posts_rejected").record(rejected) }
        if let published { Gauge(label: "herald_posts_published").record(published) }
    }
}
