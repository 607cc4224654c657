/// Writes bytes one after the other into memory of a known capacity: the uninitialised
/// storage of the array that becomes a serialized message.
///
/// Every write is checked against the capacity (a failed check stops the process rather than
/// writing past the buffer): the capacity is computed from worst cases, and a mistake there
/// must never become memory corruption.
struct ByteCursor {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    /// How many bytes have been written.
    private(set) var count = 0

    init(_ base: UnsafeMutableRawPointer, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// The address of the next byte, for an encoder that writes at most `maximum` bytes in
    /// place (then call `advance`).
    func next(reserving maximum: Int) -> UnsafeMutableRawPointer {
        precondition(maximum >= 0 && maximum <= capacity - count, "ByteCursor: \(maximum) bytes do not fit")
        return base + count
    }

    mutating func advance(by written: Int) {
        precondition(written >= 0 && written <= capacity - count, "ByteCursor: wrote past the capacity")
        count += written
    }

    mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { source in
            guard let address = source.baseAddress else { return }
            next(reserving: source.count).copyMemory(from: address, byteCount: source.count)
            count += source.count
        }
    }

    mutating func write(_ text: StaticString) {
        next(reserving: text.utf8CodeUnitCount).copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }
}
