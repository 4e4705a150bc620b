import Foundation
import Transport

/// Open file descriptors of this process.
func openDescriptorCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
}

/// A deterministic byte pattern (xorshift) so each connection sends distinct data.
func patternBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    var out = [UInt8](repeating: 0, count: count)
    out.withUnsafeMutableBytes { raw in
        var i = 0
        while i + 8 <= count {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            raw.storeBytes(of: state, toByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < count { raw[i] = UInt8(truncatingIfNeeded: i); i += 1 }
    }
    return out
}

func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// A listener and both ends of one connection to it over loopback; close all three when done.
func connectedPair() async throws -> (listener: TCPListener, client: TCPConnection, server: TCPConnection) {
    let listener = try TCPListener(host: "127.0.0.1", port: 0)
    let client = try await TCPConnection.connect(host: "127.0.0.1", port: listener.port, deadline: .after(seconds: 5))
    let server = try await listener.accept(deadline: .after(seconds: 5))
    return (listener, client, server)
}
