/// Writes header fields into a message's bytes, folding lines and encoding non-ASCII text.
///
/// A field is written as a sequence of tokens, each either glued to the previous one or
/// preceded by one space; a line is only ever folded at such a space (the space becomes the
/// folding whitespace of the continuation line), so unfolding (RFC 5322 §2.2.3: remove each
/// CRLF that is followed by whitespace) gives back exactly the unfolded field.
///
/// Lines are kept within 78 octets (RFC 5322 §2.1.1), 76 when they hold an encoded-word
/// (RFC 2047 §2); a token that cannot fit even on a line of its own (a 200-octet address, a
/// long URI) overflows the soft limit, and any line beyond the hard limit of 998 octets is an
/// error rather than a broken message.
struct HeaderWriter {
    /// The message being built.
    var output: [UInt8]

    /// `Int.max` to write a field on one line (`Mailbox.headerValue()`).
    private let foldingWidth: Int
    private var fieldName = ""
    private var lineLength = 0
    private var tokensOnLine = 0
    private var lineHasEncodedWord = false

    static let recommendedLineLength = 78
    static let encodedWordLineLength = 76
    static let maximumLineLength = 998
    /// RFC 2047 §2: an encoded-word is at most 75 octets, `=?utf-8?Q?` and `?=` included.
    static let maximumEncodedWordLength = 75
    private static let encodedWordOverhead = 12  // "=?utf-8?Q?" + "?="

    init(capacity: Int, folding: Bool = true) {
        output = []
        output.reserveCapacity(capacity)
        foldingWidth = folding ? Self.recommendedLineLength : Int.max
    }

    // MARK: Fields

    /// Starts a field: `Name:`. The caller has validated `name`.
    mutating func startField(_ name: String) {
        fieldName = name
        output.append(contentsOf: name.utf8)
        output.append(UInt8(ascii: ":"))
        lineLength = name.utf8.count + 1
        tokensOnLine = 0
        lineHasEncodedWord = false
    }

    /// Ends the current field with CRLF.
    mutating func endField() {
        output.append(MailCharacters.carriageReturn)
        output.append(MailCharacters.lineFeed)
        lineLength = 0
        tokensOnLine = 0
        lineHasEncodedWord = false
    }

    /// Writes a whole field whose value is a single unfoldable ASCII token.
    mutating func field(_ name: String, _ value: String, label: @autoclosure () -> String? = nil) throws(MailError) {
        startField(name)
        try appendToken(value.utf8, spaceBefore: true, label: label())
        endField()
    }

    // MARK: Tokens

    /// Appends `token` (ASCII, already in its wire form), folding before it if the line would
    /// grow past the limit. `label` names what the token is in an error ("List-Unsubscribe
    /// URI 2"); the field name is used when it is `nil`.
    mutating func appendToken<Token: Collection<UInt8>>(
        _ token: Token, spaceBefore: Bool, label: @autoclosure () -> String? = nil
    ) throws(MailError) {
        let width = token.count + (spaceBefore ? 1 : 0)
        let limit = lineHasEncodedWord ? min(foldingWidth, Self.encodedWordLineLength) : foldingWidth
        if spaceBefore, !token.isEmpty, tokensOnLine > 0, lineLength + width > limit {
            fold()
        }
        if spaceBefore { output.append(MailCharacters.space) }
        output.append(contentsOf: token)
        lineLength += width
        if !token.isEmpty { tokensOnLine += 1 }
        guard lineLength <= Self.maximumLineLength else {
            throw .invalidHeaderValue(
                field: label() ?? fieldName,
                reason: "it is too long to fit on a header line (RFC 5322 allows 998 octets per line); shorten it")
        }
    }

    private mutating func fold() {
        output.append(MailCharacters.carriageReturn)
        output.append(MailCharacters.lineFeed)
        lineLength = 0
        tokensOnLine = 0
        lineHasEncodedWord = false
    }

    // MARK: Text

