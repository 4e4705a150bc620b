/// Snappy raw blocks (the format of google/snappy's format_description.txt), in pure Swift.
///
/// A block is the uncompressed length as a varint, then elements: literals (tag 00) and
/// back-references with 1-, 2- or 4-byte offsets (tags 01, 10, 11).
enum Snappy {
    static let maxBlockInput = 1 << 16

    // MARK: decompression

    static func decompress(_ input: [UInt8], limit: Int) throws(KafkaProtocolError) -> [UInt8] {
        var output: [UInt8] = []
        try decompress(input, range: 0..<input.count, into: &output, limit: limit)
        return output
    }

    /// Appends the block at `input[range]` to `output`; the whole output may not pass `limit`.
    static func decompress(_ input: [UInt8], range: Range<Int>, into output: inout [UInt8], limit: Int) throws(KafkaProtocolError) {
        var position = range.lowerBound
        let end = range.upperBound
        // Preamble: uncompressed length, varint of at most 5 bytes.
        var length = 0
        var shift = 0
        while true {
            guard position < end, shift <= 28 else { throw KafkaProtocolError.corrupt("snappy", "bad length preamble") }
            let byte = input[position]
            position += 1
            length |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        guard length <= limit - output.count else { throw KafkaProtocolError.decompressedTooLarge(limit) }
        let start = output.count
        let expectedEnd = start + length
        // Each input byte yields at most about 22 output bytes (a 64-byte copy costs 3), so a
        // preamble claiming more than that cannot be honest; do not reserve on its word alone.
        output.reserveCapacity(start + min(length, (end - position) * 24 + 64))
        while position < end {
            let tag = input[position]
            position += 1
            var copyLength = 0
            var distance = 0
            switch tag & 0x03 {
            case 0:
                var literal = Int(tag >> 2)
                if literal >= 60 {
                    let extra = literal - 59
                    guard end - position >= extra else { throw KafkaProtocolError.corrupt("snappy", "literal length cut short") }
                    literal = 0
                    for i in 0..<extra { literal |= Int(input[position + i]) << (8 * i) }
                    position += extra
                }
                literal += 1
                guard end - position >= literal else { throw KafkaProtocolError.corrupt("snappy", "literal runs past the input") }
                guard expectedEnd - output.count >= literal else { throw KafkaProtocolError.corrupt("snappy", "output longer than its preamble") }
                output.append(contentsOf: input[position..<position + literal])
                position += literal
                continue
            case 1:
                guard end - position >= 1 else { throw KafkaProtocolError.corrupt("snappy", "copy cut short") }
                copyLength = 4 + Int((tag >> 2) & 0x07)
                distance = Int(tag >> 5) << 8 | Int(input[position])
                position += 1
            case 2:
                guard end - position >= 2 else { throw KafkaProtocolError.corrupt("snappy", "copy cut short") }
                copyLength = 1 + Int(tag >> 2)
                distance = Int(input[position]) | Int(input[position + 1]) << 8
                position += 2
            default:
                guard end - position >= 4 else { throw KafkaProtocolError.corrupt("snappy", "copy cut short") }
                copyLength = 1 + Int(tag >> 2)
                distance = Int(input[position]) | Int(input[position + 1]) << 8
                    | Int(input[position + 2]) << 16 | Int(input[position + 3]) << 24
                position += 4
            }
            guard distance > 0, distance <= output.count - start else {
                throw KafkaProtocolError.corrupt("snappy", "copy offset \(distance) outside the output")
            }
            guard expectedEnd - output.count >= copyLength else { throw KafkaProtocolError.corrupt("snappy", "output longer than its preamble") }
            // Byte by byte: a copy may overlap the bytes it produces (a run).
            var from = output.count - distance
            for _ in 0..<copyLength {
                output.append(output[from])
                from += 1
            }
        }
        guard output.count == expectedEnd else {
            throw KafkaProtocolError.corrupt("snappy", "output is \(output.count - start) bytes, preamble said \(length)")
        }
    }

    // MARK: compression

    /// A greedy single-pass compressor: 4-byte hash matches, literals otherwise. Its output is a
    /// valid Snappy block for any decoder; the ratio is modest, which is fine for Kafka batches.
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + input.count / 6 + 16)
        var length = input.count
        while length >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: length) | 0x80)
            length >>= 7
        }
        output.append(UInt8(length))
        var blockStart = 0
        // Offsets must fit the copy encodings; compress in independent 64 KiB fragments like the
        // reference implementation does.
        while blockStart < input.count {
            let blockEnd = min(input.count, blockStart + maxBlockInput)
            compressFragment(input, blockStart..<blockEnd, into: &output)
            blockStart = blockEnd
        }
        return output
    }

    private static func compressFragment(_ input: [UInt8], _ range: Range<Int>, into output: inout [UInt8]) {
        let tableBits = 14
        var table = [Int](repeating: -1, count: 1 << tableBits)
        var literalStart = range.lowerBound
        var position = range.lowerBound
        let limit = range.upperBound - 4
        @inline(__always) func load32(_ i: Int) -> UInt32 {
            UInt32(input[i]) | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2]) << 16 | UInt32(input[i + 3]) << 24
        }
        while position <= limit {
            let word = load32(position)
            let hash = Int((word &* 0x1E35_A7BD) >> UInt32(32 - tableBits))
            let candidate = table[hash]
            table[hash] = position
            if candidate >= range.lowerBound && position - candidate <= 0xFFFF && load32(candidate) == word {
                emitLiteral(input, literalStart..<position, into: &output)
                var matchLength = 4
                while position + matchLength < range.upperBound && input[candidate + matchLength] == input[position + matchLength] {
                    matchLength += 1
                }
                emitCopy(distance: position - candidate, length: matchLength, into: &output)
                position += matchLength
                literalStart = position
            } else {
                position += 1
            }
        }
        emitLiteral(input, literalStart..<range.upperBound, into: &output)
    }

    private static func emitLiteral(_ input: [UInt8], _ range: Range<Int>, into output: inout [UInt8]) {
        guard !range.isEmpty else { return }
        let n = range.count - 1
        if n < 60 {
            output.append(UInt8(n << 2))
        } else if n < 1 << 8 {
            output.append(60 << 2)
            output.append(UInt8(n))
        } else if n < 1 << 16 {
            output.append(61 << 2)
            output.append(UInt8(truncatingIfNeeded: n))
            output.append(UInt8(truncatingIfNeeded: n >> 8))
        } else {
            output.append(62 << 2)
            output.append(UInt8(truncatingIfNeeded: n))
            output.append(UInt8(truncatingIfNeeded: n >> 8))
            output.append(UInt8(truncatingIfNeeded: n >> 16))
        }
        output.append(contentsOf: input[range])
    }

    private static func emitCopy(distance: Int, length: Int, into output: inout [UInt8]) {
        var remaining = length
        // Copies of 2-byte offset carry at most 64 bytes; leave at least 4 for the last one.
        while remaining >= 68 {
            output.append(UInt8(63 << 2 | 2))
            output.append(UInt8(truncatingIfNeeded: distance))
            output.append(UInt8(truncatingIfNeeded: distance >> 8))
            remaining -= 64
        }
        if remaining > 64 {
            output.append(UInt8(59 << 2 | 2))
            output.append(UInt8(truncatingIfNeeded: distance))
            output.append(UInt8(truncatingIfNeeded: distance >> 8))
            remaining -= 60
        }
        if remaining >= 4 && remaining <= 11 && distance < 2048 {
            output.append(UInt8((distance >> 8) << 5 | (remaining - 4) << 2 | 1))
            output.append(UInt8(truncatingIfNeeded: distance))
        } else {
            output.append(UInt8((remaining - 1) << 2 | 2))
            output.append(UInt8(truncatingIfNeeded: distance))
            output.append(UInt8(truncatingIfNeeded: distance >> 8))
        }
    }
}

