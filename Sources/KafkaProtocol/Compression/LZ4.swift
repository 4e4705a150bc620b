/// LZ4 blocks (lz4_Block_format.md), in pure Swift.
///
/// A block is a run of sequences: a token (literal length high nibble, match length - 4 low
/// nibble, each extended by 255-bytes), literals, a 2-byte little-endian offset, more match
/// length. The last sequence has literals only.
enum LZ4Block {
    static let minMatch = 4
    /// The last 5 bytes are always literals and a match may not start in the last 12.
    static let lastLiterals = 5
    static let matchStartLimit = 12

    /// Appends the block at `input[range]` to `output`. Matches may reach back to
    /// `windowStart` in `output`: the block's own start for independent blocks, earlier for
    /// linked ones.
    static func decompress(_ input: [UInt8], range: Range<Int>, into output: inout [UInt8], limit: Int, windowStart: Int? = nil) throws(KafkaProtocolError) {
        var position = range.lowerBound
        let end = range.upperBound
        let start = windowStart ?? output.count
        while position < end {
            let token = input[position]
            position += 1
            var literal = Int(token >> 4)
            if literal == 15 {
                while true {
                    guard position < end else { throw KafkaProtocolError.corrupt("lz4", "literal length cut short") }
                    let byte = input[position]
                    position += 1
                    literal += Int(byte)
                    if byte != 255 { break }
                }
            }
            guard literal <= end - position else { throw KafkaProtocolError.corrupt("lz4", "literals run past the block") }
            guard literal <= limit - output.count else { throw KafkaProtocolError.decompressedTooLarge(limit) }
            output.append(contentsOf: input[position..<position + literal])
            position += literal
            if position == end { return }  // the last sequence has no match
            guard end - position >= 2 else { throw KafkaProtocolError.corrupt("lz4", "match offset cut short") }
            let distance = Int(input[position]) | Int(input[position + 1]) << 8
            position += 2
            var matchLength = Int(token & 0x0F)
            if matchLength == 15 {
                while true {
                    guard position < end else { throw KafkaProtocolError.corrupt("lz4", "match length cut short") }
                    let byte = input[position]
                    position += 1
                    matchLength += Int(byte)
                    if byte != 255 { break }
                }
            }
            matchLength += minMatch
            guard distance > 0, distance <= output.count - start else {
                throw KafkaProtocolError.corrupt("lz4", "match offset \(distance) outside the output")
            }
            guard matchLength <= limit - output.count else { throw KafkaProtocolError.decompressedTooLarge(limit) }
            var from = output.count - distance
            for _ in 0..<matchLength {
                output.append(output[from])
                from += 1
            }
        }
        throw KafkaProtocolError.corrupt("lz4", "block ends without a final literal run")
    }

    /// A greedy hash-table compressor producing a valid independent block.
    static func compress(_ input: [UInt8], range: Range<Int>, into output: inout [UInt8]) {
        let tableBits = 12
        var table = [Int](repeating: -1, count: 1 << tableBits)
        var anchor = range.lowerBound
        var position = range.lowerBound
        let matchLimit = range.upperBound - matchStartLimit
        @inline(__always) func load32(_ i: Int) -> UInt32 {
            UInt32(input[i]) | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2]) << 16 | UInt32(input[i + 3]) << 24
        }
        while position < matchLimit {
            let word = load32(position)
            let hash = Int((word &* 2_654_435_761) >> UInt32(32 - tableBits))
            let candidate = table[hash]
            table[hash] = position
            guard candidate >= range.lowerBound, position - candidate <= 0xFFFF, load32(candidate) == word else {
                position += 1
                continue
            }
            var matchLength = minMatch
            let matchEnd = range.upperBound - lastLiterals
            while position + matchLength < matchEnd && input[candidate + matchLength] == input[position + matchLength] {
                matchLength += 1
            }
            emitSequence(input, literals: anchor..<position, distance: position - candidate, matchLength: matchLength, into: &output)
            position += matchLength
            anchor = position
        }
        // Final literals.
        let literal = range.upperBound - anchor
        writeToken(literal: literal, match: 0, into: &output)
        output.append(contentsOf: input[anchor..<range.upperBound])
    }

    private static func emitSequence(_ input: [UInt8], literals: Range<Int>, distance: Int, matchLength: Int, into output: inout [UInt8]) {
        writeToken(literal: literals.count, match: matchLength - minMatch, into: &output)
        output.append(contentsOf: input[literals])
        output.append(UInt8(truncatingIfNeeded: distance))
        output.append(UInt8(truncatingIfNeeded: distance >> 8))
        if matchLength - minMatch >= 15 { writeLengthExtension(matchLength - minMatch - 15, into: &output) }
    }

    /// The token, and the literal length's extension bytes (which precede the literals).
    private static func writeToken(literal: Int, match: Int, into output: inout [UInt8]) {
        output.append(UInt8(min(literal, 15) << 4 | min(match, 15)))
        if literal >= 15 { writeLengthExtension(literal - 15, into: &output) }
    }

    private static func writeLengthExtension(_ value: Int, into output: inout [UInt8]) {
        var remaining = value
        while remaining >= 255 {
            output.append(255)
            remaining -= 255
        }
        output.append(UInt8(remaining))
    }
}

