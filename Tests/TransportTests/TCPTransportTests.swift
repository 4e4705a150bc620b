import CZlib
import Foundation
import Transport
import XCTest

final class TCPTransportTests: XCTestCase {
    /// 64 connections move 1 GiB in total through the echo server; every byte is checksummed on
    /// both sides and the totals must match.
    func testSixtyFourConnectionsEchoOneGiBChecksummed() async throws {
        let server = try EchoServer()
        defer { server.stop() }
        let connections = 64
        let perConnection = (1 << 30) / connections   // 16 MiB each
        let port = server.port
        let started = monotonicNow()
        var results: [EchoResult] = []
        try await withThrowingTaskGroup(of: EchoResult.self) { group in
            for c in 0..<connections {
                group.addTask { try await echoThrough(port: port, seed: UInt64(c + 1), total: perConnection) }
            }
            for try await r in group { results.append(r) }
        }
        let elapsed = monotonicNow() - started
        var total = 0
        for r in results {
            XCTAssertEqual(r.received, perConnection)
            XCTAssertEqual(r.sentCRC, r.receivedCRC, "echoed bytes differ from sent bytes")
            total += r.received
        }
        XCTAssertEqual(results.count, connections)
        XCTAssertEqual(total, 1 << 30)
        print("echo: 64 connections, \(total >> 20) MiB each way in \(String(format: "%.2f", elapsed)) s")
    }

