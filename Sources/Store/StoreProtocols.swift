import Foundation

/// Subscribers: the people who take one or more newsletters.
public protocol SubscriberStore: Sendable {
    /// Adds or updates `inputs` in one transaction. New subscribers get `status`; existing
    /// `pending` ones move to `status`; `unsubscribed` and `bounced` ones change status only
    /// with `resubscribe`. Names and newsletters are replaced by the input's.
    func addSubscribers(_ inputs: [SubscriberInput], status: SubscriberStatus, resubscribe: Bool, at now: Date)
        async throws(StoreError) -> SubscriberChanges
    /// Subscribers in id order, optionally only those taking `newsletter` and in `status`.
    func subscribers(newsletter: String?, status: SubscriberStatus?) async throws(StoreError) -> [Subscriber]
    func subscriber(email: String) async throws(StoreError) -> Subscriber?
    func subscriber(id: Int64) async throws(StoreError) -> Subscriber?
    func setStatus(_ status: SubscriberStatus, subscriberID: Int64, at now: Date) async throws(StoreError)
    /// Deletes the subscriber and their delivery history; `false` when there was none.
    func removeSubscriber(email: String) async throws(StoreError) -> Bool
    /// The public form's sign-up, in one transaction: a new address becomes a `pending`
    /// subscriber of `request.newsletter`; a pending one also takes it. Whether a confirmation
    /// link should be mailed now: not when the subscriber already takes the newsletter
    /// confirmed, nor for a bounced address, nor when one was sent less than `interval` ago
    /// (the time is then recorded, so that of many requests at once one mails).
    func requestSubscription(_ request: SubscriptionRequest, interval: TimeInterval, at now: Date)
        async throws(StoreError) -> SubscriptionRequestOutcome
    /// A confirmation link was followed: the subscriber takes `newsletter`, confirmed. A
    /// bounced or unknown subscriber is left alone (`nil`); the subscriber as they are now.
    func confirmSubscription(subscriberID: Int64, newsletter: String, at now: Date) async throws(StoreError) -> Subscriber?
}

/// Which posts Herald has seen published, and when it first saw each.
public protocol PostLedger: Sendable {
    /// Records the published posts (entry id, publication date). Posts already known keep
    /// their first-seen time. On an empty ledger (a new store), each post counts as seen at
    /// its own publication date, so that the first digest does not take every old post as new.
    func recordPublished(_ posts: [(entryID: String, publishedAt: Date)], at now: Date) async throws(StoreError)
    /// Entry ids first seen after `start` (or ever, when `nil`) and at or before `end`.
    func postsFirstSeen(after start: Date?, upTo end: Date) async throws(StoreError) -> Set<String>
}

/// Digests and their planning.
public protocol DigestStore: Sendable {
    /// The end of the newsletter's latest completed digest's window.
    func lastCompletedWindowEnd(newsletterID: String) async throws(StoreError) -> Date?
    /// The newsletter's oldest digest that is still sending.
    func unfinishedDigest(newsletterID: String) async throws(StoreError) -> Digest?
    /// In one transaction: the digest row, and one `pending` delivery, with its Message-ID,
    /// for each confirmed subscriber who takes the newsletter. Returns the digest and how many
    /// deliveries it has (with none, the digest is completed at once); `nil`, planning nothing,
    /// when the newsletter has a digest still sending (another process planned it since the
    /// caller looked): the check and the insert are one transaction, so two sends started
    /// together never plan two digests.
    func plan(_ plan: DigestPlan, at now: Date) async throws(StoreError) -> (digest: Digest, deliveries: Int)?
    func digest(id: Int64) async throws(StoreError) -> Digest?
    /// Every digest, newest first, with its delivery counts.
    func digests() async throws(StoreError) -> [(digest: Digest, counts: DeliveryCounts)]
    func counts(digestID: Int64) async throws(StoreError) -> DeliveryCounts
    /// The deliveries of the digests still sending, per state, added up: the queue's depth and
    /// its progress. Completed digests are history (`digests()`), not read: the cost follows
    /// the queue, not the store's age.
    func deliveryCounts() async throws(StoreError) -> DeliveryCounts
    /// Marks the digest completed when every delivery is final; returns whether it is.
    func completeIfFinal(digestID: Int64, at now: Date) async throws(StoreError) -> Bool
    /// Puts the digest's `failed`, `deferred` and `uncertain` deliveries back in the queue,
    /// due now; returns how many. A completed digest with such rows becomes `sending` again, so
    /// that the next send of its newsletter resumes it.
    func retry(digestID: Int64, at now: Date) async throws(StoreError) -> Int
    /// Takes the newsletter's scheduled fire at `fireAt` for the caller: `true` for the one
    /// caller, across processes and instances, that takes it first; `false` for every other.
    /// A schedule plans its digest only when it took the fire.
    func takeScheduledFire(newsletterID: String, fireAt: Date, at now: Date) async throws(StoreError) -> Bool
    /// The newsletter's latest scheduled fire taken, if any.
    func lastScheduledFire(newsletterID: String) async throws(StoreError) -> Date?
}

