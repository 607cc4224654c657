import Feeds
import Foundation
import Synchronization

/// The feeds as the server knows them, shared with whoever builds them: the files in memory,
/// and the catalog of tags and authors that `GET /feeds/` lists.
public final class PublishedFeeds: Sendable {
    let files: FeedFiles
    private let currentCatalog = Mutex(FeedCatalog())

    public init(directory: URL) {
        files = FeedFiles(directory: directory)
    }

    /// A build wrote the feeds: the files are checked again at the next request for each.
    public func published(_ catalog: FeedCatalog) {
        currentCatalog.withLock { $0 = catalog }
        files.invalidate()
    }

    var catalog: FeedCatalog { currentCatalog.withLock { $0 } }
}
