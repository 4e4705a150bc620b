/// xxHash32 (github.com/Cyan4973/xxHash, "XXH32"), which the LZ4 frame format uses for its
/// header and content checksums.
enum XXHash32 {
    private static let p1: UInt32 = 2_654_435_761
    private static let p2: UInt32 = 2_246_822_519
    private static let p3: UInt32 = 3_266_489_917
    private static let p4: UInt32 = 668_265_263
    private static let p5: UInt32 = 374_761_393

    @inline(__always) private static func rotl(_ x: UInt32, _ r: UInt32) -> UInt32 { (x << r) | (x >> (32 - r)) }

    @inline(__always) private static func read32(_ data: [UInt8], _ i: Int) -> UInt32 {
        UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16 | UInt32(data[i + 3]) << 24
    }

    static func hash(_ data: [UInt8], range: Range<Int>, seed: UInt32 = 0) -> UInt32 {
        var i = range.lowerBound
        let end = range.upperBound
        var h: UInt32
        if range.count >= 16 {
            var v1 = seed &+ p1 &+ p2
            var v2 = seed &+ p2
            var v3 = seed
            var v4 = seed &- p1
            while end - i >= 16 {
                v1 = rotl(v1 &+ read32(data, i) &* p2, 13) &* p1
                v2 = rotl(v2 &+ read32(data, i + 4) &* p2, 13) &* p1
                v3 = rotl(v3 &+ read32(data, i + 8) &* p2, 13) &* p1
                v4 = rotl(v4 &+ read32(data, i + 12) &* p2, 13) &* p1
                i += 16
            }
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
        } else {
            h = seed &+ p5
        }
        h = h &+ UInt32(truncatingIfNeeded: range.count)
        while end - i >= 4 {
            h = rotl(h &+ read32(data, i) &* p3, 17) &* p4
            i += 4
        }
        while i < end {
            h = rotl(h &+ UInt32(data[i]) &* p5, 11) &* p1
            i += 1
        }
        h ^= h >> 15
        h = h &* p2
        h ^= h >> 13
        h = h &* p3
        h ^= h >> 16
        return h
    }

    static func hash(_ data: [UInt8], seed: UInt32 = 0) -> UInt32 { hash(data, range: 0..<data.count, seed: seed) }
}