/// The delivery queue. Its operations are ones a server database does natively
/// (`SELECT … FOR UPDATE SKIP LOCKED`), so that any number of workers, in one process or
/// several, can drain one queue.
public protocol DeliveryQueue: Sendable {
    /// How many rows a worker claims per call: a claim is a round trip and a commit, cheap on
    /// an embedded store, dearer on a server.
    var preferredClaimBatch: Int { get }
    /// Claims at most `limit` due deliveries (of `digestID`, or of any digest) for `owner`
    /// until `leaseUntil`: they become `inflight` in the store before this returns.
    func claim(limit: Int, digestID: Int64?, owner: String, leaseUntil: Date, at now: Date)
        async throws(StoreError) -> [ClaimedDelivery]
    /// Records outcomes of deliveries `owner` holds, in one transaction. A row whose lease
    /// `owner` no longer holds is left alone. Returns how many rows were updated.
    @discardableResult
    func record(_ results: [DeliveryResult], owner: String, at now: Date) async throws(StoreError) -> Int
    /// Marks claimed deliveries as handed to the transport; a worker calls it just before it
    /// hands their messages over. Claiming ahead costs nothing on a crash: only marked rows can
    /// have gone out. The mark survives the death of the process, not necessarily a power cut
    /// (then the row looks never sent, and is sent again: at most the rows marked since the
    /// last `record`).
    /// Returns the rows marked: those `owner` still holds (a worker that lost its lease, say
    /// after being suspended, must not send rows another worker may have taken).
    func markHandedOver(_ deliveryIDs: [Int64], owner: String) async throws(StoreError) -> Set<Int64>
    /// `markHandedOver` for one claimed row, blocking the calling thread, without checking the
    /// lease (the caller knows its leases are alive: it renews them): a delivery lane (one of
    /// the transport's threads, never the cooperative pool's) marks each row just before it
    /// sends it, and a mark per message must cost neither a hand-off to another thread nor a
    /// round trip: both stores append it to a local journal (`HandoverJournal`). The mark names
    /// the attempt (`delivery.attempts`): one of an earlier claim of the row says nothing of this one.
    func markHandedOverBlocking(_ delivery: ClaimedDelivery, owner: String) throws(StoreError)
    /// `owner` is done (every outcome recorded, every unsent row released): what the store kept
    /// about its work in progress may go. Rows it still holds keep it.
    func endWork(owner: String) async throws(StoreError)
    /// Extends every lease `owner` holds until `leaseUntil`. A live worker renews its leases
    /// while it works, so that a long claim or a slow server never lets another worker take
    /// rows it still holds; a dead one stops renewing. Returns how many rows were renewed.
    @discardableResult
    func renewLeases(owner: String, until leaseUntil: Date) async throws(StoreError) -> Int
    /// Rows whose lease ran out (their worker died) and whose message had been handed to the
    /// transport become `uncertain`: due again now while they have been uncertain at most
    /// `uncertainRetries` times, final after that. Rows only claimed go back to the queue as
    /// they were, due now. Returns how many rows were released.
    @discardableResult
    func expireLeases(at now: Date, uncertainRetries: Int) async throws(StoreError) -> Int
    /// Rows of `owners` are released at once, as if their leases had run out: for workers
    /// known to be dead (a process of this host that no longer exists).
    @discardableResult
    func expireLeases(heldBy owners: Set<String>, at now: Date, uncertainRetries: Int) async throws(StoreError) -> Int
    /// The owners of the leases held now (and of work in progress the store still keeps).
    func leaseOwners() async throws(StoreError) -> Set<String>
    /// Gives back claimed rows that were never handed to a transport (a worker told to stop):
    /// due again now, in the state they had.
    func release(_ deliveryIDs: [Int64], owner: String, at now: Date) async throws(StoreError)
    /// The earliest time a delivery of `digestID` (or of any digest) is due, if any is waiting.
    func nextDue(digestID: Int64?) async throws(StoreError) -> Date?
}

extension DeliveryQueue {
    public var preferredClaimBatch: Int { 64 }
}

/// Everything Herald keeps: what `herald run` and the commands open.
public typealias HeraldStore = SubscriberStore & PostLedger & DigestStore & DeliveryQueue

/// The store could not do what was asked; the message says what to check.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