    /// A connect to a loopback listener whose accept queue is full gets no SYN-ACK, so it hangs
    /// like an address that never answers; it must fail at the deadline, not before, not much after.
    func testConnectToSilentAddressTimesOutAtDeadline() async throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0, backlog: 0)
        defer { listener.close() }
        var fillers: [TCPConnection] = []
        defer { fillers.forEach { $0.close() } }
        // Fill the kernel's accept queue (never accepted) until a connect stalls.
        var stalled = false
        for _ in 0..<16 {
            let result = await connectResult(port: listener.port, seconds: 0.3)
            switch result {
            case .success(let connection): fillers.append(connection)
            case .failure(let error):
                XCTAssertEqual(error.code, .timedOut)
                stalled = true
            }
            if stalled { break }
        }
        XCTAssertTrue(stalled, "could not make a connect stall on loopback")
        let start = monotonicNow()
        do {
            _ = try await TCPConnection.connect(host: "127.0.0.1", port: listener.port, deadline: .after(seconds: 0.5))
            XCTFail("connect should time out")
        } catch let error as TransportError {
            let elapsed = monotonicNow() - start
            XCTAssertEqual(error.code, .timedOut)
            XCTAssertTrue(error.isRetriable)
            XCTAssertGreaterThanOrEqual(elapsed, 0.49)
            XCTAssertLessThan(elapsed, 0.7, "timeout fired late: \(elapsed)")
        }
    }

    func testCancellingPendingReadReturnsPromptlyAndLeavesSocketUsable() async throws {
        let (listener, client, server) = try await connectedPair()
        defer { listener.close(); client.close(); server.close() }

        let reader = Task { () -> (TransportError?, Double) in
            do {
                _ = try await client.read(maxBytes: 100)
                return (nil, monotonicNow())
            } catch {
                return (error as? TransportError, monotonicNow())
            }
        }
        try await Task.sleep(nanoseconds: 50_000_000)
        let cancelledAt = monotonicNow()
        reader.cancel()
        let (error, returnedAt) = await reader.value
        XCTAssertEqual(error?.code, .cancelled)
        XCTAssertLessThan(returnedAt - cancelledAt, 0.1, "cancellation took \(returnedAt - cancelledAt) s")

        // Nothing was consumed and the connection still works both ways.
        try await server.write(Array("after-cancel".utf8))
        let got = try await client.readExactly(12, deadline: .after(seconds: 5))
        XCTAssertEqual(String(decoding: got, as: UTF8.self), "after-cancel")
        try await client.write(Array("pong".utf8))
        let observed = try await server.readExactly(4, deadline: .after(seconds: 5))
        XCTAssertEqual(observed, Array("pong".utf8))
    }

    /// Sockets are one-shot in epoll: each report disarms the descriptor until a task waits
    /// again. Data that lands before or after the reader parks, and a reader and a writer parked
    /// at once (one report wakes one of them; the other must stay armed) all wake the right task.
    func testOneShotReadinessWakesEveryWaiter() async throws {
        let (listener, client, server) = try await connectedPair()
        defer { listener.close(); client.close(); server.close() }

        // Ping-pong: on odd rounds the reply is written before the reader parks, on even ones
        // after (the replier waits a moment first).
        for round in 0..<300 {
            try await client.write([UInt8(truncatingIfNeeded: round)])
            let ping = try await server.readExactly(1, deadline: .after(seconds: 5))
            if round % 2 == 0 { try await Task.sleep(nanoseconds: 200_000) }
            try await server.write(ping)
            if round % 2 == 1 { try await Task.sleep(nanoseconds: 200_000) }
            let pong = try await client.readExactly(1, deadline: .after(seconds: 5))
            XCTAssertEqual(pong, [UInt8(truncatingIfNeeded: round)])
        }

        // The client writes more than the socket buffers hold (its writer parks) while its
        // reader is parked too; the server answers one byte (a read report), then drains.
        let bulk = [UInt8](repeating: 7, count: 32 << 20)
        let writer = Task { try await client.write(bulk, deadline: .after(seconds: 20)) }
        let reader = Task { try await client.readExactly(1, deadline: .after(seconds: 20)) }
        try await Task.sleep(nanoseconds: 100_000_000)
        try await server.write([42])
        let answer = try await reader.value
        XCTAssertEqual(answer, [42])
        var drained = 0
        while drained < bulk.count {
            drained += try await server.read(maxBytes: 1 << 20, deadline: .after(seconds: 20)).count
        }
        try await writer.value
        XCTAssertEqual(drained, bulk.count)
    }

    func testReadDeadlineTimesOutAndSocketStaysUsable() async throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        let client = try await TCPConnection.connect(host: "127.0.0.1", port: listener.port)
        defer { client.close() }
        let server = try await listener.accept()
        defer { server.close() }
        let start = monotonicNow()
        do {
            _ = try await client.read(maxBytes: 10, deadline: .after(seconds: 0.2))
            XCTFail("read should time out")
        } catch let error as TransportError {
            XCTAssertEqual(error.code, .timedOut)
        }
        let elapsed = monotonicNow() - start
        XCTAssertGreaterThanOrEqual(elapsed, 0.19)
        XCTAssertLessThan(elapsed, 0.5)
        try await server.write([1, 2, 3])
        let observed = try await client.readExactly(3, deadline: .after(seconds: 5))
        XCTAssertEqual(observed, [1, 2, 3])
    }

    /// 10,000 connections opened and closed (in waves of 200) leave no descriptor behind.
    func testTenThousandConnectionsLeaveNoDescriptorBehind() async throws {
        let server = try EchoServer()
        defer { server.stop() }
        // Warm up the loop and resolver so their own descriptors are counted in the baseline.
        let warm = try await TCPConnection.connect(host: "127.0.0.1", port: server.port)
        warm.close()
        try await Task.sleep(nanoseconds: 100_000_000)
        let before = openDescriptorCount()
        for wave in 0..<50 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<200 {
                    group.addTask {
                        let c = try await TCPConnection.connect(host: "127.0.0.1", port: server.port, deadline: .after(seconds: 10))
                        let payload: [UInt8] = [UInt8(truncatingIfNeeded: wave), UInt8(truncatingIfNeeded: i)]
                        try await c.write(payload)
                        let echoed = try await c.readExactly(2, deadline: .after(seconds: 10))
                        XCTAssertEqual(echoed, payload)
                        c.close()
                    }
                }
                try await group.waitForAll()
            }
        }
        // The server side closes after seeing our FIN; give it a moment to finish.
        var after = openDescriptorCount()
        for _ in 0..<50 where after > before {
            try await Task.sleep(nanoseconds: 100_000_000)
            after = openDescriptorCount()
        }
        XCTAssertEqual(after, before, "descriptors leaked: \(after - before)")
        XCTAssertEqual(server.listener.openConnections, 0)
    }

    func testListenerConnectionLimitHoldsBackExtraConnections() async throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0, maxConnections: 2)
        defer { listener.close() }
        let clients = try await (0..<3).asyncMap { _ in try await TCPConnection.connect(host: "127.0.0.1", port: listener.port) }
        defer { clients.forEach { $0.close() } }
        let a = try await listener.accept(deadline: .after(seconds: 2))
        let b = try await listener.accept(deadline: .after(seconds: 2))
        XCTAssertEqual(listener.openConnections, 2)
        do {
            _ = try await listener.accept(deadline: .after(seconds: 0.2))
            XCTFail("a third accept must wait while two are open")
        } catch let error as TransportError {
            XCTAssertEqual(error.code, .timedOut)
        }
        a.close()
        let c = try await listener.accept(deadline: .after(seconds: 2))
        XCTAssertEqual(listener.openConnections, 2)
        b.close()
        c.close()
        XCTAssertEqual(listener.openConnections, 0)
    }

    func testNameResolutionIPv4AndIPv6() async throws {
        let v4 = try await AddressResolver.resolve(host: "localhost", port: 80, deadline: .after(seconds: 5))
        XCTAssertFalse(v4.isEmpty)
        let numeric6 = try await AddressResolver.resolve(host: "::1", port: 443, deadline: nil)
        XCTAssertEqual(numeric6.first?.family, .ipv6)
        XCTAssertEqual(numeric6.first?.description, "[::1]:443")
        do {
            _ = try await AddressResolver.resolve(host: "no-such-host.invalid", port: 80, deadline: .after(seconds: 5))
            XCTFail("an .invalid name must not resolve")
        } catch let error as TransportError {
            XCTAssertTrue(error.code == .resolutionFailed || error.code == .timedOut, "\(error)")
        }
    }

    func testIPv6LoopbackEcho() async throws {
        let listener = try TCPListener(host: "::1", port: 0)
        defer { listener.close() }
        let client = try await TCPConnection.connect(host: "::1", port: listener.port, deadline: .after(seconds: 5))
        defer { client.close() }
        let server = try await listener.accept()
        defer { server.close() }
        try await client.write(Array("v6".utf8))
        let observed = try await server.readExactly(2)
        XCTAssertEqual(observed, Array("v6".utf8))
    }

    func testConnectRefusedIsRetriableError() async throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        let port = listener.port
        listener.close()
        do {
            _ = try await TCPConnection.connect(host: "127.0.0.1", port: port, deadline: .after(seconds: 2))
            XCTFail("connect to a closed port must fail")
        } catch let error as TransportError {
            XCTAssertEqual(error.code, .connectFailed)
            XCTAssertTrue(error.isRetriable)
        }
    }

    func testCloseWakesPendingReadWithClosed() async throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        let client = try await TCPConnection.connect(host: "127.0.0.1", port: listener.port)
        let server = try await listener.accept()
        defer { server.close() }
        let reader = Task { () -> TransportError? in
            do { _ = try await client.read(maxBytes: 1); return nil } catch { return error as? TransportError }
        }
        try await Task.sleep(nanoseconds: 50_000_000)
        client.close()
        let error = await reader.value
        XCTAssertEqual(error?.code, .closed)
        // The peer sees end of stream.
        let observed = try await server.read(maxBytes: 1, deadline: .after(seconds: 2))
        XCTAssertEqual(observed, [])
    }

    func testEventLoopSleepHonoursDeadlineAndCancellation() async throws {
        let start = monotonicNow()
        try await EventLoop.shared.sleep(until: .after(seconds: 0.1))
        XCTAssertGreaterThanOrEqual(monotonicNow() - start, 0.099)
        let sleeper = Task { () -> TransportError? in
            do { try await EventLoop.shared.sleep(until: .after(seconds: 30)); return nil } catch { return error as? TransportError }
        }
        try await Task.sleep(nanoseconds: 20_000_000)
        sleeper.cancel()
        let error = await sleeper.value
        XCTAssertEqual(error?.code, .cancelled)
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}

