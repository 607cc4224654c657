import CCurl
import Mail

/// One SMTP session through a libcurl easy handle, reused for message after message (libcurl
/// keeps the connection open between transfers).
///
/// Blocking and confined to one thread: `SMTPTransport` gives each of its worker threads a
/// connection of its own. C types stay inside this file.
final class SMTPConnection {
    private let handle: UnsafeMutableRawPointer
    /// After any failure the session's state is unknown (a late reply could answer the next
    /// command and put the conversation out of step): the next message opens a new connection.
    private var needsFreshConnection = false
    private let transfer = TransferState()
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(settings: SMTPSettings) throws(SMTPConfigurationError) {
        guard let handle = curl_easy_init() else { throw .curl("curl_easy_init failed") }
        self.handle = handle
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        // The path of an SMTP URL is the name libcurl announces in EHLO.
        let base = settings.url.hasSuffix("/") ? String(settings.url.dropLast()) : settings.url
        try set(CURLOPT_URL, base + "/" + settings.heloName)
        try set(CURLOPT_UPLOAD, 1)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_CONNECTTIMEOUT_MS, settings.connectTimeout.milliseconds)
        try set(CURLOPT_TIMEOUT_MS, settings.transactionTimeout.milliseconds)
        // Each wait for a reply, QUIT on cleanup included (libcurl's default is 120 s).
        try set(CURLOPT_SERVER_RESPONSE_TIMEOUT, max(1, min(settings.transactionTimeout.milliseconds / 1000, 30)))
        // One cached connection: when a failed session is replaced (see `send`), the old one is
        // closed rather than kept for a later transfer.
        try set(CURLOPT_MAXCONNECTS, 1)
        switch settings.tls {
        case .starttls, .implicit:
            // "All or fail", never "try": a server that refuses STARTTLS gets nothing in clear.
            try set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case .none:
            try set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
        }
        if let file = settings.caCertificateFile { try set(CURLOPT_CAINFO, file) }
        if let username = settings.username { try set(CURLOPT_USERNAME, username) }
        if let password = settings.password { try set(CURLOPT_PASSWORD, password) }
        try check(herald_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        let state = Unmanaged.passUnretained(transfer).toOpaque()
        try check(herald_curl_easy_setopt_read_function(handle, SMTPConnection.readCallback), "CURLOPT_READFUNCTION")
        try check(herald_curl_easy_setopt_pointer(handle, CURLOPT_READDATA, state), "CURLOPT_READDATA")
        try check(
            herald_curl_easy_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, SMTPConnection.replyCallback),
            "CURLOPT_HEADERFUNCTION")
        try check(herald_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, state), "CURLOPT_HEADERDATA")
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Runs one SMTP transaction (MAIL FROM, RCPT TO, DATA) and classifies how it ended.
    func send(_ message: OutgoingMessage) -> DeliveryOutcome {
        transfer.reset(message.bytes)
        errorBuffer[0] = 0
        var recipients: UnsafeMutablePointer<curl_slist>?
        for recipient in message.recipients {
            recipients = curl_slist_append(recipients, "<\(recipient)>")
        }
        defer { curl_slist_free_all(recipients) }
        let code: CURLcode
        do {
            try set(CURLOPT_MAIL_FROM, "<\(message.sender)>")
            try check(herald_curl_easy_setopt_pointer(handle, CURLOPT_MAIL_RCPT, recipients), "CURLOPT_MAIL_RCPT")
            try check(herald_curl_easy_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.bytes.count)), "CURLOPT_INFILESIZE_LARGE")
            try set(CURLOPT_FRESH_CONNECT, needsFreshConnection ? 1 : 0)
            code = curl_easy_perform(handle)
            needsFreshConnection = code.rawValue != CURLE_OK.rawValue
        } catch {
            return .temporary(code: nil, text: error.description)
        }
        var reply = 0
        _ = herald_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
        return SMTPOutcomeClassifier.classify(
            result: code.rawValue == CURLE_OK.rawValue ? nil : curlMessage(code), curlCode: Int(code.rawValue),
            lastReplyCode: reply, lastReplyText: transfer.replyText(for: reply))
    }

    private func curlMessage(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    // MARK: - Options

    private func set(_ option: CURLoption, _ value: Int) throws(SMTPConfigurationError) {
        try check(herald_curl_easy_setopt_long(handle, option, value), "option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, _ value: String) throws(SMTPConfigurationError) {
        // libcurl copies string options, so the temporary C string may go away afterwards.
        let result = value.withCString { herald_curl_easy_setopt_string(handle, option, $0) }
        try check(result, "option \(option.rawValue)")
    }

    private func check(_ result: CURLcode, _ what: String) throws(SMTPConfigurationError) {
        guard result.rawValue == CURLE_OK.rawValue else {
            throw .curl("libcurl refused \(what): \(String(cString: curl_easy_strerror(result)))")
        }
    }

    // MARK: - Callbacks (no captures: state comes through the userdata pointer)

    private static let readCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        buffer, size, count, userdata in
        guard let buffer, let userdata else { return 0 }
        return Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue().read(into: buffer, capacity: size * count)
    }

    private static let replyCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, userdata in
        guard let data, let userdata else { return size * count }
        Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue().reply(data, length: size * count)
        return size * count
    }
}

/// The message being uploaded and the server's last reply, shared with libcurl's callbacks.
private final class TransferState {
    private var bytes: [UInt8] = []
    private var offset = 0
    /// The last few reply lines: after a failure libcurl still sends QUIT, whose "221 Bye"
    /// must not hide the reply that mattered.
    private var replies: [String] = []

    func reset(_ message: [UInt8]) {
        bytes = message
        offset = 0
        replies.removeAll(keepingCapacity: true)
    }

    /// The last reply line with `code` (what `CURLINFO_RESPONSE_CODE` reports), else the last one.
    func replyText(for code: Int) -> String {
        let prefix = String(code)
        return replies.last { $0.hasPrefix(prefix) } ?? replies.last ?? ""
    }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { raw in
            UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }

    func reply(_ data: UnsafeMutablePointer<CChar>, length: Int) {
        var bytes = UnsafeRawBufferPointer(start: data, count: length)[...]
        while let last = bytes.last, last == 0x0D || last == 0x0A { bytes = bytes.dropLast() }
        if replies.count == 16 { replies.removeFirst() }
        replies.append(String(decoding: bytes, as: UTF8.self))
    }
}

