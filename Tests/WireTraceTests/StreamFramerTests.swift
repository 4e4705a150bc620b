import KafkaProtocol
import XCTest
@testable import WireTrace

final class StreamFramerTests: XCTestCase {
    func frames(_ kind: TraceProtocol, _ stream: [UInt8], chunk: Int) -> [[UInt8]] {
        var framer = StreamFramer(kind)
        var out: [[UInt8]] = []
        var start = 0
        while start < stream.count {
            out += framer.append(Array(stream[start..<min(start + chunk, stream.count)]))
            start += chunk
        }
        XCTAssertNil(framer.failure)
        return out
    }

    func check(_ kind: TraceProtocol, _ messages: [[UInt8]], file: StaticString = #filePath, line: UInt = #line) {
        let stream = messages.flatMap { $0 }
        for chunk in [stream.count, 1, 3, 7] {
            XCTAssertEqual(frames(kind, stream, chunk: chunk), messages, "\(kind) in chunks of \(chunk)", file: file, line: line)
        }
    }

    func testEachProtocolIsCutIntoWholeMessagesWholeByteByByteAndInPieces() throws {
        let apiVersions = try ApiVersionsRequest().frame(version: 3, correlationId: 1, clientId: "x")
        let metadata = try MetadataRequest().frame(version: 9, correlationId: 2, clientId: "x")
        check(.kafka, [apiVersions, metadata])
        let opMsg: [UInt8] = [26, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xDD, 7, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]
        check(.mongo, [opMsg, opMsg])
        check(.redis, [Array("*1\r\n$4\r\nPING\r\n".utf8), Array("+OK\r\n".utf8), Array("%1\r\n+a\r\n:1\r\n".utf8)])
        check(.http, [
            Array("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
            Array("POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello".utf8),
            Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX: y\r\n\r\n".utf8),
            Array("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n".utf8),
        ])
    }

    func testTapAnnotatesFramesInTheOrderTheyCompleteAndKeepsAPcap() {
        let collected = Collected()
        let capture = PcapCapture()
        let tap = WireTap(protocol: .redis, capture: capture) { collected.add($1) }
        tap.sent(Array("*1\r\n$4\r\nPI".utf8))
        XCTAssertEqual(collected.frames.count, 0)
        tap.sent(Array("NG\r\n".utf8))
        tap.received(Array("+PONG\r\n".utf8))
        tap.closed()
        XCTAssertEqual(collected.frames.map(\.summary), ["array (1): \"PING\"", "simple string \"PONG\""])
        XCTAssertEqual(collected.frames.map(\.direction), [.sent, .received])
        // Header, 3 handshake packets, 2 data segments for the sent chunks, 1 reply, 3 close packets.
        XCTAssertEqual(Self.packetCount(capture.bytes), 9)
    }

    func testUnderTLSThePlaintextIsKeptAndTheCiphertextDropped() {
        let collected = Collected()
        let tap = WireTap(protocol: .redis, capture: nil) { collected.add($1) }
        tap.tlsStarted()
        tap.observe(.sent, layer: .transport, bytes: [0x16, 0x03, 0x01, 0x00, 0x05][...])
        tap.observe(.sent, layer: .tls, bytes: Array("+OK\r\n".utf8)[...])
        XCTAssertEqual(collected.frames.map(\.summary), ["simple string \"OK\""])
    }

    static func packetCount(_ pcap: [UInt8]) -> Int {
        var packets = 0
        var offset = 24
        while offset + 16 <= pcap.count {
            packets += 1
            offset += 16 + (Int(pcap[offset + 8]) | Int(pcap[offset + 9]) << 8)
        }
        return packets
    }
}

final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [AnnotatedFrame] = []
    func add(_ frame: AnnotatedFrame) { lock.withLock { storage.append(frame) } }
    var frames: [AnnotatedFrame] { lock.withLock { storage } }
}

/// Inputs the fuzzer found: each once looped or trapped.
final class StreamFramerFuzzRegressionTests: XCTestCase {
    func testLengthsThatCannotHoldAHeaderStopTheFramerInsteadOfLooping() {
        for kind in [TraceProtocol.kafka, .mongo] {
            var framer = StreamFramer(kind)
            XCTAssertEqual(framer.append([0, 0, 0, 0, 0, 0]), [])
            XCTAssertNotNil(framer.failure, "\(kind)")
        }
        var negative = StreamFramer(.kafka)
        XCTAssertEqual(negative.append([0xFF, 0xFF, 0xFF, 0xFE, 1, 2, 3, 4]), [])
        XCTAssertNotNil(negative.failure)
    }

    func testHugeChunkSizesAreRefusedWithoutOverflow() {
        var framer = StreamFramer(.http)
        XCTAssertEqual(framer.append(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\n".utf8)), [])
        let frame = HTTPAnnotator.annotate(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nx".utf8),
                                           direction: .received)
        XCTAssertEqual(frame.decodeFailure, "bad chunk-size line \"7fffffffffffffff\" at 47")
    }
}
