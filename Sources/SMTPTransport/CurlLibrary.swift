internal import CCurl

/// Process-wide libcurl setup.
public enum CurlLibrary {
    /// `curl_global_init`: call once from `main`, before any other thread starts (it is not
    /// thread-safe, and it initialises OpenSSL). Throws when libcurl cannot be set up; no SMTP
    /// transport can work then.
    public static func initialize() throws(CurlLibraryError) {
        let code = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        guard code.rawValue == CURLE_OK.rawValue else {
            throw CurlLibraryError(message: String(cString: curl_easy_strerror(code)))
        }
    }
}

/// `curl_global_init` failed (out of memory, or the TLS library could not start).
public struct CurlLibraryError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { "libcurl cannot be initialised: \(message)" }
}