    /// Appends unstructured text (RFC 5322 §3.2.5: Subject, or an additional header's value).
    ///
    /// Words that are printable ASCII are written as they are, folded at spaces. Runs of
    /// words that are not (non-ASCII or control characters), that are too long for a line, or
    /// that could be mistaken for an encoded-word (`=?`) become encoded-words; the spaces
    /// inside a run are encoded with it, because a decoder drops the whitespace between two
    /// adjacent encoded-words.
    ///
    /// - Parameter encodeLongWords: `false` for values whose syntax Herald does not know (an
    ///   additional header may be structured, where an encoded-word would change its meaning):
    ///   long ASCII words are then left to overflow the line.
    mutating func appendUnstructured(
        _ text: String, field: @autoclosure () -> String, encodeLongWords: Bool = true
    ) throws(MailError) {
        var text = text
        try text.withUTF8Buffer { bytes throws(MailError) in
            try Self.rejectLineBreaks(bytes, field: field())
            try appendUnstructured(bytes, encodeLongWords: encodeLongWords)
        }
    }

    private mutating func appendUnstructured(
        _ bytes: UnsafeBufferPointer<UInt8>, encodeLongWords: Bool
    ) throws(MailError) {
        // The longest raw word that fits on the field's first line after `Name: `.
        let longestRawWord = max(20, Self.recommendedLineLength - fieldName.utf8.count - 2)
        var runStart: Int?  // start of the pending run of words to encode
        var runEnd = 0
        var wordStart = 0
        var previousWasEncoded = false
        while wordStart <= bytes.count {
            var wordEnd = wordStart
            while wordEnd < bytes.count, bytes[wordEnd] != MailCharacters.space { wordEnd += 1 }
            let word = UnsafeBufferPointer(rebasing: bytes[wordStart..<wordEnd])
            let encode: Bool
            if word.allSatisfy({ $0 == MailCharacters.tab }) {
                // Whitespace between two encoded-words is dropped by decoders: inside a run,
                // it must be encoded with the run.
                encode = previousWasEncoded
            } else {
                encode = Self.needsEncoding(word) || (encodeLongWords && word.count > longestRawWord)
            }
            if encode {
                if runStart == nil { runStart = wordStart }
                runEnd = wordEnd
            } else {
                if let start = runStart {
                    try appendEncodedWords(UnsafeBufferPointer(rebasing: bytes[start..<runEnd]), spaceBefore: true)
                    runStart = nil
                }
                // The first word follows the colon's space; the others the space they follow.
                try appendToken(word, spaceBefore: true)
            }
            previousWasEncoded = encode
            wordStart = wordEnd + 1
        }
        if let start = runStart {
            try appendEncodedWords(UnsafeBufferPointer(rebasing: bytes[start..<runEnd]), spaceBefore: true)
        }
    }

    /// Appends a display name or a list name (an RFC 5322 phrase): atoms when it is made of
    /// them, a quoted-string when it is other printable ASCII, encoded-words otherwise.
    ///
    /// Runs of spaces and tabs become one space and the ends are trimmed: whitespace in a
    /// phrase is not significant (RFC 5322 §3.2.2), and decoders such as Python's `email`
    /// collapse it anyway, even inside encoded-words.
    mutating func appendPhrase(_ text: String, field: @autoclosure () -> String) throws(MailError) {
        var text = text
        let normalized = try text.withUTF8Buffer { bytes throws(MailError) in
            try Self.rejectLineBreaks(bytes, field: field())
            return Self.collapsingWhitespace(bytes)
        }
        try normalized.withUnsafeBufferPointer { bytes throws(MailError) in try appendPhrase(bytes) }
    }

