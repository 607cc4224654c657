import Foundation

/// What Python's `email` package (policy.default) understood of a message: the JSON printed
/// by `Scripts/parse_message.py`.
struct ParsedMessage: Decodable {
    struct Address: Decodable, Equatable {
        let display_name: String
        let username: String
        let domain: String
        let addr_spec: String
    }

    struct Part: Decodable {
        let content_type: String
        let charset: String?
        let transfer_encoding: String?
    }

    let defects: [String]
    let header_names: [String]
    let subject: String?
    let from: [Address]?
    let to: [Address]?
    /// Display names decoded as RFC 2047 says (see `decode_phrase` in the script).
    let from_names: [String]?
    let to_names: [String]?
    let list_id_names: [String]?
    let date: String?
    let message_id: String?
    let list_id: String?
    let list_unsubscribe: String?
    let list_unsubscribe_post: String?
    let extra: [String: String]
    let content_type: String
    let boundary: String?
    let parts: [Part]
    let text: String?
    let html: String?
    let max_line_length: Int
    let header_lines: [String]
    let crlf_only: Bool
    let ends_with_crlf: Bool

    /// Serializes the messages and parses them all with one Python run.
    static func parse(_ messages: [[UInt8]]) throws -> [ParsedMessage] {
        let json = try PythonScript.parseMessage.run(on: messages)
        return try JSONDecoder().decode([ParsedMessage].self, from: json)
    }

    static func parse(_ message: [UInt8]) throws -> ParsedMessage {
        let parsed = try parse([message])
        guard let first = parsed.first else { throw PythonScript.Failure(description: "no output") }
        return first
    }
}
