internal import CLibXML2

/// Process-wide libxml2 setup.
public enum XMLLibrary {
    /// Initialises libxml2's globals. Call once from `main`, before any other thread starts:
    /// libxml2's lazy initialisation is not thread-safe.
    public static func initialize() {
        ensureInitialized
    }

    /// Runs `xmlInitParser` exactly once, whoever comes first (a `static let` is initialised
    /// under a lock): writers used without `initialize()` (tests, a library user) stay safe.
    static let ensureInitialized: Void = xmlInitParser()
}
