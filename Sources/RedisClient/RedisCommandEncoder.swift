/// Appends commands (RESP arrays of bulk strings) to an output buffer, in place.
///
/// A command's argument count is only known once its optional parts are decided, and the `*<count>`
/// header comes first on the wire, so `encode(into:)` runs twice: a counting pass that only counts
/// `write` calls, then the pass that writes. Counting costs a few increments; the alternatives (a
/// buffer per command, or inserting the header afterwards) cost an allocation or a memmove.
public struct RedisCommandEncoder {
    @usableFromInline var buffer: [UInt8]
    @usableFromInline var count = 0
    @usableFromInline var counting = false

    /// Appends to `buffer` (moved in: pass a buffer nobody else references, so appends do not copy it).
    @usableFromInline
    init(appendingTo buffer: [UInt8]) {
        self.buffer = buffer
    }

    /// One argument: any text, bytes or number.
    @inlinable
    public mutating func write(_ argument: some RedisArgument) {
        count += 1
        if counting { return }
        argument.writeArgument(into: &self)
    }

    @inlinable
    public mutating func write(_ arguments: [some RedisArgument]) {
        if counting {
            count += arguments.count
            return
        }
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
        Self.withDecimalDigits(value) { buffer.append(contentsOf: $0) }
    }

    /// Calls `body` with the decimal text of `value`, formatted on the stack.
    @inlinable
    static func withDecimalDigits<R>(_ value: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, enough for Int.min
        return withUnsafeMutableBytes(of: &digits) { raw -> R in
            var magnitude = value.magnitude
            var index = raw.count
            repeat {
                index -= 1
                raw[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                index -= 1
                raw[index] = UInt8(ascii: "-")
            }
            return body(UnsafeRawBufferPointer(rebasing: raw[index...]))
        }
    }

    /// Appends one whole command: `*<count>\r\n` then its arguments.
    @inlinable
    mutating func append<Command: RedisCommand>(_ command: Command) {
        counting = true
        count = 0
        command.encode(into: &self)
        counting = false
        appendHeader(UInt8(ascii: "*"), count)
        command.encode(into: &self)
    }

    /// Whole commands already encoded (a pipeline's); they carry their own headers.
    @usableFromInline
    mutating func appendRaw(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    /// One command's bytes on their own (for handshakes and tests).
    static func encode(_ command: some RedisCommand) -> [UInt8] {
        var encoder = RedisCommandEncoder(appendingTo: [])
        encoder.append(command)
        return encoder.buffer
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
        RedisCommandEncoder.withDecimalDigits(self) { encoder.appendBulk($0) }
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
