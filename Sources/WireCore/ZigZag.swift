/// Zigzag maps signed integers to unsigned ones so that small magnitudes give short varints.
public enum ZigZag {
    @inline(__always) public static func encode32(_ value: Int32) -> UInt32 {
        UInt32(bitPattern: (value << 1) ^ (value >> 31))
    }
    @inline(__always) public static func decode32(_ value: UInt32) -> Int32 {
        Int32(bitPattern: value >> 1) ^ -Int32(bitPattern: value & 1)
    }
    @inline(__always) public static func encode64(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
    @inline(__always) public static func decode64(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}
