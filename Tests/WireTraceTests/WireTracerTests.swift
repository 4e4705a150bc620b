import Transport
import XCTest
@testable import WireTrace

/// The tracer sees connections opened inside `run`, also from unstructured tasks, and no others.
final class WireTracerTests: XCTestCase {
    func testConnectionsOpenedInsideRunAreTracedAndOthersAreNot() async throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        let server = Task {
            for _ in 0..<3 {
                let connection = try await listener.accept()
                _ = try await connection.read(maxBytes: 100)
                try await connection.write(Array("+PONG\r\n".utf8))
                connection.close()
            }
        }
        defer { listener.close(); server.cancel() }
        let port = listener.port
        let collected = Collected()
        let numbers = NumberBox()
        let tracer = WireTracer(protocol: .redis, recordPcap: true) { number, frame in
            collected.add(frame)
            numbers.add(number)
        }
        try await tracer.run {
            try await Self.ping(port)
            // An unstructured task inherits the tracer, as a client's background loop does.
            try await Task { try await Self.ping(port) }.value
        }
        try await Self.ping(port)  // outside: not traced
        XCTAssertEqual(collected.frames.map(\.summary),
                       ["array (1): \"PING\"", "simple string \"PONG\"", "array (1): \"PING\"", "simple string \"PONG\""])
        XCTAssertEqual(numbers.values, [1, 1, 2, 2])
        // Two conversations of 3 handshake + 2 data + 3 close packets each.
        XCTAssertEqual(StreamFramerTests.packetCount(tracer.capture?.bytes ?? []), 16)
    }

    static func ping(_ port: Int) async throws {
        let connection = try await TCPConnection.connect(host: "127.0.0.1", port: port, deadline: .after(seconds: 5))
        try await connection.write(Array("*1\r\n$4\r\nPING\r\n".utf8))
        _ = try await connection.readExactly(7, deadline: .after(seconds: 5))
        connection.close()
    }
}

final class NumberBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Int] = []
    func add(_ value: Int) { lock.withLock { storage.append(value) } }
    var values: [Int] { lock.withLock { storage } }
}
