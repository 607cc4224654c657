import MarkdownRendering
import SMTPTransport
import XMLWriting

/// Process-wide setup of the C libraries, for `main` to call before anything else runs.
public enum Runtime {
    /// Initialises libxml2 and libcurl and registers cmark-gfm's extensions while the process
    /// is still single-threaded (none of these libraries' initialisation is thread-safe).
    public static func initialize() {
        XMLLibrary.initialize()
        CurlLibrary.initialize()
        _ = MarkdownRenderer()
    }
}
