import WireCore

extension KafkaRecordSet {
    /// Where a consumer reading from `from` goes next after this `records` field, found from the
    /// batch headers alone (base offset + last offset delta of each whole v2 batch), without
    /// checking CRCs or decoding records: a consumer asks for the next records with this while
    /// it decodes these. Nil when the answer needs a decode: legacy messages (magic 0/1), or
    /// bytes that do not parse as batches. A partial batch at the end is skipped, as `decode`
    /// skips it. `decode` of the same bytes gives the same position (`nextOffset(decoding:)`).
    public static func nextOffset(scanning view: ByteView, from: Int64) -> Int64? {
        var next = from
        // Offsets in the shared array (a view's own indices start at 0).
        var offset = view.range.lowerBound
        let end = view.range.upperBound
        let bytes = view.base
        while end - offset > magicOffset {
            var header = ByteReader(bytes, range: offset..<offset + lastOffsetDeltaEnd)
            let baseOffset = header.readInt64BE()
            let length = Int(header.readInt32BE())
            guard length >= 0 else { return nil }
            if length > end - offset - 12 { break }
            header.skip(4)
            guard header.readInt8() == KafkaRecordBatch.magic else { return nil }
            guard length >= KafkaRecordBatch.headerSize - KafkaRecordBatch.lengthFieldEnd else { return nil }
            header.skip(4 + 2)
            let lastOffsetDelta = header.readInt32BE()
            if header.failed { return nil }
            next = Swift.max(next, baseOffset + Int64(lastOffsetDelta) + 1)
            offset += 12 + length
        }
        return next
    }

    /// The position after `set` for a consumer that read from `from`: past every batch, even
    /// records compaction removed and control batches, and past every legacy message at or
    /// after `from`.
    public func nextOffset(from: Int64) -> Int64 {
        var next = from
        for entry in entries {
            switch entry {
            case .batch(let batch):
                next = Swift.max(next, batch.lastOffset + 1)
            case .legacy(let message):
                if message.offset >= from { next = Swift.max(next, message.offset + 1) }
            }
        }
        return next
    }

    /// Base offset 8, length 4, leader epoch 4, magic 1, CRC 4, attributes 2, last offset delta 4.
    static let lastOffsetDeltaEnd = 27
}