    /// `bytes` with runs of spaces and tabs made one space, and none at either end.
    static func collapsingWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var pendingSpace = false
        for byte in bytes {
            if byte == MailCharacters.space || byte == MailCharacters.tab {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(MailCharacters.space) }
                pendingSpace = false
                result.append(byte)
            }
        }
        return result
    }

    /// The longest word of a phrase written as ASCII rather than encoded: it must fit on a
    /// line with its quotes and the address or list id that follows it.
    private static let longestPhraseWord = 40

    /// `bytes` has its whitespace collapsed already.
    private mutating func appendPhrase(_ bytes: UnsafeBufferPointer<UInt8>) throws(MailError) {
        var allPrintable = true
        var allAtoms = true
        var wordLength = 0
        var longestWord = 0
        for byte in bytes {
            if byte < 0x20 || byte >= 0x7F { allPrintable = false; break }
            if byte == MailCharacters.space {
                wordLength = 0
            } else {
                if !MailCharacters.isAtext(byte) { allAtoms = false }
                wordLength += 1
                longestWord = max(longestWord, wordLength)
            }
        }
        let looksEncoded = Self.containsEncodedWordStart(bytes)

        if bytes.isEmpty {
            try appendToken("\"\"".utf8, spaceBefore: true)
            return
        }
        guard allPrintable, !looksEncoded, longestWord <= Self.longestPhraseWord else {
            try appendEncodedWords(bytes, spaceBefore: true)
            return
        }
        let words = bytes.split(separator: MailCharacters.space, omittingEmptySubsequences: false)
        if allAtoms {
            for word in words { try appendToken(word, spaceBefore: true) }
            return
        }
        // A quoted-string, folded (if need be) at its spaces: RFC 5322 §3.2.4 keeps the
        // whitespace and drops only the CRLF when unfolding.
        for (index, word) in words.enumerated() {
            var quoted: [UInt8] = []
            quoted.reserveCapacity(word.count + 4)
            if index == 0 { quoted.append(MailCharacters.doubleQuote) }
            for byte in word {
                if byte == MailCharacters.doubleQuote || byte == MailCharacters.backslash {
                    quoted.append(MailCharacters.backslash)
                }
                quoted.append(byte)
            }
            if index == words.count - 1 { quoted.append(MailCharacters.doubleQuote) }
            try appendToken(quoted, spaceBefore: true)
        }
    }

    // MARK: Encoded-words

    /// Appends `text` (UTF-8) as RFC 2047 encoded-words in `Q` or `B`, whichever is shorter,
    /// each at most 75 octets, separated by folding whitespace (which decoders drop between
    /// encoded-words), never splitting a UTF-8 sequence between two of them.
    mutating func appendEncodedWords(_ text: UnsafeBufferPointer<UInt8>, spaceBefore: Bool) throws(MailError) {
        var qLength = 0
        for byte in text {
            qLength += (MailCharacters.isQEncodingLiteral(byte) || byte == MailCharacters.space) ? 1 : 3
        }
        let useQ = qLength <= (text.count + 2) / 3 * 4
        var qRemaining = qLength

        var start = 0
        var isFirstWord = true
        repeat {
            let separated = isFirstWord ? spaceBefore : true
            let remaining = useQ ? qRemaining : (text.count - start + 2) / 3 * 4
            let limit = min(foldingWidth, Self.encodedWordLineLength)
            var budget = min(Self.maximumEncodedWordLength, limit - lineLength - (separated ? 1 : 0))
                - Self.encodedWordOverhead
            // When the rest does not fit here, start a new line rather than split text that
            // would fit in one encoded-word there, or leave a sliver at the end of this line.
            let fitsInOneWord = remaining <= Self.maximumEncodedWordLength - Self.encodedWordOverhead
            if budget < remaining, fitsInOneWord || budget < 16, separated, tokensOnLine > 0 {
                fold()
                budget = min(Self.maximumEncodedWordLength, limit - 1) - Self.encodedWordOverhead
            }
            // A field name so long that not even one character fits: overflow the soft limit.
            if budget < 12 { budget = Self.maximumEncodedWordLength - Self.encodedWordOverhead }

            let end = useQ ? Self.qChunkEnd(text, from: start, budget: budget) : Self.bChunkEnd(text, from: start, budget: budget)
            let chunk = UnsafeBufferPointer(rebasing: text[start..<end])
            if separated { output.append(MailCharacters.space) }
            let before = output.count
            output.append(contentsOf: useQ ? "=?utf-8?Q?".utf8 : "=?utf-8?B?".utf8)
            if useQ { appendQEncoded(chunk) } else { Base64.append(chunk, to: &output) }
            output.append(UInt8(ascii: "?"))
            output.append(UInt8(ascii: "="))
            let written = output.count - before
            lineLength += written + (separated ? 1 : 0)
            tokensOnLine += 1
            lineHasEncodedWord = true
            qRemaining -= written - Self.encodedWordOverhead
            start = end
            isFirstWord = false
            guard lineLength <= Self.maximumLineLength else {
                throw .invalidHeaderValue(
                    field: fieldName, reason: "the header name is too long to fit its value on a line; shorten it")
            }
        } while start < text.count
    }

    /// The end of the longest run of whole UTF-8 sequences from `start` whose Q encoding fits
    /// in `budget` octets (at least one sequence: the budget always fits four bytes).
    private static func qChunkEnd(_ text: UnsafeBufferPointer<UInt8>, from start: Int, budget: Int) -> Int {
        var index = start
        var used = 0
        while index < text.count {
            var sequenceEnd = index + 1
            while sequenceEnd < text.count, !MailCharacters.startsScalar(text[sequenceEnd]) { sequenceEnd += 1 }
            var cost = 0
            for byteIndex in index..<sequenceEnd {
                let byte = text[byteIndex]
                cost += (MailCharacters.isQEncodingLiteral(byte) || byte == MailCharacters.space) ? 1 : 3
            }
            if used + cost > budget, index > start { break }
            used += cost
            index = sequenceEnd
        }
        return index
    }

    /// The end of the longest run of whole UTF-8 sequences from `start` whose base64 fits in
    /// `budget` octets.
    private static func bChunkEnd(_ text: UnsafeBufferPointer<UInt8>, from start: Int, budget: Int) -> Int {
        var end = min(text.count, start + budget / 4 * 3)
        while end < text.count, end > start + 1, !MailCharacters.startsScalar(text[end]) { end -= 1 }
        return end
    }

    private mutating func appendQEncoded(_ chunk: UnsafeBufferPointer<UInt8>) {
        for byte in chunk {
            if MailCharacters.isQEncodingLiteral(byte) {
                output.append(byte)
            } else if byte == MailCharacters.space {
                output.append(UInt8(ascii: "_"))
            } else {
                output.append(UInt8(ascii: "="))
                output.append(MailCharacters.hexDigits[Int(byte >> 4)])
                output.append(MailCharacters.hexDigits[Int(byte & 0x0F)])
            }
        }
    }

    // MARK: Checks

    /// Throws if `bytes` holds CR, LF or NUL: in a header they would end the field and start
    /// another one (header injection), so they are refused, never removed.
    static func rejectLineBreaks(
        _ bytes: UnsafeBufferPointer<UInt8>, field: @autoclosure () -> String
    ) throws(MailError) {
        for byte in bytes where MailCharacters.isLineBreakOrNUL(byte) {
            if byte == 0 {
                throw .invalidHeaderValue(field: field(), reason: "it contains a NUL character; remove it")
            }
            throw .invalidHeaderValue(
                field: field(),
                reason: "it contains a line break (CR or LF), which would start a new header line (header injection); remove it")
        }
    }

    /// Whether a word must be encoded to be carried intact: it holds control characters, DEL
    /// or non-ASCII, or an `=?` that a decoder could take for the start of an encoded-word.
    private static func needsEncoding(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in word where (byte < 0x20 && byte != MailCharacters.tab) || byte >= 0x7F {
            return true
        }
        return containsEncodedWordStart(word)
    }

    private static func containsEncodedWordStart(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 2 else { return false }
        for index in 0..<(bytes.count - 1) where bytes[index] == UInt8(ascii: "=") && bytes[index + 1] == UInt8(ascii: "?") {
            return true
        }
        return false
    }
}

extension String {
    /// Calls `body` with the string's UTF-8 bytes, making them contiguous first if needed
    /// (a string bridged from elsewhere), so that scanning never walks `Character`s.
    mutating func withUTF8Buffer<Value, Failure: Error>(
        _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        // `withUTF8` rethrows untyped errors; carry the typed one across it in a `Result`.
        let outcome: Result<Value, Failure> = withUTF8 { bytes in
            do throws(Failure) { return .success(try body(bytes)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }
}
