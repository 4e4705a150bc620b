import CZlibBench
import Foundation
import Transport
import WireCore

// Loopback echo throughput, 1-byte ping-pong round trips, and CRC-32C speed on one core.
// The RESULT line compares our CRC-32C (Swift, slicing-by-8) with zlib's CRC-32 (C) on the same
// buffer in the same run; the target is >= 1 GB/s absolute.

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func echoServer() throws -> TCPListener {
    let listener = try TCPListener(host: "127.0.0.1", port: 0)
    Task {
        while let conn = try? await listener.accept() {
            Task {
                var buffer: [UInt8] = []
                buffer.reserveCapacity(256 * 1024)
                while true {
                    buffer.removeAll(keepingCapacity: true)
                    guard let n = try? await conn.read(into: &buffer, maxBytes: 256 * 1024), n > 0 else { break }
                    do { try await conn.write(buffer) } catch { break }
                }
                conn.close()
            }
        }
    }
    return listener
}

func echoThroughput(port: Int, connections: Int, bytesPerConnection: Int) async throws -> Double {
    let start = now()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<connections {
            group.addTask {
                let conn = try await TCPConnection.connect(host: "127.0.0.1", port: port)
                defer { conn.close() }
                let block = [UInt8](repeating: 0x5a, count: 256 * 1024)
                let writer = Task {
                    var sent = 0
                    while sent < bytesPerConnection {
                        try await conn.write(block)
                        sent += block.count
                    }
                    await conn.shutdownOutput()
                }
                var buffer: [UInt8] = []
                buffer.reserveCapacity(256 * 1024)
                var got = 0
                while true {
                    buffer.removeAll(keepingCapacity: true)
                    let n = try await conn.read(into: &buffer, maxBytes: 256 * 1024)
                    if n == 0 { break }
                    got += n
                }
                try await writer.value
            }
        }
        try await group.waitForAll()
    }
    let seconds = now() - start
    return Double(connections * bytesPerConnection) / seconds / 1e6
}

func pingPong(port: Int, rounds: Int) async throws -> Double {
    let conn = try await TCPConnection.connect(host: "127.0.0.1", port: port)
    defer { conn.close() }
    var buffer: [UInt8] = []
    buffer.reserveCapacity(16)
    let start = now()
    for _ in 0..<rounds {
        try await conn.write([0x2a])
        buffer.removeAll(keepingCapacity: true)
        _ = try await conn.read(into: &buffer, maxBytes: 1)
    }
    return Double(rounds) / (now() - start)
}

func crcSpeed() -> (ours: Double, zlib: Double, table: Double) {
    let size = 64 << 20
    var data = [UInt8](repeating: 0, count: size)
    for i in 0..<size { data[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 13) }
    var best = (0.0, 0.0, 0.0)
    var sink: UInt32 = 0
    for _ in 0..<5 {
        var t = now()
        sink ^= data.withUnsafeBytes { CRC32C.checksum($0) }
        best.0 = max(best.0, Double(size) / (now() - t) / 1e9)
        t = now()
        sink ^= UInt32(truncatingIfNeeded: data.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt(size)) })
        best.1 = max(best.1, Double(size) / (now() - t) / 1e9)
        t = now()
        var table = CRC32C()
        data.withUnsafeBytes { table.updateWithoutHardware($0) }
        sink ^= table.value
        best.2 = max(best.2, Double(size) / (now() - t) / 1e9)
    }
    if sink == 0x1234_5678 { print("") }  // keeps the checksums from being optimised away
    return best
}

let listener = try echoServer()
let port = listener.port
let throughput1 = try await echoThroughput(port: port, connections: 1, bytesPerConnection: 512 << 20)
let throughput64 = try await echoThroughput(port: port, connections: 64, bytesPerConnection: 16 << 20)
print(String(format: "echo throughput, 1 connection:   %8.0f MB/s each way", throughput1))
print(String(format: "echo throughput, 64 connections: %8.0f MB/s each way", throughput64))
let rtt = try await pingPong(port: port, rounds: 50_000)
print(String(format: "1-byte ping-pong: %8.0f round trips/s (one connection)", rtt))
let crc = crcSpeed()
print(String(format: "CRC-32C (ours, CPU instruction: %@): %.2f GB/s   portable Swift table path: %.2f GB/s   CRC-32 (zlib, C): %.2f GB/s   target >= 1 GB/s",
             CRC32C.usesHardware ? "yes" : "no", crc.ours, crc.table, crc.zlib))
print(String(format: "RESULT transport ratio=%.2f ours=%.2f anchor=%.2f GB/s", crc.ours / crc.zlib, crc.ours, crc.zlib))
listener.close()
