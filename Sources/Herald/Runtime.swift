import Feeds
import MarkdownRendering
#if canImport(Glibc)
import Glibc
#endif
import SMTPTransport
import XMLWriting

/// Process-wide setup of the C libraries, for `main` to call before anything else runs.
public enum Runtime {
    /// Herald's version, as `herald --version` prints it.
    public static let version = HeraldInfo.version

    /// Gives freed large buffers back to the system at once.
    ///
    /// glibc serves allocations of 128 KiB and more with `mmap` and unmaps them when freed, but
    /// raises that threshold to the size of every such block freed (up to 32 MiB): after the
    /// first large post, the buffers of the next ones come from the heap and stay in the
    /// process when freed, so a 10 MB post cost half as much memory again as it used. A fixed
    /// threshold keeps the peak RSS at what is actually in use. `mallopt` is not in Swift's
    /// `Glibc` module (`malloc.h`), hence the lookup. `main` calls this first.
    public static func tuneMemoryAllocator() {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
        _ = mallopt(mmapThreshold, 256 * 1024)
    }

    /// When this process was started as one of Herald's Markdown renderers (`MarkdownWorkers`),
    /// serves until Herald closes the socket, then exits; otherwise returns at once. `main`
    /// calls it first, before anything else is set up.
    public static func serveMarkdownWorkerIfRequested() {
        MarkdownWorkerProcess.serveIfRequested()
    }

    /// Initialises libxml2 and libcurl while the process is still single-threaded (neither
    /// library's initialisation is thread-safe). cmark-gfm's extensions need nothing here: they
    /// are registered in the renderer processes, once, by their first `MarkdownRenderer`.
    /// Throws when libcurl cannot be initialised.
    public static func initialize() throws(CurlLibraryError) {
        XMLLibrary.initialize()
        try CurlLibrary.initialize()
    }
}
