import CZlib

/// A streaming gzip (RFC 1952) compressor over zlib's deflate.
///
/// The z_stream is heap-allocated once: zlib keeps a pointer back to it, so it must never move.
/// Not thread-safe; one response uses one encoder from one task at a time.
final class GzipEncoder {
    private let stream: UnsafeMutablePointer<z_stream>
    private var finished = false

    /// Nil if zlib cannot initialise (out of memory).
    init?(level: Int32) {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 15 + 16 asks for the gzip wrapper; memLevel 8 is zlib's default.
        guard czlib_deflate_init2(stream, level, 15 + 16, 8) == Z_OK else {
            stream.deallocate()
            return nil
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Compresses `input` and appends what zlib emits to `output`. With `flush` the output so far
    /// is complete (Z_SYNC_FLUSH), so a streamed piece reaches the client now rather than later.
    func compress(_ input: [UInt8], flush: Bool, into output: inout [UInt8]) {
        run(input, mode: flush ? Z_SYNC_FLUSH : Z_NO_FLUSH, into: &output)
    }

    /// Ends the stream: the last compressed bytes and the gzip trailer (CRC-32 and length).
    func finish(into output: inout [UInt8]) {
        guard !finished else { return }
        finished = true
        run([], mode: Z_FINISH, into: &output)
    }

    private func run(_ input: [UInt8], mode: Int32, into output: inout [UInt8]) {
        var scratch = [UInt8](repeating: 0, count: max(1024, input.count / 2 + 64))
        input.withUnsafeBufferPointer { inBuffer in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
            stream.pointee.avail_in = uInt(inBuffer.count)
            while true {
                let produced: Int = scratch.withUnsafeMutableBufferPointer { out in
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = uInt(out.count)
                    _ = deflate(stream, mode)
                    return out.count - Int(stream.pointee.avail_out)
                }
                output.append(contentsOf: scratch[..<produced])
                // Done when zlib left output space unused (it has nothing more) and took all input.
                if stream.pointee.avail_out != 0 && stream.pointee.avail_in == 0 { break }
            }
            stream.pointee.next_in = nil
        }
    }

    /// Compresses `bytes` in one go.
    static func compress(_ bytes: [UInt8], level: Int32) -> [UInt8]? {
        guard let encoder = GzipEncoder(level: level) else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 3 + 64)
        encoder.compress(bytes, flush: false, into: &output)
        encoder.finish(into: &output)
        return output
    }
}
