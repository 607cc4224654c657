import Foundation

/// An e-mail address (an RFC 5322 addr-spec), validated for use in headers and SMTP envelopes.
///
/// Only ASCII addresses are accepted: Herald does not speak SMTPUTF8 (RFC 6531), so a
/// non-ASCII local part is refused and a non-ASCII domain must be given in its ASCII (`xn--`)
/// form. CR, LF, NUL and every other control character are refused outright, never removed:
/// libcurl writes envelope addresses straight onto the wire, and a line break there would be
/// an SMTP command injection.
///
/// Accepted: a dot-atom local part (`jean.dupont+news`) or a quoted one (`"jean dupont"`),
/// at most 64 octets; `@`; a domain of letter-digit-hyphen labels of at most 63 octets each,
/// 253 in all, or an address literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`); at most 254
/// octets in all (RFC 5321 §4.5.3.1).
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The part before the `@`, in its wire form (with its quotes, if it needs them).
    public let localPart: String
    /// The part after the `@`: a host name or an address literal in brackets.
    public let domain: String

    /// `localPart@domain`, exactly as it goes into a header or an SMTP command.
    public var description: String { localPart + "@" + domain }

    /// The longest local part SMTP servers must accept (RFC 5321 §4.5.3.1.1).
    public static let maximumLocalPartLength = 64
    /// The longest domain name (RFC 1035, as a dotted string without the final dot).
    public static let maximumDomainLength = 253
    /// The longest address that fits in a `RCPT TO:<…>` path (RFC 5321 §4.5.3.1.3, errata 1690).
    public static let maximumLength = 254

    /// Validates `text` as an addr-spec.
    /// - Throws: `MailError.invalidAddress`, saying what is wrong and how to fix it.
    public init(_ text: String) throws(MailError) {
        let bytes = Array(text.utf8)
        func failure(_ reason: String) -> MailError { .invalidAddress(address: text, reason: reason) }

        guard !bytes.isEmpty else { throw failure("it is empty; give an address such as name@example.org") }
        for byte in bytes {
            if byte == MailCharacters.carriageReturn || byte == MailCharacters.lineFeed {
                throw failure("it contains a line break (CR or LF), which would inject SMTP commands or headers; remove it")
            }
            if byte == 0 { throw failure("it contains a NUL character; remove it") }
            if byte < 0x20 || byte == 0x7F {
                throw failure("it contains a control character (U+\(Self.hex(byte))); remove it")
            }
        }

        let localPart: String
        let atIndex: Int
        if bytes[0] == MailCharacters.doubleQuote {
            (localPart, atIndex) = try Self.parseQuotedLocalPart(bytes, failure: failure)
        } else {
            guard let index = bytes.firstIndex(of: MailCharacters.atSign) else {
                throw failure("it has no @; an address looks like name@example.org")
            }
            try Self.validateDotAtomLocalPart(bytes[..<index], failure: failure)
            localPart = String(decoding: bytes[..<index], as: UTF8.self)
            atIndex = index
        }
        guard localPart.utf8.count <= Self.maximumLocalPartLength else {
            throw failure("the local part (before the @) is \(localPart.utf8.count) octets long; SMTP allows at most \(Self.maximumLocalPartLength)")
        }

        let domainBytes = bytes[(atIndex + 1)...]
        try Self.validateDomain(domainBytes, failure: failure)
        let domain = String(decoding: domainBytes, as: UTF8.self)

        let length = localPart.utf8.count + 1 + domain.utf8.count
        guard length <= Self.maximumLength else {
            throw failure("it is \(length) octets long; SMTP allows at most \(Self.maximumLength)")
        }
        self.localPart = localPart
        self.domain = domain
    }

    // MARK: Local part

    /// `atext` separated by single dots, neither first nor last.
    private static func validateDotAtomLocalPart(
        _ local: ArraySlice<UInt8>, failure: (String) -> MailError
    ) throws(MailError) {
        guard let first = local.first, let last = local.last else {
            throw failure("it has nothing before the @; add the mailbox name, as in name@example.org")
        }
        if local.contains(where: { $0 >= 0x80 }) {
            throw failure("the local part (before the @) contains non-ASCII characters, and SMTPUTF8 is not supported; use an ASCII address")
        }
        if first == MailCharacters.dot { throw failure("the local part starts with a dot; remove it") }
        if last == MailCharacters.dot { throw failure("the local part ends with a dot; remove it") }
        var previous: UInt8 = 0
        for byte in local {
            if byte == MailCharacters.dot, previous == MailCharacters.dot {
                throw failure("the local part has two dots in a row; remove one")
            }
            if byte == MailCharacters.space || byte == MailCharacters.tab {
                throw failure("the local part contains a space; remove it (or quote the local part, as in \"jean dupont\"@example.org)")
            }
            if byte != MailCharacters.dot, !MailCharacters.isAtext(byte) {
                throw failure("the local part contains \"\(Character(Unicode.Scalar(byte)))\", which is only allowed inside a quoted local part")
            }
            previous = byte
        }
    }

    /// A quoted-string local part (RFC 5321 §4.1.2 `Quoted-string`); returns its wire form and
    /// the index of the `@` after it. A quoted local part that did not need its quotes comes
    /// back without them, as RFC 5321 §4.1.2 asks of senders.
    private static func parseQuotedLocalPart(
        _ bytes: [UInt8], failure: (String) -> MailError
    ) throws(MailError) -> (String, Int) {
        var content: [UInt8] = []
        var index = 1
        var closingQuote: Int?
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 {
                throw failure("the local part (before the @) contains non-ASCII characters, and SMTPUTF8 is not supported; use an ASCII address")
            }
            if byte == MailCharacters.backslash {
                guard index + 1 < bytes.count, bytes[index + 1] >= 0x20, bytes[index + 1] <= 0x7E else {
                    throw failure("a backslash in the quoted local part must be followed by a printable character")
                }
                content.append(bytes[index + 1])
                index += 2
                continue
            }
            if byte == MailCharacters.doubleQuote {
                closingQuote = index
                break
            }
            content.append(byte)
            index += 1
        }
        guard let closingQuote else { throw failure("the quoted local part has no closing quote; add it before the @") }
        guard closingQuote + 1 < bytes.count, bytes[closingQuote + 1] == MailCharacters.atSign else {
            throw failure("the closing quote of the local part must be followed by @ and the domain")
        }
        guard !content.isEmpty else { throw failure("the quoted local part is empty; put the mailbox name between the quotes") }
        let wireForm: String
        if (try? validateDotAtomLocalPart(content[...], failure: failure)) != nil {
            wireForm = String(decoding: content, as: UTF8.self)
        } else {
            wireForm = String(decoding: bytes[...closingQuote], as: UTF8.self)
        }
        return (wireForm, closingQuote + 1)
    }

    // MARK: Domain

    private static func validateDomain(_ domain: ArraySlice<UInt8>, failure: (String) -> MailError) throws(MailError) {
        guard let first = domain.first else {
            throw failure("it has nothing after the @; add the domain, as in name@example.org")
        }
        if domain.contains(MailCharacters.atSign) {
            throw failure("it contains more than one @; an address has exactly one @ outside quotes")
        }
        if domain.contains(where: { $0 >= 0x80 }) {
            throw failure("the domain contains non-ASCII characters, and SMTPUTF8 is not supported; write the domain in its ASCII (xn--) form")
        }
        if first == UInt8(ascii: "[") {
            try validateAddressLiteral(domain, failure: failure)
            return
        }
        guard domain.count <= maximumDomainLength else {
            throw failure("the domain is \(domain.count) octets long; DNS allows at most \(maximumDomainLength)")
        }
        let labels = domain.split(separator: MailCharacters.dot, omittingEmptySubsequences: false)
        for label in labels {
            let text = String(decoding: label, as: UTF8.self)
            guard let labelFirst = label.first, let labelLast = label.last else {
                throw failure("the domain has an empty label (a dot at the start or end, or two dots in a row); remove the extra dot")
            }
            guard label.count <= 63 else {
                throw failure("the domain label \"\(text)\" is \(label.count) octets long; DNS allows at most 63")
            }
            if let bad = label.first(where: { !MailCharacters.isAlphanumeric($0) && $0 != MailCharacters.hyphen }) {
                throw failure("the domain contains \"\(Character(Unicode.Scalar(bad)))\"; a domain has only letters, digits, hyphens and dots")
            }
            if labelFirst == MailCharacters.hyphen || labelLast == MailCharacters.hyphen {
                throw failure("the domain label \"\(text)\" starts or ends with a hyphen; DNS labels cannot")
            }
        }
        if let top = labels.last, top.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            throw failure("the domain looks like an IP address; write it as an address literal, as in name@[192.0.2.1]")
        }
    }

    /// `[IPv4]` or `[IPv6:…]` (RFC 5321 §4.1.3).
    private static func validateAddressLiteral(_ literal: ArraySlice<UInt8>, failure: (String) -> MailError) throws(MailError) {
        guard literal.count >= 3, literal.last == UInt8(ascii: "]") else {
            throw failure("the address literal has no closing bracket; write it as [192.0.2.1]")
        }
        let inside = String(decoding: literal.dropFirst().dropLast(), as: UTF8.self)
        if inside.lowercased().hasPrefix("ipv6:") {
            guard isIPv6(inside.dropFirst(5)) else {
                throw failure("the address literal is not a valid IPv6 address; write it as [IPv6:2001:db8::1]")
            }
        } else {
            guard isIPv4(Substring(inside)) else {
                throw failure("the address literal is not a valid IPv4 address; write it as [192.0.2.1] or [IPv6:2001:db8::1]")
            }
        }
    }

    private static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            (1...3).contains(part.count) && part.allSatisfy(\.isASCIIDigit) && (Int(part) ?? 256) <= 255
        }
    }

    /// RFC 4291 text form: eight groups of up to four hex digits, `::` at most once for one or
    /// more zero groups, the last two groups optionally written as an IPv4 address.
    private static func isIPv6(_ text: Substring) -> Bool {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        var groupCount = 0
        for (halfIndex, half) in halves.enumerated() {
            if half.isEmpty { continue }
            let groups = half.split(separator: ":", omittingEmptySubsequences: false)
            for (index, group) in groups.enumerated() {
                let isLastGroup = halfIndex == halves.count - 1 && index == groups.count - 1
                if isLastGroup, group.contains(".") {
                    guard isIPv4(group) else { return false }
                    groupCount += 2
                } else {
                    guard (1...4).contains(group.count), group.allSatisfy(\.isHexDigit) else { return false }
                    groupCount += 1
                }
            }
        }
        return halves.count == 2 ? groupCount <= 7 : groupCount == 8
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

extension Character {
    /// `0`–`9` only (`isNumber` also accepts other scripts' digits and fractions).
    fileprivate var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
