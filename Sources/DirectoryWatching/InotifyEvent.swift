#if canImport(Glibc)
import Glibc
#endif

/// One event read from an inotify descriptor.
struct InotifyEvent {
    var watch: Int32
    var mask: UInt32
    /// The file's name inside the watched folder; empty for events about the folder itself.
    var name: String

    func has(_ flag: Int32) -> Bool { mask & UInt32(bitPattern: flag) != 0 }

    /// The events in `buffer[0..<count]`, as read(2) returned them: each a fixed header
    /// (`struct inotify_event`) followed by `len` bytes of NUL-padded name.
    static func parse(_ buffer: UnsafeRawBufferPointer) -> [InotifyEvent] {
        var events: [InotifyEvent] = []
        let header = MemoryLayout<inotify_event>.size
        var offset = 0
        while offset + header <= buffer.count {
            let watch = buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameStart = offset + header
            guard nameStart + length <= buffer.count else { break }
            let nameBytes = buffer[nameStart..<(nameStart + length)].prefix { $0 != 0 }
            events.append(InotifyEvent(watch: watch, mask: mask, name: String(decoding: nameBytes, as: UTF8.self)))
            offset = nameStart + length
        }
        return events
    }
}
