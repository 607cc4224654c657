import CCurl

/// Process-wide libcurl setup.
public enum CurlLibrary {
    /// `curl_global_init`: call once from `main`, before any other thread starts (it is not
    /// thread-safe, and it initialises OpenSSL).
    public static func initialize() {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }
}
