import Digests
import Foundation

/// The `delivery` section: how digests are retried and how much a crash may re-send.
public struct DeliverySettings: Sendable {
    public var policy = RetryPolicy()
    /// Outcomes committed together (each one counts in the duplicates a crash can cause).
    public var commitBatch = 32
    /// How long a worker's claim holds before another process may take the row over.
    public var lease: TimeInterval = 300

    public init() {}
}

extension ConfigurationParser {
    func delivery(_ reader: inout ConfigReader) throws(ConfigurationError) -> DeliverySettings {
        var settings = DeliverySettings()
        settings.policy.firstRetry = try reader.number("firstRetry", in: 1...86_400, default: 60)
        settings.policy.maximumRetry = try reader.number("maxRetry", in: 1...604_800, default: 3600)
        settings.policy.lifetime = try reader.number("lifetimeHours", in: 0.01...720, default: 72) * 3600
        let uncertain = try reader.string("uncertain", default: "retry")
        switch uncertain {
        case "retry": settings.policy.uncertainRetries = 1
        case "sent": settings.policy.uncertainRetries = 0
        default: throw reader.error("uncertain", "expected \"retry\" (send once more, same Message-ID) or \"sent\" (count it as sent), found \"\(uncertain)\"")
        }
        settings.commitBatch = try reader.integer("commitBatch", in: 1...1000, default: 32)
        settings.lease = try reader.number("lease", in: 10...86_400, default: 300)
        try reader.finish()
        return settings
    }
}
