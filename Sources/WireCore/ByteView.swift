/// A run of bytes inside a shared array: one frame of a receive buffer, the records of a fetch
/// response. Making one copies nothing (the array is retained, not duplicated), so a
/// multi-megabyte response can be framed, decoded and its records read without copying them
/// out at each step. The array lives as long as any view of it does.
///
/// Indices start at 0, as an array's do (not at the offset in the shared array, as an
/// `ArraySlice`'s would: code that indexes records from 0 must not read the wrong bytes);
/// equality compares contents.
public struct ByteView: Sendable, RandomAccessCollection, Equatable, Hashable, ExpressibleByArrayLiteral {
    public let base: [UInt8]
    public let range: Range<Int>
    /// Held by every view of a buffer its owner wants back (see `ByteLease`).
    public let lease: ByteLease?

    /// A view of `base[range]`; the range is clamped to the array.
    public init(_ base: [UInt8], range: Range<Int>, lease: ByteLease? = nil) {
        self.base = base
        let lower = Swift.max(0, Swift.min(range.lowerBound, base.count))
        self.range = lower..<Swift.max(lower, Swift.min(range.upperBound, base.count))
        self.lease = lease
    }

    /// A view of all of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.base = bytes
        self.range = 0..<bytes.count
        self.lease = nil
    }

    public init(arrayLiteral elements: UInt8...) {
        self.init(elements)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { range.count }
    public var count: Int { range.count }
    public subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < range.count, "ByteView index \(position) out of 0..<\(range.count)")
        return base[range.lowerBound + position]
    }

    /// The bytes in an array of their own (shares the storage when the view covers all of it).
    public var bytes: [UInt8] {
        range == 0..<base.count ? base : Array(base[range])
    }

    /// A reader over the viewed bytes (offsets are those of `base`).
    public var reader: ByteReader { ByteReader(base, range: range) }

    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = base.withUnsafeBytes { raw in
            do throws(E) {
                return .success(try body(UnsafeRawBufferPointer(rebasing: raw[range])))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    public static func == (lhs: ByteView, rhs: ByteView) -> Bool {
        lhs.count == rhs.count && lhs.withUnsafeBytes { l in rhs.withUnsafeBytes { r in l.elementsEqual(r) } }
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// Lets the owner of a buffer (a frame decoder) learn when the views it handed out are gone, so
/// it can receive into that buffer again instead of into fresh memory (a multi-megabyte
/// allocation per response is a page fault per 4 KiB). Views of one buffer share one lease; the
/// owner keeps it too, and `isKnownUniquelyReferenced` on it says none is left. Views read out
/// further (`ByteReader`, `bytes`) keep the array, not the lease: the owner's next write then
/// copies it, as any write to a shared array does, so this only ever saves work.
public final class ByteLease: Sendable {
    public init() {}
}

extension ByteReader {
    /// A reader over `view` (offsets are those of its shared array).
    public init(_ view: ByteView) {
        self.init(view.base, range: view.range)
        lease = view.lease
    }

    /// The next `count` bytes as a view of this reader's array: nothing is copied.
    public mutating func readView(_ count: Int) -> ByteView {
        let start = offset
        skip(count)
        guard !failed else { return [] }
        return ByteView(bytes, range: start..<start + count, lease: lease)
    }
}

extension ByteWriter {
    public mutating func writeBytes(_ view: ByteView) {
        view.withUnsafeBytes { writeBytes($0) }
    }
}
