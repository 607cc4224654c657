import Foundation
import PostgresNIO
import Store

extension PostgresStore: SubscriberStore {
    public func addSubscribers(
        _ inputs: [SubscriberInput], status: SubscriberStatus, resubscribe: Bool, at now: Date
    ) async throws(StoreError) -> SubscriberChanges {
        guard !inputs.isEmpty else { return SubscriberChanges() }
        return try await transaction { connection in
            // The rows already there, in one query; then one insert and one update for all. An
            // address another instance inserts meanwhile is left as that instance made it.
            let emails = inputs.map { Subscriber.normalizedEmail($0.email) }
            var existing: [String: (id: Int64, name: String?, status: SubscriberStatus, newsletters: String)] = [:]
            for row in try await self.rows(
                "SELECT id, email, name, status, newsletters FROM subscriber WHERE email = ANY(\(emails)) FOR UPDATE", on: connection)
            {
                existing[try row.get("email", as: String.self)] = (
                    try row.get("id"), try row.get("name"), SubscriberStatus(rawValue: try row.get("status")) ?? .pending,
                    try row.get("newsletters"))
            }
            // The inputs in order, as the SQLite store takes them: an address listed twice is
            // added by its first line and updated by the next (the last one wins).
            struct Pending {
                var id: Int64?
                var name: String?
                var status: SubscriberStatus
                var newsletters: String
                var changed = false
            }
            var rows: [String: Pending] = existing.mapValues { Pending(id: $0.id, name: $0.name, status: $0.status, newsletters: $0.newsletters) }
            var newOrder: [String] = []
            var changes = SubscriberChanges()
            for (input, email) in zip(inputs, emails) {
                let newsletters = Self.encodeNewsletters(input.newsletters)
                guard var current = rows[email] else {
                    rows[email] = Pending(id: nil, name: input.name, status: status, newsletters: newsletters)
                    newOrder.append(email)
                    changes.added += 1
                    continue
                }
                let newStatus = SubscriberRules.status(of: current.status, addedAs: status, resubscribe: resubscribe)
                let name = input.name ?? current.name
                if name == current.name, newStatus == current.status, newsletters == current.newsletters {
                    changes.unchanged += 1
                    continue
                }
                (current.name, current.status, current.newsletters) = (name, newStatus, newsletters)
                current.changed = current.id != nil
                rows[email] = current
                changes.updated += 1
            }
            var inserts: (emails: [String], names: [String], hasName: [Bool], statuses: [String], newsletters: [String]) = ([], [], [], [], [])
            for email in newOrder {
                let row = rows[email]!
                inserts.emails.append(email)
                inserts.names.append(row.name ?? "")
                inserts.hasName.append(row.name != nil)
                inserts.statuses.append(row.status.rawValue)
                inserts.newsletters.append(row.newsletters)
            }
            var updates: (ids: [Int64], names: [String], hasName: [Bool], statuses: [String], newsletters: [String]) = ([], [], [], [], [])
            for row in rows.values where row.changed {
                updates.ids.append(row.id!)
                updates.names.append(row.name ?? "")
                updates.hasName.append(row.name != nil)
                updates.statuses.append(row.status.rawValue)
                updates.newsletters.append(row.newsletters)
            }
            if !inserts.emails.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO subscriber (email, name, status, newsletters, createdAt, updatedAt)
                    SELECT e, CASE WHEN h THEN n END, st, l, \(now), \(now)
                    FROM unnest(\(inserts.emails)::text[], \(inserts.names)::text[], \(inserts.hasName)::boolean[],
                                \(inserts.statuses)::text[], \(inserts.newsletters)::text[])
                        AS i(e, n, h, st, l)
                    ON CONFLICT (email) DO NOTHING
                    """, logger: self.logger)
            }
            if !updates.ids.isEmpty {
                try await connection.query(
                    """
                    UPDATE subscriber SET name = CASE WHEN u.h THEN u.n END, status = u.s, newsletters = u.l, updatedAt = \(now)
                    FROM unnest(\(updates.ids)::bigint[], \(updates.names)::text[], \(updates.hasName)::boolean[],
                                \(updates.statuses)::text[], \(updates.newsletters)::text[]) AS u(i, n, h, s, l)
                    WHERE subscriber.id = u.i
                    """, logger: self.logger)
            }
            return changes
        }
    }

    public func subscribers(newsletter: String?, status: SubscriberStatus?) async throws(StoreError) -> [Subscriber] {
        try await run {
            try await self.rows(
                """
                SELECT * FROM subscriber
                WHERE (\(newsletter)::text IS NULL OR newsletters = ''
                       OR position(' ' || \(newsletter)::text || ' ' IN ' ' || newsletters || ' ') > 0)
                  AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue)::text)
                ORDER BY id
                """
            ).map(Self.subscriber)
        }
    }

    public func subscriber(email: String) async throws(StoreError) -> Subscriber? {
        let normalized = Subscriber.normalizedEmail(email)
        return try await run { try await self.rows("SELECT * FROM subscriber WHERE email = \(normalized)").first.map(Self.subscriber) }
    }

    public func subscriber(id: Int64) async throws(StoreError) -> Subscriber? {
        try await run { try await self.rows("SELECT * FROM subscriber WHERE id = \(id)").first.map(Self.subscriber) }
    }

    public func setStatus(_ status: SubscriberStatus, subscriberID: Int64, at now: Date) async throws(StoreError) {
        try await run {
            try await self.client.query(
                "UPDATE subscriber SET status = \(status.rawValue), updatedAt = \(now) WHERE id = \(subscriberID)", logger: self.logger)
        }
    }

    public func removeSubscriber(email: String) async throws(StoreError) -> Bool {
        let normalized = Subscriber.normalizedEmail(email)
        return try await run {
            try await !self.rows("DELETE FROM subscriber WHERE email = \(normalized) RETURNING id").isEmpty
        }
    }

    public func requestSubscription(
        _ request: SubscriptionRequest, interval: TimeInterval, at now: Date
    ) async throws(StoreError) -> SubscriptionRequestOutcome {
        let email = Subscriber.normalizedEmail(request.email)
        return try await transaction { connection in
            // A new address: inserted, unless another instance inserts it at the same moment
            // (then this one finds that row below, locked).
            let inserted = try await self.value(
                Int64.self,
                """
                INSERT INTO subscriber (email, name, status, newsletters, createdAt, updatedAt, confirmationSentAt)
                VALUES (\(email), \(request.name), 'pending', \(request.newsletter), \(now), \(now), \(now))
                ON CONFLICT (email) DO NOTHING RETURNING id
                """, on: connection)
            if let inserted {
                return SubscriptionRequestOutcome(subscriberID: inserted, sendConfirmation: true, alreadySubscribed: false)
            }
            guard let row = try await self.rows("SELECT * FROM subscriber WHERE email = \(email) FOR UPDATE", on: connection).first else {
                // Removed between the insert and this read (`herald subscribers remove`).
                throw StoreError("the address was removed while it signed up; ask again")
            }
            let subscriber = try Self.subscriber(row)
            switch SubscriberRules.signUp(subscriber, for: request.newsletter) {
            case .nothing(let alreadySubscribed):
                return SubscriptionRequestOutcome(subscriberID: subscriber.id, sendConfirmation: false, alreadySubscribed: alreadySubscribed)
            case .confirm(let newsletters?):
                let encoded = Self.encodeNewsletters(newsletters)
                try await connection.query(
                    "UPDATE subscriber SET newsletters = \(encoded), updatedAt = \(now) WHERE id = \(subscriber.id)", logger: self.logger)
            case .confirm(nil):
                break
            }
            let lastSent: Date? = try row.get("confirmationsentat")
            guard SubscriberRules.mayMailConfirmation(lastSent: lastSent, interval: interval, at: now) else {
                return SubscriptionRequestOutcome(subscriberID: subscriber.id, sendConfirmation: false, alreadySubscribed: false)
            }
            try await connection.query(
                "UPDATE subscriber SET confirmationSentAt = \(now) WHERE id = \(subscriber.id)", logger: self.logger)
            return SubscriptionRequestOutcome(subscriberID: subscriber.id, sendConfirmation: true, alreadySubscribed: false)
        }
    }

    public func confirmSubscription(subscriberID: Int64, newsletter: String, at now: Date) async throws(StoreError) -> Subscriber? {
        try await transaction { connection in
            guard let row = try await self.rows("SELECT * FROM subscriber WHERE id = \(subscriberID) FOR UPDATE", on: connection).first
            else { return nil }
            guard let (subscriber, changed) = SubscriberRules.confirmed(try Self.subscriber(row), newsletter: newsletter, at: now) else {
                return nil
            }
            if changed {
                let newsletters = Self.encodeNewsletters(subscriber.newsletters)
                try await connection.query(
                    "UPDATE subscriber SET status = 'confirmed', newsletters = \(newsletters), updatedAt = \(now) WHERE id = \(subscriber.id)",
                    logger: self.logger)
            }
            return subscriber
        }
    }

    static func encodeNewsletters(_ ids: [String]) -> String { SubscriberRules.encodeNewsletters(ids) }

    static func subscriber(_ row: PostgresRandomAccessRow) throws -> Subscriber {
        let newsletters: String = try row.get("newsletters")
        return Subscriber(
            id: try row.get("id"), email: try row.get("email"), name: try row.get("name"),
            status: SubscriberStatus(rawValue: try row.get("status")) ?? .pending,
            newsletters: SubscriberRules.decodeNewsletters(newsletters),
            createdAt: try row.get("createdat"), updatedAt: try row.get("updatedat"))
    }
}
