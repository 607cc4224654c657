/// Quoted-printable for many texts that differ in a few places only (a digest's body for each
/// of its recipients): the lines without a slot are encoded once, and each `fill` encodes only
/// the lines that hold one.
///
/// Exact because the encoding is line-local: after a line feed the encoder starts a fresh
/// output line, and how it writes a byte depends only on that byte's line (its column, and
/// whether a line break follows). Encoding text cut after line feeds, piece by piece, gives
/// the bytes that encoding it whole gives (`QuotedPrintableTemplateTests` checks this).
public struct QuotedPrintableTemplate: Sendable {
    /// A piece of the text: fixed bytes (UTF-8), or a slot filled per text.
    public enum Segment: Sendable, Hashable {
        case text([UInt8])
        case slot(Int)
    }

    private enum Piece: Sendable {
        /// Whole lines with no slot, already encoded.
        case encoded([UInt8])
        /// The lines that hold a slot, from the line feed before it to the one after it.
        case lines([Segment])
    }

    private let pieces: [Piece]
    /// What a filled text usually takes: the fixed lines as encoded, the text of the lines
    /// with slots at worst three bytes per byte, and room for the slots' values.
    private let capacity: Int

    /// Cuts `segments` into lines and encodes the lines that hold no slot.
    public init(_ segments: [Segment]) {
        var pieces: [Piece] = []
        var capacity = 256
        var pendingFixed: [UInt8] = []  // whole fixed lines not encoded yet
        var line: [Segment] = []  // the current line, once it holds a slot
        var lineText: [UInt8] = []  // the current line's text since its start or its last slot

        func flushFixed() {
            guard !pendingFixed.isEmpty else { return }
            let encoded = QuotedPrintable.encode(bytes: pendingFixed)
            capacity += encoded.count
            pieces.append(.encoded(encoded))
            pendingFixed.removeAll(keepingCapacity: true)
        }
        func endLine() {
            if line.isEmpty {
                pendingFixed += lineText
            } else {
                if !lineText.isEmpty { line.append(.text(lineText)) }
                flushFixed()
                for case .text(let bytes) in line { capacity += 3 * bytes.count }
                pieces.append(.lines(line))
            }
            line = []
            lineText = []
        }

        for segment in segments {
            switch segment {
            case .slot:
                if !lineText.isEmpty { line.append(.text(lineText)) }
                lineText = []
                line.append(segment)
            case .text(let bytes):
                var start = 0
                while let feed = bytes[start...].firstIndex(of: MailCharacters.lineFeed) {
                    lineText += bytes[start...feed]
                    endLine()
                    start = feed + 1
                }
                lineText += bytes[start...]
            }
        }
        endLine()
        flushFixed()
        self.pieces = pieces
        self.capacity = capacity
    }

    /// The encoded text with each slot replaced by `value(slot)` (UTF-8), as `BodyText` for a
    /// `Message`.
    public func fill(_ value: (Int) -> [UInt8]) -> BodyText {
        BodyText(quotedPrintable: encoded(value))
    }

    /// The encoded bytes; see `fill`.
    func encoded(_ value: (Int) -> [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(capacity)
        var line: [UInt8] = []
        for piece in pieces {
            switch piece {
            case .encoded(let bytes):
                output += bytes
            case .lines(let segments):
                line.removeAll(keepingCapacity: true)
                for segment in segments {
                    switch segment {
                    case .text(let bytes): line += bytes
                    case .slot(let slot): line += value(slot)
                    }
                }
                output += QuotedPrintable.encode(bytes: line)
            }
        }
        return output
    }
}
