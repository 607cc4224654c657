import Foundation
import PostgresNIO
import Store

// The statements a delivery run sends for every batch of messages, prepared once per
// connection: parsing and planning them at each call was a quarter of the server's CPU in a
// send. Two claims, not one with "digest or any": a prepared statement's generic plan could
// not use the per-digest index.

/// The SQL of a claim: the first `$2` due rows (`$1` now) that `filter` keeps, locked with
/// SKIP LOCKED (workers claiming at once, in this process or another instance, each take
/// other rows without waiting for one another), made `inflight` for owner `$3` until `$4`.
private func claimSQL(filter: String) -> String {
    """
    WITH due AS (
        SELECT id FROM delivery
        WHERE \(filter)nextAttemptAt IS NOT NULL AND nextAttemptAt <= $1
        ORDER BY nextAttemptAt, id
        LIMIT $2
        FOR UPDATE SKIP LOCKED)
    UPDATE delivery d SET state = 'inflight', nextAttemptAt = NULL, leaseOwner = $3, leaseExpiresAt = $4,
        handedOver = false, attempts = d.attempts + 1, updatedAt = $1
    FROM due, subscriber s
    WHERE d.id = due.id AND s.id = d.subscriberID
    RETURNING d.id, d.digestID, d.subscriberID, d.messageID, d.attempts, d.uncertainCount, s.email, s.name, s.status
    """
}

/// What both claims bind, as `$1`…`$4`, and how they read a claimed row.
struct ClaimParameters: Sendable {
    var now: Date
    var limit: Int64
    var owner: String
    var leaseUntil: Date

    func bindings(capacity: Int = 4) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: capacity)
        bindings.append(now)
        bindings.append(limit)
        bindings.append(owner)
        bindings.append(leaseUntil)
        return bindings
    }

    static func decode(_ row: PostgresRow) throws -> ClaimedDelivery {
        let (id, digestID, subscriberID, messageID, attempts, uncertainCount, email, name, status) =
            try row.decode((Int64, Int64, Int64, String, Int32, Int32, String, String?, String).self)
        return ClaimedDelivery(
            id: id, digestID: digestID, subscriberID: subscriberID, email: email, name: name,
            subscriberStatus: SubscriberStatus(rawValue: status) ?? .pending, messageID: messageID,
            attempts: Int(attempts), uncertainCount: Int(uncertainCount))
    }
}

/// Claims due rows of any digest.
struct ClaimAnyStatement: PostgresPreparedStatement {
    static let name = "heraldClaimAny"
    static let sql = claimSQL(filter: "")
    typealias Row = ClaimedDelivery

    var parameters: ClaimParameters

    func makeBindings() throws -> PostgresBindings { parameters.bindings() }
    func decodeRow(_ row: PostgresRow) throws -> ClaimedDelivery { try ClaimParameters.decode(row) }
}

/// Claims due rows of digest `digestID` (`$5`).
struct ClaimDigestStatement: PostgresPreparedStatement {
    static let name = "heraldClaimDigest"
    static let sql = claimSQL(filter: "digestID = $5 AND ")
    typealias Row = ClaimedDelivery

    var parameters: ClaimParameters
    var digestID: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = parameters.bindings(capacity: 5)
        bindings.append(digestID)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> ClaimedDelivery { try ClaimParameters.decode(row) }
}

/// Records a batch of outcomes in one statement (so one round trip, its own transaction):
/// arrays, with -1 standing for "none" (arrays of optionals are not bound). Subscribers' new
/// statuses (bounces) follow only the rows the worker still held. Returns the rows updated.
struct RecordStatement: PostgresPreparedStatement {
    static let name = "heraldRecord"
    static let sql = """
        WITH updated AS (
            UPDATE delivery d SET state = r.state,
                nextAttemptAt = CASE WHEN r.next < 0 THEN NULL ELSE to_timestamp(r.next) END,
                uncertainCount = d.uncertainCount + r.uncertain,
                replyCode = CASE WHEN r.code < 0 THEN NULL ELSE r.code END, replyText = r.text,
                leaseOwner = NULL, leaseExpiresAt = NULL, handedOver = false, updatedAt = $1
            FROM unnest($3::bigint[], $4::text[], $5::float8[], $6::int[], $7::int[], $8::text[])
                AS r(id, state, next, uncertain, code, text)
            WHERE d.id = r.id AND d.state = 'inflight' AND d.leaseOwner = $2
            RETURNING d.id, d.subscriberID),
        bounced AS (
            UPDATE subscriber s SET status = b.status, updatedAt = $1
            FROM unnest($9::bigint[], $10::text[]) AS b(delivery, status), updated u
            WHERE u.id = b.delivery AND s.id = u.subscriberID
            RETURNING 1)
        SELECT count(*)::bigint FROM updated
        """
    typealias Row = Int64

    var now: Date
    var owner: String
    var ids: [Int64] = [], states: [String] = [], nexts: [Double] = [], uncertain: [Int32] = []
    var codes: [Int32] = [], texts: [String] = []
    var bouncedIDs: [Int64] = [], bouncedStatuses: [String] = []

    init(_ results: [DeliveryResult], owner: String, at now: Date) {
        self.now = now
        self.owner = owner
        for result in results {
            let (state, next, isUncertain) = result.outcome.stored
            ids.append(result.deliveryID)
            states.append(state.rawValue)
            nexts.append(next?.timeIntervalSince1970 ?? -1)
            uncertain.append(isUncertain ? 1 : 0)
            codes.append(Int32(clamping: result.replyCode ?? -1))
            texts.append(result.replyText)
            if let status = result.subscriberStatus {
                bouncedIDs.append(result.deliveryID)
                bouncedStatuses.append(status.rawValue)
            }
        }
    }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 10)
        bindings.append(now)
        bindings.append(owner)
        bindings.append(ids)
        bindings.append(states)
        bindings.append(nexts)
        bindings.append(uncertain)
        bindings.append(codes)
        bindings.append(texts)
        bindings.append(bouncedIDs)
        bindings.append(bouncedStatuses)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
}
