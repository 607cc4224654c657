/// A header field that `Message` has no property for, such as `Reply-To`, `Precedence` or
/// `Auto-Submitted`.
///
/// The value is written as unstructured text: printable ASCII as is (folded at spaces when
/// long), anything else as RFC 2047 encoded-words. A structured value (an address list)
/// must therefore be given in its ASCII wire form.
public struct HeaderField: Sendable, Hashable {
    /// The field name: printable ASCII without `:` or spaces, such as `Reply-To`.
    public var name: String
    /// The field value, without CR, LF or NUL.
    public var value: String

    /// A header field; both parts are checked when a message is serialized.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
