import XMLWriting

/// Something that renders a post's Markdown: `MarkdownRenderer` in the calling process, or
/// `MarkdownWorkers` in child processes under a time budget.
public protocol MarkdownRenderingEngine: Sendable {
    /// The body as HTML with absolute links and no active content, and its excerpt.
    func render(_ source: MarkdownSource) throws(MarkdownRenderingError) -> RenderedMarkdown

    /// Renders several sources, in order, each on its own terms (one failing does not fail the
    /// others): `MarkdownWorkers` sends them to one renderer in one exchange.
    func render(_ sources: [MarkdownSource]) -> [Result<RenderedMarkdown, MarkdownRenderingError>]

    /// Gets ready to render (starts renderer processes) without waiting: call it before work
    /// that comes first (reading the posts), so that the two overlap.
    func warmUp()
}

extension MarkdownRenderingEngine {
    public func warmUp() {}

    public func render(_ sources: [MarkdownSource]) -> [Result<RenderedMarkdown, MarkdownRenderingError>] {
        sources.map { source in
            do throws(MarkdownRenderingError) {
                return .success(try render(source))
            } catch {
                return .failure(error)
            }
        }
    }
}

/// Why a post's Markdown could not be rendered. The post is left out of every output; the
/// description is the message of the diagnostic that names it.
public enum MarkdownRenderingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// cmark-gfm failed (no parser, no document): out of memory, or a broken installation.
    case cmark(String)
    /// The HTML could not be sanitised.
    case sanitizer(HTMLSanitizerError)
    /// Rendering took longer than the budget (`MarkdownWorkers`): the renderer was stopped.
    case tooSlow(budget: Duration)
    /// The HTML came out more than `WorkerMessage.expansionLimit` times the size of the Markdown.
    case outputTooLarge(bytes: Int, limit: Int)
    /// The renderer's process ended while rendering this post (a crash in cmark-gfm or libxml2,
    /// or its memory limit).
    case rendererCrashed(String)
    /// No renderer process could be started; nothing is wrong with the post.
    case workerUnavailable(String)

    public var description: String {
        switch self {
        case .cmark(let reason): return "cannot render the Markdown: \(reason)"
        case .sanitizer(let error): return "cannot sanitise the HTML: \(error)"
        case .tooSlow(let budget): return "rendering took longer than \(Self.seconds(budget)); the post is left out"
        case .outputTooLarge(let bytes, let limit):
            return "the Markdown renders to more than \(limit) bytes of HTML (\(bytes)); the post is left out"
        case .rendererCrashed(let how): return "the Markdown renderer crashed on this post (\(how)); the post is left out"
        case .workerUnavailable(let reason): return "cannot start the Markdown renderer: \(reason)"
        }
    }

    /// `2 s`, `0.5 s`.
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }
}

/// A post whose Markdown could not be rendered, named as the caller knows it (its path).
public struct RenderingFailure: Sendable, Hashable {
    public var name: String
    public var error: MarkdownRenderingError

    public init(name: String, error: MarkdownRenderingError) {
        self.name = name
        self.error = error
    }
}
