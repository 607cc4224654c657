import Foundation

/// Bounds how many bytes of feed files are being made and written at once.
///
/// Feeds are made and flushed on several threads; for ordinary posts a feed is some hundreds
/// of kilobytes and that parallelism costs nothing. A 10 MB post, though, is in every feed
/// that lists it (the site's, its tags', its author's, in each format): made all at once,
/// those copies multiplied the post's size in memory. A job declares the size it expects and
/// waits until that many bytes are free; a job larger than the whole allowance runs alone.
final class InFlightBytes: @unchecked Sendable {
    let limit: Int
    private var inUse = 0
    private let condition = NSCondition()

    init(limit: Int) {
        self.limit = limit
    }

    /// Runs `body` once `bytes` fit within the limit (or nothing else runs).
    func reserving<Result>(_ bytes: Int, _ body: () -> Result) -> Result {
        let bytes = max(bytes, 0)
        condition.lock()
        while inUse > 0 && inUse + bytes > limit { condition.wait() }
        inUse += bytes
        condition.unlock()
        defer {
            condition.lock()
            inUse -= bytes
            condition.broadcast()
            condition.unlock()
        }
        return body()
    }
}
