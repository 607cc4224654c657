import MarkdownRendering
import XMLWriting

/// Process-wide setup of the C libraries, for `main` to call before anything else runs.
public enum Runtime {
    /// Initialises libxml2 and registers cmark-gfm's extensions while the process is still
    /// single-threaded (neither library's lazy initialisation is thread-safe).
    public static func initialize() {
        XMLLibrary.initialize()
        _ = MarkdownRenderer()
    }
}
