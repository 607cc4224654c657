import Digests
import Foundation
import Store
import Web

/// The admin API's work, done by the same code as the commands: `herald status --json`,
/// `herald digest send --no-wait`, and a digest's counts.
struct DaemonAdmin: AdminBackend {
    let configuration: Configuration
    let store: any HeraldStore

    func status() async -> AdminReply {
        do {
            return Self.reply(200, try await StatusReport.read(configuration: configuration, store: store))
        } catch {
            return Self.failure(500, error.description)
        }
    }

    private struct Queued: Encodable {
        var outcome: String
        var digest: Int64?
        var newsletter: String
        var deliveries: Int?
        var subject: String?
        var since: Date?
    }

    func queueDigest(newsletterID: String) async -> AdminReply {
        let sending = DigestSending(configuration: configuration, store: store)
        do {
            switch try await sending.plan(newsletterID: newsletterID) {
            case .planned(let digest, let deliveries):
                return Self.reply(
                    201,
                    Queued(outcome: "planned", digest: digest.id, newsletter: newsletterID, deliveries: deliveries, subject: digest.subject))
            case .resumed(let digest):
                return Self.reply(200, Queued(outcome: "resumed", digest: digest.id, newsletter: newsletterID, subject: digest.subject))
            case .nothingNew(let start):
                return Self.reply(200, Queued(outcome: "nothingNew", newsletter: newsletterID, since: start))
            case .renderersUnavailable(let reason):
                return Self.failure(503, "no digest planned: the Markdown renderers cannot run: \(reason)")
            }
        } catch {
            if case .unknownNewsletter = error { return Self.failure(404, error.description) }
            return Self.failure(500, error.description)
        }
    }

    private struct DigestState: Encodable {
        var id: Int64
        var newsletter: String
        var status: String
        var subject: String
        var planned: Date
        var completed: Date?
        var deliveries: [String: Int]
    }

    func digest(id: Int64) async -> AdminReply {
        do {
            guard let digest = try await store.digest(id: id) else { return Self.failure(404, "no digest \(id)") }
            let counts = try await store.counts(digestID: id)
            return Self.reply(
                200,
                DigestState(
                    id: id, newsletter: digest.newsletterID, status: digest.status.rawValue, subject: digest.subject,
                    planned: digest.createdAt, completed: digest.completedAt,
                    deliveries: Dictionary(uniqueKeysWithValues: counts.byState.map { ($0.key.rawValue, $0.value) })))
        } catch {
            return Self.failure(500, error.description)
        }
    }

    private static func reply(_ status: Int, _ value: some Encodable) -> AdminReply {
        do {
            return AdminReply(status: status, json: try HeraldJSON.encode(value))
        } catch {
            return failure(500, "cannot encode the answer: \(error)")
        }
    }

    private static func failure(_ status: Int, _ message: String) -> AdminReply {
        AdminReply(status: status, json: (try? HeraldJSON.encode(["error": message])) ?? Array("{}".utf8))
    }
}
