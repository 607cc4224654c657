import GRDB

/// Every schema change of the SQLite store, in order. A migration, once released, never
/// changes: a new one is added.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1-subscribers-digests-deliveries") { db in
            try db.execute(sql: """
                CREATE TABLE subscriber (
                    id INTEGER PRIMARY KEY,
                    email TEXT NOT NULL UNIQUE,
                    name TEXT,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced')),
                    newsletters TEXT NOT NULL DEFAULT '',
                    createdAt REAL NOT NULL,
                    updatedAt REAL NOT NULL
                );
                CREATE TABLE post (
                    entryID TEXT PRIMARY KEY,
                    publishedAt REAL NOT NULL,
                    firstSeenAt REAL NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX post_firstSeen ON post(firstSeenAt);
                CREATE TABLE digest (
                    id INTEGER PRIMARY KEY,
                    newsletterID TEXT NOT NULL,
                    windowStart REAL,
                    windowEnd REAL NOT NULL,
                    subject TEXT NOT NULL,
                    trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual')),
                    status TEXT NOT NULL CHECK (status IN ('sending', 'completed')),
                    postIDs TEXT NOT NULL,
                    content BLOB NOT NULL,
                    createdAt REAL NOT NULL,
                    completedAt REAL
                );
                CREATE INDEX digest_newsletter ON digest(newsletterID, status);
                CREATE TABLE delivery (
                    id INTEGER PRIMARY KEY,
                    digestID INTEGER NOT NULL REFERENCES digest(id) ON DELETE CASCADE,
                    subscriberID INTEGER NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
                    messageID TEXT NOT NULL UNIQUE,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'inflight', 'sent', 'deferred', 'failed', 'uncertain', 'skipped')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    uncertainCount INTEGER NOT NULL DEFAULT 0,
                    nextAttemptAt REAL,
                    leaseOwner TEXT,
                    leaseExpiresAt REAL,
                    -- 1 once the worker holding the row has handed its message to the transport
                    -- (it may be on the wire); 0 while it is only claimed.
                    handedOver INTEGER NOT NULL DEFAULT 0,
                    replyCode INTEGER,
                    replyText TEXT,
                    updatedAt REAL NOT NULL,
                    UNIQUE (digestID, subscriberID)
                );
                CREATE INDEX delivery_due ON delivery(nextAttemptAt) WHERE nextAttemptAt IS NOT NULL;
                -- A worker draining one digest finds its due rows in order without scanning the
                -- digest's other rows (without it, each claim sorted all 100,000 of them).
                CREATE INDEX delivery_digest_due ON delivery(digestID, nextAttemptAt) WHERE nextAttemptAt IS NOT NULL;
                CREATE INDEX delivery_lease ON delivery(leaseExpiresAt) WHERE state = 'inflight';
                CREATE INDEX delivery_digest_state ON delivery(digestID, state);
                CREATE INDEX delivery_subscriber ON delivery(subscriberID);
                """)
        }
        // Each scheduled fire time of a newsletter, taken once: by whichever process (or
        // instance) inserts it first. Also where a restarted daemon finds its last fire.
        migrator.registerMigration("2-schedule-fires") { db in
            try db.execute(sql: """
                CREATE TABLE scheduleFire (
                    newsletterID TEXT NOT NULL,
                    fireAt REAL NOT NULL,
                    takenAt REAL NOT NULL,
                    PRIMARY KEY (newsletterID, fireAt)
                );
                """)
        }
        // When the public form last sent a subscriber a confirmation link: at most one per
        // address per interval, whichever instance the requests reach.
        migrator.registerMigration("3-confirmation-sent") { db in
            try db.execute(sql: "ALTER TABLE subscriber ADD COLUMN confirmationSentAt REAL")
        }
        // A removed subscriber's id is never given again: confirm and unsubscribe links name
        // the id, and one mailed to the removed address must not act on a new subscriber.
        // `INTEGER PRIMARY KEY` alone reuses the highest id once it is removed; AUTOINCREMENT
        // does not. SQLite cannot change a key in place: the table is made again (foreign keys
        // are off during a migration, so the deliveries keep pointing at their subscribers).
        // An id removed before this migration, above every id left, may still be given once.
        migrator.registerMigration("4-subscriber-ids-never-reused") { db in
            try db.execute(sql: """
                CREATE TABLE subscriber_new (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    email TEXT NOT NULL UNIQUE,
                    name TEXT,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced')),
                    newsletters TEXT NOT NULL DEFAULT '',
                    createdAt REAL NOT NULL,
                    updatedAt REAL NOT NULL,
                    confirmationSentAt REAL
                );
                INSERT INTO subscriber_new (id, email, name, status, newsletters, createdAt, updatedAt, confirmationSentAt)
                    SELECT id, email, name, status, newsletters, createdAt, updatedAt, confirmationSentAt FROM subscriber;
                DROP TABLE subscriber;
                ALTER TABLE subscriber_new RENAME TO subscriber;
                """)
        }
        return migrator
    }
}
