import Foundation
import HTTP
import HTTPServer
import Transport
import XCTest

/// A server on a free loopback port for one test.
func startServer(_ router: Router, configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws -> (HTTPServer, Int) {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, router: router)
    try server.start()
    guard let port = server.port else { throw HTTPServerError(.listenFailed, "no port") }
    return (server, port)
}

/// A response as read off the wire by `RawClient`.
struct ReceivedResponse {
    var head: HTTPResponseHead
    var body: [UInt8]
    var trailers: HTTPHeaders

    var status: Int { head.status.code }
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { head.headers[name] }
}

/// A client that writes exactly the bytes it is given and parses what comes back, so tests
/// control framing, pipelining and timing.
final class RawClient: @unchecked Sendable {
    let connection: TCPConnection
    private var parser = HTTPResponseParser(limits: HTTPParserLimits(maxBodySize: 1 << 30))

    init(port: Int) async throws {
        connection = try await TCPConnection.connect(host: "127.0.0.1", port: port, deadline: .after(.seconds(5)))
    }

    func send(_ text: String) async throws {
        try await connection.write(Array(text.utf8), deadline: .after(.seconds(10)))
    }

    func send(bytes: [UInt8]) async throws {
        try await connection.write(bytes, deadline: .after(.seconds(30)))
    }

    /// The next complete response (interim 1xx responses included, as their own response).
    func readResponse(method: HTTPMethod = .get, timeout: Duration = .seconds(10)) async throws -> ReceivedResponse {
        parser.requestMethod = method
        let deadline = Deadline.after(timeout)
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        while true {
            while let part = try parser.next() {
                switch part {
                case .head(let h): head = h
                case .body(let bytes): body += bytes
                case .end(let trailers):
                    guard let head else { throw HTTPError(.truncatedMessage, "end without head") }
                    return ReceivedResponse(head: head, body: body, trailers: trailers)
                }
            }
            let n = try await parser.receive { (buffer: inout [UInt8]) async throws(TransportError) -> Int in
                try await connection.read(into: &buffer, maxBytes: 64 * 1024, deadline: deadline)
            }
            if n == 0 { parser.markEndOfInput() }
        }
    }

    /// Reads whatever the server sends until it closes (or `timeout`); true if it closed.
    func readUntilClosed(timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = Deadline.after(timeout)
        var scratch: [UInt8] = []
        while true {
            do {
                scratch.removeAll(keepingCapacity: true)
                let n = try await connection.read(into: &scratch, maxBytes: 65536, deadline: deadline)
                if n == 0 { return true }
            } catch {
                return error.code == .connectionReset
            }
        }
    }

    /// Raw bytes that arrive within `timeout` (for SSE).
    func readAvailable(until deadline: Deadline, stopWhen: ([UInt8]) -> Bool) async -> [UInt8] {
        var buffer: [UInt8] = []
        while !stopWhen(buffer) {
            do {
                let n = try await connection.read(into: &buffer, maxBytes: 65536, deadline: deadline)
                if n == 0 { break }
            } catch { break }
        }
        return buffer
    }

    func close() { connection.close() }
}

/// Memory in use by this process (VmRSS from /proc/self/status), in bytes.
func residentSetSize() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let digits = line.filter(\.isNumber)
        return (Int(digits) ?? 0) * 1024
    }
    return 0
}

/// Runs a command; returns its exit status, standard output and standard error.
@discardableResult
func runProcess(_ executable: String, _ arguments: [String], stdin: [UInt8]? = nil, timeout: TimeInterval = 30) throws -> (status: Int32, stdout: [UInt8], stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let input = Pipe()
    process.standardInput = input
    try process.run()
    // Feed stdin from its own thread: a process that answers while it reads would otherwise
    // block on a full stdout pipe while we block on its full stdin pipe.
    let writer = input.fileHandleForWriting
    DispatchQueue.global().async {
        if let stdin { writer.write(Data(stdin)) }
        try? writer.close()
    }
    // Drain both pipes while waiting so a chatty process never blocks on a full pipe.
    let outData = LockedData(), errData = LockedData()
    let group = DispatchGroup()
    for (pipe, sink) in [(out, outData), (err, errData)] {
        group.enter()
        DispatchQueue.global().async {
            sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
    }
    let finished = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
        process.waitUntilExit()
        finished.signal()
    }
    if finished.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        _ = finished.wait(timeout: .now() + 5)
    }
    group.wait()
    return (process.terminationStatus, Array(outData.get()), String(decoding: errData.get(), as: UTF8.self))
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// Counts calls from @Sendable closures.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
