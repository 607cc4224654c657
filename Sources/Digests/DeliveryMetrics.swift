import CoreMetrics
import Store

/// The delivery counters `/metrics` shows: outcomes and the classes of SMTP replies. Made once
/// (after the daemon has bootstrapped its metrics system; without one they count nothing).
enum DeliveryMetrics {
    private static let outcomes: [String: Counter] = Dictionary(
        uniqueKeysWithValues: ["sent", "deferred", "failed", "uncertain", "skipped"].map {
            ($0, Counter(label: "herald_deliveries_total", dimensions: [("outcome", $0)]))
        })
    private static let replies: [String: Counter] = Dictionary(
        uniqueKeysWithValues: ["2xx", "3xx", "4xx", "5xx", "none"].map {
            ($0, Counter(label: "herald_smtp_replies_total", dimensions: [("class", $0)]))
        })

    static func count(_ result: DeliveryResult) {
        outcomes[result.outcome.stored.state.rawValue]?.increment()
        let replyClass = result.replyCode.map { (200..<600).contains($0) ? "\($0 / 100)xx" : "none" } ?? "none"
        replies[replyClass]?.increment()
    }
}
