import CZlib

/// gzip files (RFC 1952) through zlib: what Herald writes beside each feed, so that the HTTP
/// server sends compressed feeds without compressing anything per request.
public enum Gzip {
    /// `bytes` as a gzip file: no name and no time in its header, so the same bytes always
    /// give the same file. `level` is zlib's, 1 (fastest) to 9 (smallest).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        guard herald_deflate_init_gzip(&stream, level) == Z_OK else {
            // Only a bad level or no memory fails here; both are programming errors.
            preconditionFailure("zlib refused deflateInit2 (level \(level))")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(bytes.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let status: Int32 = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        // deflateBound is an upper bound for one Z_FINISH call: anything else is a zlib bug.
        precondition(status == Z_STREAM_END, "zlib deflate did not finish within deflateBound (\(status))")
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }

    /// The CRC-32 of `bytes`, as a gzip trailer holds it.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            var crc = crc32(0, nil, 0)
            var offset = 0
            // crc32 takes a 32-bit length.
            while offset < buffer.count {
                let count = min(buffer.count - offset, 1 << 30)
                crc = crc32(crc, buffer.baseAddress! + offset, uInt(count))
                offset += count
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }

    /// Whether `gzipped` is a gzip file of exactly `original`, judged by its trailer (the
    /// CRC-32 and the length of what it holds) without decompressing it: enough to tell a
    /// `.gz` left from an older version of a file from the one written with it.
    public static func holds(_ original: [UInt8], crc: UInt32? = nil, in gzipped: [UInt8]) -> Bool {
        guard gzipped.count >= 18, gzipped[0] == 0x1f, gzipped[1] == 0x8b else { return false }
        let trailer = gzipped.count - 8
        func word(_ at: Int) -> UInt32 {
            UInt32(gzipped[at]) | UInt32(gzipped[at + 1]) << 8 | UInt32(gzipped[at + 2]) << 16 | UInt32(gzipped[at + 3]) << 24
        }
        return word(trailer) == (crc ?? checksum(original)) && word(trailer + 4) == UInt32(truncatingIfNeeded: original.count)
    }

    /// `gzipped` decompressed, at most `limit` bytes; `nil` if it is not a whole gzip file or
    /// holds more than `limit` (tests, and checks of what was written).
    public static func decompress(_ gzipped: [UInt8], limit: Int) -> [UInt8]? {
        var stream = z_stream()
        // 15 + 32: zlib or gzip header, detected.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: limit + 1)
        let status: Int32 = gzipped.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) <= limit else { return nil }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }
}
