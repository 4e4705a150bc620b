import KafkaProtocol
import WireCore
import XCTest

/// The frame decoder fed the same stream whole, byte by byte and as concatenated frames.
final class FrameDecoderTests: XCTestCase {
    private func sampleFrames() throws -> [[UInt8]] {
        let response = ApiVersionsResponse(errorCode: 0, apiKeys: [.init(apiKey: 3, minVersion: 0, maxVersion: 12)])
        var first = ByteWriter()
        try ResponseHeader(correlationId: 1).encode(into: &first, version: 0)
        try response.encode(into: &first, version: 3)
        var second = ByteWriter()
        try ResponseHeader(correlationId: 2).encode(into: &second, version: 1)
        try MetadataResponse(clusterId: "c").encode(into: &second, version: 12)
        let empty: [UInt8] = []
        return [first.bytes, second.bytes, empty, [UInt8](repeating: 7, count: 300)]
    }

    private func drain(_ decoder: inout KafkaFrameDecoder) throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        while let frame = try decoder.nextFrame() { frames.append(frame) }
        return frames
    }

    func testWholeByteByByteAndConcatenated() throws {
        let payloads = try sampleFrames()
        let stream = payloads.flatMap(KafkaFrame.wrap)

        var whole = KafkaFrameDecoder()
        whole.append(stream)
        XCTAssertEqual(try drain(&whole), payloads)
        XCTAssertEqual(whole.bufferedByteCount, 0)

        var dripped = KafkaFrameDecoder()
        var fromDrip: [[UInt8]] = []
        for byte in stream {
            dripped.append(CollectionOfOne(byte))
            fromDrip += try drain(&dripped)
        }
        XCTAssertEqual(fromDrip, payloads)

        // Twice the stream in odd-sized chunks.
        var chunked = KafkaFrameDecoder()
        var fromChunks: [[UInt8]] = []
        let doubled = stream + stream
        var index = 0
        var size = 1
        while index < doubled.count {
            let end = min(doubled.count, index + size)
            chunked.append(doubled[index..<end])
            fromChunks += try drain(&chunked)
            index = end
            size = size % 13 + 3
        }
        XCTAssertEqual(fromChunks, payloads + payloads)

        // And the frames decode to what was sent.
        let decoded = try ApiVersionsRequest.decodeResponse(fromChunks[0], version: 3)
        XCTAssertEqual(decoded.header.correlationId, 1)
        XCTAssertEqual(decoded.body.apiKeys.first?.maxVersion, 12)
        let metadata = try MetadataRequest.decodeResponse(fromChunks[1], version: 12)
        XCTAssertEqual(metadata.body.clusterId, "c")
        XCTAssertEqual(try KafkaEnvelope.responseCorrelationId(fromChunks[1]), 2)
    }

    func testResponseFramesForEveryRequestType() throws {
        // A broker's response frame, split and decoded as a client would, for every API.
        for (apiKey, type) in KafkaGeneratedMessages.requests.sorted(by: { $0.key < $1.key }) {
            try roundTripResponse(type, apiKey: apiKey)
        }
    }

    private func roundTripResponse<R: KafkaRequest>(_ type: R.Type, apiKey: Int16) throws {
        for version in R.validVersions {
            let frame = try R.frameResponse(R.Response(), version: version, correlationId: Int32(apiKey) * 100 + Int32(version))
            var decoder = KafkaFrameDecoder()
            decoder.append(frame)
            let payload = try XCTUnwrap(try decoder.nextFrame())
            XCTAssertEqual(try KafkaEnvelope.responseCorrelationId(payload), Int32(apiKey) * 100 + Int32(version))
            let (header, body) = try R.decodeResponse(payload, version: version)
            XCTAssertEqual(header.correlationId, Int32(apiKey) * 100 + Int32(version))
            XCTAssertEqual(body, R.Response(), "\(R.Response.messageName) v\(version)")
        }
    }

    func testLimitsAndBadSizes() {
        var decoder = KafkaFrameDecoder(maxFrameSize: 16)
        decoder.append([0, 0, 0, 17])
        XCTAssertThrowsError(try decoder.nextFrame()) { XCTAssertEqual(($0 as? KafkaProtocolError)?.code, .limitExceeded) }
        var negative = KafkaFrameDecoder()
        negative.append([0xFF, 0xFF, 0xFF, 0xFE])
        XCTAssertThrowsError(try negative.nextFrame()) { XCTAssertEqual(($0 as? KafkaProtocolError)?.code, .malformed) }
        var partial = KafkaFrameDecoder()
        partial.append([0, 0, 0, 5, 1, 2])
        XCTAssertNil(try partial.nextFrame())
    }

    func testRequestFrameRoundTripsThroughBrokerView() throws {
        let request = FetchRequest(maxWaitMs: 500, minBytes: 1, topics: [.init(topic: "t", partitions: [.init(partition: 0, fetchOffset: 42)])])
        for version in [Int16(4), 11, 12, 13] {
            var requestCopy = request
            if version >= 13 { requestCopy.topics[0].topic = ""; requestCopy.topics[0].topicId = KafkaUUID(high: 1, low: 2) }
            let frame = try requestCopy.frame(version: version, correlationId: 99, clientId: "c")
            var decoder = KafkaFrameDecoder()
            decoder.append(frame)
            let payload = try XCTUnwrap(try decoder.nextFrame())
            let (header, offset) = try KafkaEnvelope.decodeRequestHeader(payload)
            XCTAssertEqual(header.requestApiKey, 1)
            XCTAssertEqual(header.requestApiVersion, version)
            XCTAssertEqual(header.correlationId, 99)
            XCTAssertEqual(header.clientId, "c")
            let body = try FetchRequest.decode(Array(payload[offset...]), version: version)
            XCTAssertEqual(body, requestCopy)
        }
    }

    /// Bytes received straight into the decoder give the same frames as appended ones, whole and
    /// in pieces of every size up to a frame and a half.
    func testReceiveGivesTheSameFramesAsAppend() async throws {
        let frames = [KafkaFrame.wrap([1, 2, 3]), KafkaFrame.wrap([]), KafkaFrame.wrap(Array(repeating: 9, count: 40))]
        let stream = frames.flatMap { $0 }
        for piece in 1...60 {
            var decoder = KafkaFrameDecoder()
            var out: [[UInt8]] = []
            var offset = 0
            while offset < stream.count {
                let end = min(offset + piece, stream.count)
                let n = await decoder.receive { buffer in
                    buffer.append(contentsOf: stream[offset..<end])
                    return end - offset
                }
                XCTAssertEqual(n, end - offset)
                offset = end
                while let frame = try decoder.nextFrame() { out.append(frame) }
            }
            XCTAssertEqual(out, [[1, 2, 3], [], Array(repeating: 9, count: 40)], "pieces of \(piece)")
            XCTAssertEqual(decoder.bufferedByteCount, 0)
        }
    }

    /// Frames handed out as views of the receive buffer keep their bytes while the decoder goes
    /// on receiving into (and compacting) that buffer; views and copies give the same frames.
    func testFrameViewsOutliveLaterReceives() async throws {
        let payloads: [[UInt8]] = (0..<40).map { i in (0..<(i * 997 % 5000)).map { UInt8(truncatingIfNeeded: $0 &+ i) } }
        let stream = payloads.flatMap { KafkaFrame.wrap($0) }
        for piece in [1, 7, 4096, 70_000, stream.count] {
            var views: [ByteView] = []
            try await receiveInPieces(stream, of: piece) { views.append($0) }
            XCTAssertEqual(views.map(\.bytes), payloads, "pieces of \(piece)")
        }
    }

    /// Views dropped at once let the decoder receive into its earlier buffers again (the lease
    /// is free); frames split anywhere, partial tails moved between buffers, stay intact.
    func testRecycledBuffersGiveTheSameFrames() async throws {
        let payloads: [[UInt8]] = (0..<60).map { i in (0..<(i * 7919 % 9000)).map { UInt8(truncatingIfNeeded: $0 &* 3 &+ i) } }
        let stream = payloads.flatMap { KafkaFrame.wrap($0) }
        for piece in [3, 1000, 5000, 65_536, stream.count] {
            var got: [[UInt8]] = []
            var held: [ByteView] = []
            try await receiveInPieces(stream, of: piece) { frame in
                got.append(frame.bytes)
                // Every third view is kept a while, so some buffers are still leased when the
                // decoder wants them back.
                if got.count % 3 == 0 { held.append(frame) }
                if held.count > 2 { held.removeFirst() }
            }
            XCTAssertEqual(got, payloads, "pieces of \(piece)")
            XCTAssertEqual(held.map(\.bytes), got.enumerated().filter { ($0.offset + 1) % 3 == 0 }.suffix(2).map(\.element))
        }
    }

    /// Feeds `stream` to a new decoder `piece` bytes per receive, handing each frame view out.
    private func receiveInPieces(_ stream: [UInt8], of piece: Int, _ frame: (ByteView) -> Void) async throws {
        var decoder = KafkaFrameDecoder()
        var offset = 0
        while offset < stream.count {
            let end = min(offset + piece, stream.count)
            _ = await decoder.receive { buffer in
                buffer.append(contentsOf: stream[offset..<end])
                return end - offset
            }
            offset = end
            while let view = try decoder.nextFrameView() { frame(view) }
        }
    }
}
