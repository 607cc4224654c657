import Foundation
import GRDB

extension SQLiteStore: SubscriberStore {
    public func addSubscribers(
        _ inputs: [SubscriberInput], status: SubscriberStatus, resubscribe: Bool, at now: Date
    ) async throws(StoreError) -> SubscriberChanges {
        try await write { db in
            var changes = SubscriberChanges()
            let find = try db.cachedStatement(sql: "SELECT id, name, status, newsletters FROM subscriber WHERE email = ?")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO subscriber (email, name, status, newsletters, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)
                """)
            let update = try db.cachedStatement(sql: "UPDATE subscriber SET name = ?, status = ?, newsletters = ?, updatedAt = ? WHERE id = ?")
            for input in inputs {
                let email = Subscriber.normalizedEmail(input.email)
                let newsletters = Self.encodeNewsletters(input.newsletters)
                guard let row = try Row.fetchOne(find, arguments: [email]) else {
                    try insert.execute(arguments: [email, input.name, status.rawValue, newsletters, now.storeValue, now.storeValue])
                    changes.added += 1
                    continue
                }
                let current = SubscriberStatus(rawValue: row["status"]) ?? .pending
                let newStatus = SubscriberRules.status(of: current, addedAs: status, resubscribe: resubscribe)
                let name: String? = input.name ?? row["name"]
                if name == row["name"], newStatus == current, newsletters == row["newsletters"] {
                    changes.unchanged += 1
                } else {
                    try update.execute(arguments: [name, newStatus.rawValue, newsletters, now.storeValue, row["id"] as Int64])
                    changes.updated += 1
                }
            }
            return changes
        }
    }

    public func subscribers(newsletter: String?, status: SubscriberStatus?) async throws(StoreError) -> [Subscriber] {
        try await read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let newsletter {
                conditions.append(Self.takesNewsletterSQL)
                arguments += [newsletter]
            }
            if let status {
                conditions.append("status = ?")
                arguments += [status.rawValue]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "SELECT * FROM subscriber \(filter) ORDER BY id", arguments: arguments)
                .map(Self.subscriber)
        }
    }

    public func subscriber(email: String) async throws(StoreError) -> Subscriber? {
        let normalized = Subscriber.normalizedEmail(email)
        return try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM subscriber WHERE email = ?", arguments: [normalized]).map(Self.subscriber)
        }
    }

    public func subscriber(id: Int64) async throws(StoreError) -> Subscriber? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM subscriber WHERE id = ?", arguments: [id]).map(Self.subscriber)
        }
    }

    public func setStatus(_ status: SubscriberStatus, subscriberID: Int64, at now: Date) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: "UPDATE subscriber SET status = ?, updatedAt = ? WHERE id = ?",
                arguments: [status.rawValue, now.storeValue, subscriberID])
        }
    }

    public func removeSubscriber(email: String) async throws(StoreError) -> Bool {
        let normalized = Subscriber.normalizedEmail(email)
        return try await write { db in
            try db.execute(sql: "DELETE FROM subscriber WHERE email = ?", arguments: [normalized])
            return db.changesCount > 0
        }
    }

    public func requestSubscription(
        _ request: SubscriptionRequest, interval: TimeInterval, at now: Date
    ) async throws(StoreError) -> SubscriptionRequestOutcome {
        let email = Subscriber.normalizedEmail(request.email)
        return try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM subscriber WHERE email = ?", arguments: [email]) else {
                try db.execute(
                    sql: """
                        INSERT INTO subscriber (email, name, status, newsletters, createdAt, updatedAt, confirmationSentAt)
                        VALUES (?, ?, 'pending', ?, ?, ?, ?)
                        """,
                    arguments: [email, request.name, request.newsletter, now.storeValue, now.storeValue, now.storeValue])
                return SubscriptionRequestOutcome(subscriberID: db.lastInsertedRowID, sendConfirmation: true, alreadySubscribed: false)
            }
            let subscriber = Self.subscriber(row)
            switch SubscriberRules.signUp(subscriber, for: request.newsletter) {
            case .nothing(let alreadySubscribed):
                return SubscriptionRequestOutcome(subscriberID: subscriber.id, sendConfirmation: false, alreadySubscribed: alreadySubscribed)
            case .confirm(let newsletters?):
                try db.execute(
                    sql: "UPDATE subscriber SET newsletters = ?, updatedAt = ? WHERE id = ?",
                    arguments: [Self.encodeNewsletters(newsletters), now.storeValue, subscriber.id])
            case .confirm(nil):
                break
            }
            let lastSent = (row["confirmationSentAt"] as Double?).map { Date(storeValue: $0) }
            guard SubscriberRules.mayMailConfirmation(lastSent: lastSent, interval: interval, at: now) else {
                return SubscriptionRequestOutcome(subscriberID: subscriber.id, sendConfirmation: false, alreadySubscribed: false)
            }
            try db.execute(
                sql: "UPDATE subscriber SET confirmationSentAt = ? WHERE id = ?", arguments: [now.storeValue, subscriber.id])
            return SubscriptionRequestOutcome(subscriberID: subscriber.id, sendConfirmation: true, alreadySubscribed: false)
        }
    }

    public func confirmSubscription(subscriberID: Int64, newsletter: String, at now: Date) async throws(StoreError) -> Subscriber? {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM subscriber WHERE id = ?", arguments: [subscriberID]) else {
                return nil
            }
            guard let (subscriber, changed) = SubscriberRules.confirmed(Self.subscriber(row), newsletter: newsletter, at: now) else {
                return nil
            }
            if changed {
                try db.execute(
                    sql: "UPDATE subscriber SET status = 'confirmed', newsletters = ?, updatedAt = ? WHERE id = ?",
                    arguments: [Self.encodeNewsletters(subscriber.newsletters), now.storeValue, subscriber.id])
            }
            return subscriber
        }
    }

    /// The subscriber takes the newsletter bound to `?`: newsletter ids are kept space-separated,
    /// and an empty list means every newsletter.
    static let takesNewsletterSQL = "(newsletters = '' OR instr(' ' || newsletters || ' ', ' ' || ? || ' ') > 0)"

    static func encodeNewsletters(_ ids: [String]) -> String { SubscriberRules.encodeNewsletters(ids) }

    static func subscriber(_ row: Row) -> Subscriber {
        let newsletters: String = row["newsletters"]
        return Subscriber(
            id: row["id"], email: row["email"], name: row["name"],
            status: SubscriberStatus(rawValue: row["status"]) ?? .pending,
            newsletters: SubscriberRules.decodeNewsletters(newsletters),
            createdAt: Date(storeValue: row["createdAt"]), updatedAt: Date(storeValue: row["updatedAt"]))
    }
}
