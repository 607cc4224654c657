import Foundation
import Logging
import SystemdNotify

#if canImport(Glibc)
import Glibc
#endif

/// Writes one line per event to stderr, prefixed with its syslog priority (`<3>` error, `<4>`
/// warning, `<6>` info…) so that journald files each line at its level, followed by the
/// message and the metadata as `key=value` (the post file, the digest id).
///
/// Nothing a user typed can start a line of its own: line breaks and other control characters
/// in messages and values become spaces. Each line goes out in one `write`, so lines from
/// several threads never interleave.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    private let write: @Sendable (String) -> Void

    /// A handler writing to `write` (stderr by default).
    public init(write: @escaping @Sendable (String) -> Void = JournalLogHandler.writeToStandardError) {
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        var line = "<\(Self.priority(of: event.level))>" + Self.clean(event.message.description)
        for key in fields.keys.sorted() {
            let value = Self.clean(fields[key]!.description)
            line += " \(key)=" + (value.contains(" ") || value.isEmpty ? "\"\(value.replacingOccurrences(of: "\"", with: "'"))\"" : value)
        }
        write(line + "\n")
    }

    /// The syslog priority journald reads from the prefix (sd-daemon(3)).
    static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// `text` on one line: control characters (line breaks included) become spaces.
    static func clean(_ text: String) -> String { SingleLine.clean(text) }

    /// One `write(2)` per line.
    public static let writeToStandardError: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { return }
            offset += written
        }
    }
}
