import MarkdownRendering
import Synchronization

extension Configuration {
    /// What renders the posts' Markdown for feeds, digests and checks: renderer processes
    /// (`MarkdownWorkers`) running this executable, each post within `posts.renderBudget`.
    /// One pool per budget and process, shared by every caller.
    public func markdownRenderer() -> any MarkdownRenderingEngine {
        let budget = renderBudget
        return Self.renderers.withLock { pools in
            if let pool = pools[budget] { return pool }
            let pool = MarkdownWorkers(budget: budget)
            pools[budget] = pool
            return pool
        }
    }

    private static let renderers = Mutex<[Duration: MarkdownWorkers]>([:])
}
