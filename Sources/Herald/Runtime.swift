import Feeds
import MarkdownRendering
import SMTPTransport
import XMLWriting

/// Process-wide setup of the C libraries, for `main` to call before anything else runs.
public enum Runtime {
    /// Herald's version, as `herald --version` prints it.
    public static let version = HeraldInfo.version

    /// When this process was started as one of Herald's Markdown renderers (`MarkdownWorkers`),
    /// serves until Herald closes the socket, then exits; otherwise returns at once. `main`
    /// calls it first, before anything else is set up.
    public static func serveMarkdownWorkerIfRequested() {
        MarkdownWorkerProcess.serveIfRequested()
    }

    /// Initialises libxml2 and libcurl and registers cmark-gfm's extensions while the process
    /// is still single-threaded (none of these libraries' initialisation is thread-safe).
    /// Throws when libcurl cannot be initialised.
    public static func initialize() throws(CurlLibraryError) {
        XMLLibrary.initialize()
        try CurlLibrary.initialize()
        _ = MarkdownRenderer()
    }
}
