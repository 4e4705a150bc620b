import Foundation
import PeerTestSupport
import XCTest

/// Runs a Python snippet with the peers' interpreter (it has boto3) and returns its stdout.
func runPeersPython(_ env: PeerEnvironment, _ code: String, arguments: [String] = []) throws -> String {
    try env.python(code, arguments: arguments).trimmingCharacters(in: .whitespacesAndNewlines)
}

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return (line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) * 1024
    }
    return 0
}

func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes { out += [digits[Int(b >> 4)], digits[Int(b & 15)]] }
    return String(decoding: out, as: UTF8.self)
}
