/// Appends one command (a RESP array of bulk strings) to an output buffer, in place.
///
/// The argument count is only known once every argument is written (options are optional), so the
/// arguments go first and the `*<count>` header is inserted before them at the end: a memmove of this
/// command's own bytes, cheaper than building each command in an array of its own and copying it.
public struct RedisCommandEncoder {
    @usableFromInline var buffer: [UInt8]
    @usableFromInline var count = 0
    @usableFromInline let start: Int
    /// Set when whole pre-encoded commands were appended: no header of our own then.
    var rawOnly = false

    /// Starts a command at the end of `buffer` (moved in: pass a buffer nobody else references).
    @usableFromInline
    init(appendingTo buffer: [UInt8]) {
        self.buffer = buffer
        self.start = buffer.count
    }

    /// One argument: any text, bytes or number.
    @inlinable
    public mutating func write(_ argument: some RedisArgument) {
        argument.writeArgument(into: &self)
        count += 1
    }

    public mutating func write(_ arguments: [some RedisArgument]) {
        for argument in arguments { write(argument) }
    }

    /// Appends `$<length>\r\n<bytes>\r\n`; used by `RedisArgument` conformances (counts nothing).
    @inlinable
    public mutating func appendBulk(_ bytes: UnsafeRawBufferPointer) {
        appendHeader(UInt8(ascii: "$"), bytes.count)
        buffer.append(contentsOf: bytes)
        buffer.append(0x0D)
        buffer.append(0x0A)
    }

    @inlinable
    mutating func appendHeader(_ type: UInt8, _ value: Int) {
        buffer.append(type)
        appendDecimal(value)
        buffer.append(0x0D)
        buffer.append(0x0A)
    }

    @inlinable
    mutating func appendDecimal(_ value: Int) {
        if value >= 0 && value < 10 {
            buffer.append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, enough for Int.min
        let length = withUnsafeMutableBytes(of: &digits) { raw -> Int in
            var magnitude = value.magnitude
            var index = raw.count
            repeat {
                index -= 1
                raw[index] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { index -= 1; raw[index] = UInt8(ascii: "-") }
            return raw.count - index
        }
        withUnsafeBytes(of: &digits) { raw in buffer.append(contentsOf: raw[(raw.count - length)...]) }
    }

    /// The buffer with the `*<count>` header in front of this command's arguments.
    mutating func finish() -> [UInt8] {
        if rawOnly {
            defer { buffer = [] }
            return buffer
        }
        var header = RedisCommandEncoder(appendingTo: [])
        header.appendHeader(UInt8(ascii: "*"), count)
        buffer.insert(contentsOf: header.buffer, at: start)
        defer { buffer = [] }
        return buffer
    }

    /// One command's bytes on their own (for handshakes and tests).
    static func encode(_ command: some RedisCommand) -> [UInt8] {
        var encoder = RedisCommandEncoder(appendingTo: [])
        command.encode(into: &encoder)
        return encoder.finish()
    }
}

/// A value that can be one argument of a command.
public protocol RedisArgument: Sendable {
    func writeArgument(into encoder: inout RedisCommandEncoder)
}

extension String: RedisArgument {
    @inlinable
    public func writeArgument(into encoder: inout RedisCommandEncoder) {
        var copy = self
        copy.withUTF8 { encoder.appendBulk(UnsafeRawBufferPointer($0)) }
    }
}

extension Substring: RedisArgument {
    public func writeArgument(into encoder: inout RedisCommandEncoder) { String(self).writeArgument(into: &encoder) }
}

extension Array: RedisArgument where Element == UInt8 {
    @inlinable
    public func writeArgument(into encoder: inout RedisCommandEncoder) {
        withUnsafeBytes { encoder.appendBulk($0) }
    }
}

extension ArraySlice: RedisArgument where Element == UInt8 {
    public func writeArgument(into encoder: inout RedisCommandEncoder) {
        withUnsafeBytes { encoder.appendBulk($0) }
    }
}

extension Int: RedisArgument {
    @inlinable
    public func writeArgument(into encoder: inout RedisCommandEncoder) {
        var digits = RedisCommandEncoder(appendingTo: [])
        digits.appendDecimal(self)
        let text = digits.buffer
        text.withUnsafeBytes { encoder.appendBulk($0) }
    }
}

extension Int64: RedisArgument {
    public func writeArgument(into encoder: inout RedisCommandEncoder) { Int(self).writeArgument(into: &encoder) }
}

extension Double: RedisArgument {
    /// Redis reads doubles with strtod; Swift's shortest round-trip text is exact, and inf is spelled as Redis wants.
    public func writeArgument(into encoder: inout RedisCommandEncoder) {
        let text: String = isInfinite ? (self < 0 ? "-inf" : "+inf") : description
        text.writeArgument(into: &encoder)
    }
}
