/// Writes bytes one after the other into memory that is known to be large enough: the
/// uninitialised storage of the array that becomes a serialized message.
struct ByteCursor {
    private let base: UnsafeMutableRawPointer
    /// How many bytes have been written.
    private(set) var count = 0

    init(_ base: UnsafeMutableRawPointer) {
        self.base = base
    }

    /// The address of the next byte, for encoders that write in place (then call `advance`).
    var next: UnsafeMutableRawPointer { base + count }

    mutating func advance(by written: Int) {
        count += written
    }

    mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { source in
            guard let address = source.baseAddress else { return }
            next.copyMemory(from: address, byteCount: source.count)
            count += source.count
        }
    }

    mutating func write(_ text: StaticString) {
        next.copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }
}
