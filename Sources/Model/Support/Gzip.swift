import CZlib

/// Inflates gzip data (one or more members) with zlib.
enum Gzip {
    static func isCompressed(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    static func decompress(_ input: [UInt8], path: String, monitor: (any ProgressMonitor)? = nil) throws -> [UInt8] {
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(file: path, "cannot start gzip decompression")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(input.count * 4)
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        try input.withUnsafeBufferPointer { src in
            stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
            stream.avail_in = UInt32(src.count)
            while true {
                let status = buffer.withUnsafeMutableBufferPointer { dst -> Int32 in
                    stream.next_out = dst.baseAddress
                    stream.avail_out = UInt32(chunk)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.append(contentsOf: buffer[0..<(chunk - Int(stream.avail_out))])
                if let monitor { try monitor.advance(0.5 * Double(src.count - Int(stream.avail_in)) / Double(src.count), "decompressing") }
                switch status {
                case Z_STREAM_END:
                    // Another gzip member may follow (concatenated files).
                    if stream.avail_in == 0 { return }
                    guard inflateReset(&stream) == Z_OK else { throw DataError(file: path, "corrupt gzip data") }
                case Z_OK:
                    if stream.avail_in == 0 && stream.avail_out != 0 {
                        throw DataError(file: path, "gzip data ends early (truncated file?)")
                    }
                case Z_BUF_ERROR:
                    throw DataError(file: path, "gzip data ends early (truncated file?)")
                default:
                    throw DataError(file: path, "corrupt gzip data")
                }
            }
        }
        return output
    }
}
