import Foundation
import MarkdownRendering
import Synchronization

extension Configuration {
    /// What renders the posts' Markdown for feeds, digests and checks: renderer processes
    /// (`MarkdownWorkers`) running this executable, each post within `posts.renderBudget`.
    /// One pool per budget and process, shared by every caller.
    ///
    /// `HERALD_MARKDOWN_WORKER` names another executable to run instead: a process that is not
    /// `herald` (a test runner using Herald's modules) points it at a `herald` binary.
    public func markdownRenderer() -> any MarkdownRenderingEngine {
        let budget = renderBudget
        // `getenv`, not `ProcessInfo.environment`: this runs on every rebuild, and the latter
        // copies the whole environment into a dictionary each time.
        let executable = getenv("HERALD_MARKDOWN_WORKER").map { String(cString: $0) } ?? "/proc/self/exe"
        return Self.renderers.withLock { pools in
            let key = RendererKey(executable: executable, budget: budget)
            if let pool = pools[key] { return pool }
            let pool = MarkdownWorkers(executable: executable, budget: budget)
            pools[key] = pool
            return pool
        }
    }

    private struct RendererKey: Hashable {
        var executable: String
        var budget: Duration
    }

    private static let renderers = Mutex<[RendererKey: MarkdownWorkers]>([:])
}
