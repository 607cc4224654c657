import Digests
import Foundation
import Posts
import SMTPTransport
import Store

/// `herald digest send | list | retry`: plans digests in the store and delivers them.
public struct DigestSending: Sendable {
    public var configuration: Configuration
    public var store: any HeraldStore

    public init(configuration: Configuration, store: any HeraldStore) {
        self.configuration = configuration
        self.store = store
    }

    /// Plans the next digest of `newsletterID` now (or finds the one still sending).
    public func plan(newsletterID: String, trigger: DigestTrigger = .manual, now: Date = Date()) async throws(DigestError) -> DigestPlanner.Outcome {
        let newsletter = try NewsletterMailers.newsletter(newsletterID, in: configuration)
        let mailers = try NewsletterMailers(configuration: configuration)
        let posts = try readPosts()
        do {
            return try await mailers.planner(store: store, newsletter: newsletter)
                .plan(NewsletterMailers.plannerNewsletter(newsletter), posts: posts, trigger: trigger, at: now)
        } catch {
            throw .store(error)
        }
    }

    /// What `plan` would do, writing nothing: the posts, and how many confirmed subscribers.
    public func dryRun(newsletterID: String, now: Date = Date()) async throws(DigestError) -> (posts: [Post], recipients: Int) {
        let newsletter = try NewsletterMailers.newsletter(newsletterID, in: configuration)
        let mailers = try NewsletterMailers(configuration: configuration)
        let posts = try readPosts()
        do {
            let selected = try await mailers.planner(store: store, newsletter: newsletter)
                .preview(NewsletterMailers.plannerNewsletter(newsletter), posts: posts, at: now).posts
            let recipients = try await store.subscribers(newsletter: newsletter.id, status: .confirmed).count
            return (selected, recipients)
        } catch {
            throw .store(error)
        }
    }

    /// Delivers the due rows of `digestID` (or of every digest) through the configured
    /// transport until none is due or `stop` is set; deferred rows due within `retryHorizon`
    /// seconds are waited for. Rows of `digestID` that another worker holds (a second `digest
    /// send`, the daemon) are waited for too, and taken over if that worker dies: the outcome
    /// of the command is the digest's.
    public func deliver(
        digestID: Int64?, retryHorizon: TimeInterval, stop: StopSignal, progress: @escaping @Sendable (DeliveryWorker.Progress) -> Void
    ) async throws(DigestError) -> DeliveryWorker.Progress {
        let mailers = try NewsletterMailers(configuration: configuration)
        guard let mail = configuration.mail else { throw .noMailSection }
        let transport: any MailTransport
        do {
            transport = try MailTransportFactory.make(mail)
        } catch {
            throw .transport(error)
        }
        var settings = DeliveryWorker.Settings(concurrency: Self.concurrency(of: mail))
        settings.policy = configuration.delivery.policy
        settings.commitBatch = configuration.delivery.commitBatch
        settings.lease = configuration.delivery.lease
        settings.claimBatch = store.preferredClaimBatch
        let worker = DeliveryWorker(store: store, transport: transport, settings: settings) { mailers.mailer($0) }
        do {
            var done = DeliveryWorker.Progress()
            while true {
                let before = done
                done = before + (try await worker.run(digestID: digestID, retryHorizon: retryHorizon, stop: stop) { progress(before + $0) })
                guard !stop.isStopped, let digestID, try await store.counts(digestID: digestID)[.inflight] > 0 else { return done }
                try? await Task.sleep(for: .seconds(1))
            }
        } catch {
            throw .store(error)
        }
    }

    /// The digest's deliveries per state, and whether it is completed (every row final).
    public func outcome(digestID: Int64) async throws(DigestError) -> (counts: DeliveryCounts, completed: Bool) {
        do {
            let completed = try await store.digest(id: digestID)?.status == .completed
            return (try await store.counts(digestID: digestID), completed)
        } catch {
            throw .store(error)
        }
    }

    public func counts(digestID: Int64) async throws(DigestError) -> DeliveryCounts {
        do {
            return try await store.counts(digestID: digestID)
        } catch {
            throw .store(error)
        }
    }

    public func list() async throws(DigestError) -> [(digest: Digest, counts: DeliveryCounts)] {
        do {
            return try await store.digests()
        } catch {
            throw .store(error)
        }
    }

    /// Puts the digest's failed, deferred and uncertain rows back in the queue; how many.
    public func retry(digestID: Int64, now: Date = Date()) async throws(DigestError) -> Int {
        do {
            guard try await store.digest(id: digestID) != nil else { throw DigestError.unknownDigest(digestID) }
            return try await store.retry(digestID: digestID, at: now)
        } catch let error as DigestError {
            throw error
        } catch {
            throw .store(error as! StoreError)
        }
    }

    private func readPosts() throws(DigestError) -> [Post] {
        let snapshot = SiteBuilder(configuration: configuration).readPosts()
        guard snapshot.isComplete else {
            throw .postsFolderUnreadable(snapshot.diagnostics.first?.description ?? configuration.postsDirectory.path)
        }
        return snapshot.posts
    }

    private static func concurrency(of mail: MailSettings) -> Int {
        switch mail.transport {
        case .smtp(let smtp): return smtp.concurrency
        case .maildir: return 4
        }
    }
}

/// What a delivery run did so far (for the command line's progress display).
public typealias DeliveryProgress = DeliveryWorker.Progress
/// Tells a delivery run to stop claiming.
public typealias StopSignal = Digests.StopSignal
