import CLibXML2

/// Process-wide libxml2 setup.
public enum XMLLibrary {
    /// Initialises libxml2's globals. Call once from `main`, before any other thread starts:
    /// libxml2's lazy initialisation is not thread-safe.
    public static func initialize() {
        xmlInitParser()
    }
}
