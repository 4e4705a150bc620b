// fuzz-modules: WireCore
// Feeds arbitrary bytes to ByteReader: no read may trap, and the sticky error must stop reads.
import WireCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var reader = ByteReader(Array(UnsafeBufferPointer(start: data, count: size)))
    while !reader.isAtEnd && !reader.failed {
        switch reader.readUInt8() % 8 {
        case 0: _ = reader.readUVarInt64()
        case 1: _ = reader.readVarInt32()
        case 2: _ = reader.readCompactString()
        case 3: _ = reader.readInt16PrefixedString()
        case 4: _ = reader.readInt32PrefixedBytes(limit: 1 << 20)
        case 5: _ = reader.readInt64BE()
        case 6: _ = reader.readCompactBytes(limit: 1 << 20)
        default: _ = reader.readUInt32LE()
        }
    }
    if reader.failed && reader.remaining != 0 { fatalError("a failed reader must report no bytes remaining") }
    return 0
}
