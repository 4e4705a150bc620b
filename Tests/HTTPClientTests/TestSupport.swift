import Foundation
import HTTPClient
import XCTest

/// Resident memory of this process, from /proc/self/status.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kib = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return kib * 1024
    }
    return 0
}

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// Runs `body` and returns the HTTPClientError it throws, failing the test if it throws none.
func expectClientError<T>(_ body: () async throws(HTTPClientError) -> T, file: StaticString = #filePath,
                          line: UInt = #line) async -> HTTPClientError? {
    do {
        _ = try await body()
        XCTFail("expected an HTTPClientError", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