struct EchoResult: Sendable {
    let sentCRC: UInt
    let receivedCRC: UInt
    let received: Int
}

func zlibCRC(_ crc: UInt, _ bytes: [UInt8]) -> UInt {
    bytes.withUnsafeBufferPointer { UInt(crc32(uLong(crc), $0.baseAddress, uInt($0.count))) }
}

/// Sends `total` bytes on one connection while reading the echo; checksums both directions.
func echoThrough(port: Int, seed: UInt64, total: Int) async throws -> EchoResult {
    let conn = try await TCPConnection.connect(host: "127.0.0.1", port: port, deadline: .after(seconds: 10))
    defer { conn.close() }
    let sender = Task { () async throws -> UInt in
        try await sendPattern(on: conn, seed: seed, total: total)
    }
    var received = 0
    var crc: UInt = 0
    var buffer: [UInt8] = []
    buffer.reserveCapacity(256 * 1024)
    while true {
        buffer.removeAll(keepingCapacity: true)
        let n = try await conn.read(into: &buffer, maxBytes: 256 * 1024, deadline: .after(seconds: 60))
        if n == 0 { break }
        crc = zlibCRC(crc, buffer)
        received += n
    }
    let sentCRC = try await sender.value
    return EchoResult(sentCRC: sentCRC, receivedCRC: crc, received: received)
}

func sendPattern(on conn: TCPConnection, seed: UInt64, total: Int) async throws -> UInt {
    let block = 256 * 1024
    var chunk = patternBytes(count: block, seed: seed)
    var crc: UInt = 0
    var sent = 0
    while sent < total {
        // The first byte varies per block so no two blocks are equal.
        chunk[0] = UInt8(truncatingIfNeeded: sent >> 18)
        let piece: [UInt8] = sent + block <= total ? chunk : Array(chunk.prefix(total - sent))
        try await conn.write(piece, deadline: .after(seconds: 60))
        crc = zlibCRC(crc, piece)
        sent += piece.count
    }
    await conn.shutdownOutput()
    return crc
}

func connectResult(port: Int, seconds: Double) async -> Result<TCPConnection, TransportError> {
    do {
        return .success(try await TCPConnection.connect(host: "127.0.0.1", port: port, deadline: .after(seconds: seconds)))
    } catch {
        return .failure(error)
    }
}