/// Snappy as Kafka carries it: the xerial snappy-java stream framing, which the Java client
/// writes (magic "\x82SNAPPY\0", version 1, compatible version 1, then blocks each prefixed by
/// its big-endian Int32 length). Decoding also accepts a bare raw block, which some clients send.
enum XerialSnappy {
    static let magic: [UInt8] = [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00]
    static let blockSize = 32 * 1024  // snappy-java's default block size

    static func compress(_ data: [UInt8]) -> [UInt8] {
        var output = magic
        output += [0, 0, 0, 1, 0, 0, 0, 1]
        var start = 0
        while start < data.count {
            let end = min(data.count, start + blockSize)
            let block = Snappy.compress(Array(data[start..<end]))
            let n = UInt32(block.count)
            output += [UInt8(n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)]
            output += block
            start = end
        }
        return output
    }

    static func decompress(_ data: [UInt8], limit: Int) throws(KafkaProtocolError) -> [UInt8] {
        guard data.count >= 16, Array(data[0..<8]) == magic else {
            return try Snappy.decompress(data, limit: limit)
        }
        var output: [UInt8] = []
        var position = 16
        while position < data.count {
            guard data.count - position >= 4 else { throw KafkaProtocolError.corrupt("snappy", "xerial block length cut short") }
            let length = Int(data[position]) << 24 | Int(data[position + 1]) << 16 | Int(data[position + 2]) << 8 | Int(data[position + 3])
            position += 4
            guard length <= data.count - position else { throw KafkaProtocolError.corrupt("snappy", "xerial block runs past the input") }
            try Snappy.decompress(data, range: position..<position + length, into: &output, limit: limit)
            position += length
        }
        return output
    }
}
