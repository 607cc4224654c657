import CSV
import Foundation
import Mail
import Store

/// `herald subscribers …`: subscribers added, imported, listed and removed by the admin.
/// Addresses, names and newsletter ids are checked here, before anything reaches the store:
/// nothing typed here can later become a raw header or an SMTP command.
public struct SubscriberAdmin: Sendable {
    public var configuration: Configuration
    public var store: any SubscriberStore

    public init(configuration: Configuration, store: any SubscriberStore) {
        self.configuration = configuration
        self.store = store
    }

    /// Adds (or updates) one subscriber; an explicit add with `confirmed` re-subscribes
    /// someone who had left.
    public func add(email: String, name: String?, newsletters: [String], status: SubscriberStatus, now: Date = Date())
        async throws(SubscriberAdminError) -> SubscriberChanges
    {
        let input = try validated(email: email, name: name, newsletters: newsletters)
        do {
            return try await store.addSubscribers([input], status: status, resubscribe: true, at: now)
        } catch {
            throw .store(error)
        }
    }

    /// What an import did.
    public struct ImportReport: Sendable {
        public var changes = SubscriberChanges()
        /// `FILE:LINE: error: …`, one per bad row.
        public var problems: [String] = []
    }

    /// Imports a CSV file of `email,name[,newsletters]` (header optional, UTF-8, quoted fields;
    /// newsletter ids separated by spaces or `;`, none meaning every newsletter), streaming it
    /// in batches. Bad rows are reported and skipped; an import never re-subscribes someone who
    /// left. Importing the same file twice changes nothing the second time.
    public func importCSV(_ path: String, status: SubscriberStatus, displayName: String? = nil, now: Date = Date())
        async throws(SubscriberAdminError) -> ImportReport
    {
        let name = displayName ?? path
        guard let stream = InputStream(fileAtPath: path) else { throw .unreadable(path, "cannot open the file") }
        let reader: CSVReader
        do {
            reader = try CSVReader(stream: stream, codecType: UTF8.self, trimFields: true)
        } catch {
            throw .unreadable(path, "\(error)")
        }
        var report = ImportReport()
        var batch: [SubscriberInput] = []
        // The line of each address seen so far (normalized): a repeated address is reported,
        // not applied twice (with two names, every import would flip it back and forth).
        var seen: [String: Int] = [:]
        var line = 1
        var first = true
        while let row = reader.next() {
            let rowLine = line
            // Each row ends with one line break; line breaks inside quoted fields count too.
            line += 1 + row.reduce(0) { $0 + Self.lineBreaks(in: $1) }
            if first {
                first = false
                let head = row.first.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}")).lowercased() }
                if head == "email" || head == "e-mail" { continue }
            }
            if row.allSatisfy({ $0.isEmpty }) { continue }
            guard (1...3).contains(row.count) else {
                report.problems.append("\(name):\(rowLine): error: expected 1 to 3 fields (email,name,newsletters), found \(row.count)")
                continue
            }
            let email = row[0].trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}"))
            let newsletters = row.count > 2 ? row[2].split(whereSeparator: { $0 == " " || $0 == ";" }).map(String.init) : []
            let input: SubscriberInput
            do throws(SubscriberAdminError) {
                input = try validated(email: email, name: row.count > 1 ? row[1] : nil, newsletters: newsletters)
            } catch {
                report.problems.append("\(name):\(rowLine): error: \(error.description)")
                continue
            }
            let key = Subscriber.normalizedEmail(input.email)
            if let firstLine = seen[key] {
                report.problems.append("\(name):\(rowLine): error: \(input.email.debugDescription) is already on line \(firstLine); only that row is imported")
                continue
            }
            seen[key] = rowLine
            batch.append(input)
            if batch.count == 5_000 { try await flush(&batch, into: &report, status: status, now: now) }
        }
        // CSV.swift reports `cannotReadFile` when a read returns 0 bytes after the stream said
        // more were available, which Foundation's file streams do at the end of every file that
        // is not read in one go: that is the end of the file, not an error.
        if let error = reader.error, !Self.isEndOfFile(error) {
            report.problems.append("\(name):\(line): error: the file stops being valid CSV here (\(error)); the rows before were imported")
        }
        try await flush(&batch, into: &report, status: status, now: now)
        return report
    }

    private func flush(_ batch: inout [SubscriberInput], into report: inout ImportReport, status: SubscriberStatus, now: Date)
        async throws(SubscriberAdminError)
    {
        guard !batch.isEmpty else { return }
        do {
            let changes = try await store.addSubscribers(batch, status: status, resubscribe: false, at: now)
            report.changes.added += changes.added
            report.changes.updated += changes.updated
            report.changes.unchanged += changes.unchanged
        } catch {
            throw .store(error)
        }
        batch.removeAll(keepingCapacity: true)
    }

    public func list(newsletter: String?, status: SubscriberStatus?) async throws(SubscriberAdminError) -> [Subscriber] {
        if let newsletter { try checkNewsletters([newsletter]) }
        do {
            return try await store.subscribers(newsletter: newsletter, status: status)
        } catch {
            throw .store(error)
        }
    }

    /// Removes a subscriber and their delivery history; `false` when the address is unknown.
    public func remove(email: String) async throws(SubscriberAdminError) -> Bool {
        do {
            return try await store.removeSubscriber(email: email)
        } catch {
            throw .store(error)
        }
    }

    func validated(email: String, name: String?, newsletters: [String]) throws(SubscriberAdminError) -> SubscriberInput {
        let address: EmailAddress
        do {
            address = try EmailAddress(email)
        } catch {
            throw .address(email, error)
        }
        let name = name?.trimmingCharacters(in: .whitespaces)
        if let name, name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            throw .name(name)
        }
        try checkNewsletters(newsletters)
        return SubscriberInput(email: address.description, name: name?.isEmpty == false ? name : nil, newsletters: newsletters)
    }

    private func checkNewsletters(_ ids: [String]) throws(SubscriberAdminError) {
        let known = configuration.newsletters.map(\.id)
        for id in ids where !known.contains(id) { throw .unknownNewsletter(id, known: known) }
    }

    private static func isEndOfFile(_ error: any Error) -> Bool {
        if case CSVError.cannotReadFile = error { return true }
        return false
    }

    private static func lineBreaks(in field: String) -> Int {
        var count = 0
        var previous: UInt8 = 0
        for byte in field.utf8 {
            if byte == 0x0A && previous != 0x0D || byte == 0x0D { count += 1 }
            previous = byte
        }
        return count
    }
}

/// Why a subscriber command did nothing, or skipped a row; each case says what to fix.
public enum SubscriberAdminError: Error, CustomStringConvertible {
    case address(String, MailError)
    case name(String)
    case unknownNewsletter(String, known: [String])
    case unreadable(String, String)
    case store(StoreError)

    public var description: String {
        switch self {
        case .address(let text, let error): return "\(text.debugDescription) is not a usable address: \(error)"
        case .name(let name): return "the name \(name.debugDescription) contains a control character or a line break"
        case .unknownNewsletter(let id, let known):
            return "no newsletter \"\(id)\" in config.json (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        case .store(let error): return error.description
        }
    }
}
