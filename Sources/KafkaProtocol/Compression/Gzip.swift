import CZlib

/// gzip (RFC 1952) through the system zlib, as Kafka's codec 1 uses it.
enum Gzip {
    private static let chunk = 64 * 1024

    static func compress(_ data: [UInt8]) throws(KafkaProtocolError) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16 asks zlib for a gzip wrapper rather than a zlib one.
        guard czlib_deflate_init2(&stream, Z_DEFAULT_COMPRESSION, 15 + 16, 8) == Z_OK else {
            throw KafkaProtocolError.corrupt("gzip", "deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var input = data
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        let status: Int32 = input.withUnsafeMutableBufferPointer { inPtr in
            stream.next_in = inPtr.baseAddress
            stream.avail_in = uInt(inPtr.count)
            var result = Z_OK
            repeat {
                result = buffer.withUnsafeMutableBufferPointer { outPtr in
                    stream.next_out = outPtr.baseAddress
                    stream.avail_out = uInt(outPtr.count)
                    return deflate(&stream, Z_FINISH)
                }
                let produced = chunk - Int(stream.avail_out)
                output.append(contentsOf: buffer[0..<produced])
            } while result == Z_OK  // Z_FINISH returns Z_OK while output space ran out
            return result
        }
        guard status == Z_STREAM_END else { throw KafkaProtocolError.corrupt("gzip", "deflate failed (\(status))") }
        return output
    }

    static func decompress(_ data: [UInt8], limit: Int) throws(KafkaProtocolError) -> [UInt8] {
        var output: [UInt8] = []
        var input = data
        var offset = 0
        // A gzip file may hold several members one after another; read them all.
        repeat {
            let (member, consumed) = try inflateMember(&input, from: offset, limit: limit - output.count)
            output.append(contentsOf: member)
            offset += consumed
        } while offset < input.count
        return output
    }

    private static func inflateMember(_ input: inout [UInt8], from offset: Int, limit: Int) throws(KafkaProtocolError) -> ([UInt8], Int) {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip wrapper is required.
        guard czlib_inflate_init2(&stream, 15 + 16) == Z_OK else {
            throw KafkaProtocolError.corrupt("gzip", "inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        var overLimit = false
        let status: Int32 = input.withUnsafeMutableBufferPointer { inPtr in
            stream.next_in = inPtr.baseAddress.map { $0 + offset }
            stream.avail_in = uInt(inPtr.count - offset)
            var result = Z_OK
            while true {
                result = buffer.withUnsafeMutableBufferPointer { outPtr in
                    stream.next_out = outPtr.baseAddress
                    stream.avail_out = uInt(outPtr.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk - Int(stream.avail_out)
                if output.count + produced > limit {
                    overLimit = true
                    return result
                }
                output.append(contentsOf: buffer[0..<produced])
                if result != Z_OK { return result }
                if stream.avail_in == 0 && produced == 0 { return Z_BUF_ERROR }
            }
        }
        if overLimit { throw KafkaProtocolError.decompressedTooLarge(limit) }
        guard status == Z_STREAM_END else {
            throw KafkaProtocolError.corrupt("gzip", status == Z_BUF_ERROR ? "data ends early" : "inflate failed (\(status))")
        }
        let consumed = input.count - offset - Int(stream.avail_in)
        return (output, consumed)
    }
}