/// The LZ4 frame format (lz4_Frame_format.md) that Kafka uses for codec 3: magic 0x184D2204,
/// a frame descriptor with its xxHash32 checksum byte, blocks each prefixed by a little-endian
/// size whose top bit marks an uncompressed block, an end mark, optional checksums.
enum LZ4Frame {
    static let magic: UInt32 = 0x184D_2204
    static let blockMaxSize = 64 * 1024  // block size id 4, as Kafka's producer writes

    static func compress(_ data: [UInt8]) -> [UInt8] {
        var output: [UInt8] = [0x04, 0x22, 0x4D, 0x18]
        // FLG: version 01, independent blocks; BD: max block size 64 KiB.
        let descriptor: [UInt8] = [0x60, 0x40]
        output += descriptor
        output.append(UInt8(truncatingIfNeeded: XXHash32.hash(descriptor) >> 8))
        var start = 0
        while start < data.count {
            let end = min(data.count, start + blockMaxSize)
            var block: [UInt8] = []
            LZ4Block.compress(data, range: start..<end, into: &block)
            if block.count < end - start {
                appendLE32(UInt32(block.count), to: &output)
                output += block
            } else {
                appendLE32(UInt32(end - start) | 0x8000_0000, to: &output)
                output += data[start..<end]
            }
            start = end
        }
        appendLE32(0, to: &output)  // end mark
        return output
    }

    /// `legacyHeaderChecksum` accepts the descriptor checksum that Kafka's magic-0 messages used
    /// (computed over the magic too, KAFKA-3160).
    static func decompress(_ data: [UInt8], limit: Int, legacyHeaderChecksum: Bool = false) throws(KafkaProtocolError) -> [UInt8] {
        var position = 0
        func need(_ n: Int) throws(KafkaProtocolError) {
            guard data.count - position >= n else { throw KafkaProtocolError.corrupt("lz4", "frame cut short") }
        }
        func readLE32() throws(KafkaProtocolError) -> UInt32 {
            try need(4)
            let value = UInt32(data[position]) | UInt32(data[position + 1]) << 8 | UInt32(data[position + 2]) << 16 | UInt32(data[position + 3]) << 24
            position += 4
            return value
        }
        guard try readLE32() == magic else { throw KafkaProtocolError.corrupt("lz4", "bad frame magic") }
        try need(3)
        let flg = data[position]
        let bd = data[position + 1]
        guard flg >> 6 == 1 else { throw KafkaProtocolError.corrupt("lz4", "frame version \(flg >> 6)") }
        guard flg & 0x01 == 0 else { throw KafkaProtocolError.corrupt("lz4", "dictionary ids are not supported") }
        // Linked blocks (bit 5 clear) may refer to the 64 KiB decoded before them.
        let linkedBlocks = flg & 0x20 == 0
        let blockChecksums = flg & 0x10 != 0
        let hasContentSize = flg & 0x08 != 0
        let contentChecksum = flg & 0x04 != 0
        let blockSizeId = Int(bd >> 4) & 0x07
        guard blockSizeId >= 4 else { throw KafkaProtocolError.corrupt("lz4", "block size id \(blockSizeId)") }
        let maxBlock = 1 << (8 + 2 * blockSizeId)
        let descriptorLength = hasContentSize ? 10 : 2
        try need(descriptorLength + 1)
        let descriptorRange = position..<position + descriptorLength
        let checksum = data[position + descriptorLength]
        let expected = UInt8(truncatingIfNeeded: XXHash32.hash(data, range: descriptorRange) >> 8)
        let legacy = UInt8(truncatingIfNeeded: XXHash32.hash(data, range: 0..<descriptorRange.upperBound) >> 8)
        guard checksum == expected || (legacyHeaderChecksum && checksum == legacy) else {
            throw KafkaProtocolError.corrupt("lz4", "frame descriptor checksum mismatch")
        }
        position += descriptorLength + 1
        var output: [UInt8] = []
        while true {
            let word = try readLE32()
            if word == 0 { break }
            let size = Int(word & 0x7FFF_FFFF)
            guard size <= maxBlock else { throw KafkaProtocolError.corrupt("lz4", "block of \(size) bytes over the frame's \(maxBlock)") }
            try need(size)
            let blockRange = position..<position + size
            if word & 0x8000_0000 != 0 {
                guard size <= limit - output.count else { throw KafkaProtocolError.decompressedTooLarge(limit) }
                output.append(contentsOf: data[blockRange])
            } else {
                let before = output.count
                let window = linkedBlocks ? max(0, before - 64 * 1024) : before
                try LZ4Block.decompress(data, range: blockRange, into: &output, limit: min(limit, before + maxBlock), windowStart: window)
            }
            position += size
            if blockChecksums {
                let stored = try readLE32()
                guard stored == XXHash32.hash(data, range: blockRange) else { throw KafkaProtocolError.corrupt("lz4", "block checksum mismatch") }
            }
        }
        if contentChecksum {
            let stored = try readLE32()
            guard stored == XXHash32.hash(output) else { throw KafkaProtocolError.corrupt("lz4", "content checksum mismatch") }
        }
        return output
    }

    private static func appendLE32(_ value: UInt32, to output: inout [UInt8]) {
        output += [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8),
                   UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 24)]
    }
}
