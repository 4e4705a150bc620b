extension Array where Element == UInt8 {
    /// Lets `fill` write up to `maxBytes` into scratch memory, then appends what it wrote (its
    /// return value; negative for an error, which appends nothing). Zero-filling the array's tail
    /// first would touch every byte twice, and growing it element by element is slow.
    mutating func appendReceived(maxBytes: Int, _ fill: (UnsafeMutableRawPointer) -> Int) -> Int {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(maxBytes, 1), alignment: 16)
        defer { scratch.deallocate() }
        let n = fill(scratch)
        if n > 0 {
            append(contentsOf: UnsafeBufferPointer(start: scratch.assumingMemoryBound(to: UInt8.self), count: n))
        }
        return n
    }
}
