import RESP

/// The protocols a trace can annotate.
public enum TraceProtocol: String, Sendable, CaseIterable {
    case kafka, mongo, redis, http

    /// The port Wireshark's dissector for the protocol listens on by default; a pcap we write uses
    /// it for the server side so the capture opens decoded without "Decode As".
    public var wellKnownPort: UInt16 {
        switch self {
        case .kafka: 9092
        case .mongo: 27017
        case .redis: 6379
        case .http: 80
        }
    }
}

/// Cuts one direction of a byte stream into protocol frames (whole messages), so each can be
/// annotated when it completes. Incremental like the codecs: bytes in, finished frames out.
public struct StreamFramer: Sendable {
    public let protocolKind: TraceProtocol
    private var buffer: [UInt8] = []
    private var resp = RESPFramer()
    /// Frames larger than this are not buffered for annotation (the bytes still reach the pcap).
    public static let maximumFrameSize = 64 << 20
    public private(set) var failure: String?

    public init(_ protocolKind: TraceProtocol) { self.protocolKind = protocolKind }

    public mutating func append(_ bytes: [UInt8]) -> [[UInt8]] {
        guard failure == nil else { return [] }
        if protocolKind == .redis {
            do { return try resp.append(bytes) } catch {
                failure = "RESP: \(error)"
                return []
            }
        }
        buffer.append(contentsOf: bytes)
        var frames: [[UInt8]] = []
        while let length = nextFrameLength() {
            guard length <= Self.maximumFrameSize else {
                failure = "frame of \(length) bytes is over the trace limit"
                return frames
            }
            // A length that cannot hold its own header would never move the stream forward.
            guard length >= minimumFrameSize else {
                failure = "a \(protocolKind) frame declares \(length) bytes, less than its header"
                return frames
            }
            guard buffer.count >= length else { break }
            frames.append(Array(buffer.prefix(length)))
            buffer.removeFirst(length)
        }
        return frames
    }

    private var minimumFrameSize: Int {
        switch protocolKind {
        case .kafka: 8  // size + correlation id
        case .mongo: 16  // the message header
        case .http, .redis: 1
        }
    }

    /// The length of the frame at the start of the buffer, if its header says; nil if unknown yet.
    private func nextFrameLength() -> Int? {
        switch protocolKind {
        case .kafka:
            guard buffer.count >= 4 else { return nil }
            let size = Int32(bitPattern: UInt32(buffer[0]) << 24 | UInt32(buffer[1]) << 16 | UInt32(buffer[2]) << 8 | UInt32(buffer[3]))
            return 4 + Int(size)
        case .mongo:
            guard buffer.count >= 4 else { return nil }
            return Int(Int32(bitPattern: UInt32(buffer[0]) | UInt32(buffer[1]) << 8 | UInt32(buffer[2]) << 16 | UInt32(buffer[3]) << 24))
        case .http:
            return HTTPFrameLength.of(buffer)
        case .redis:
            return nil
        }
    }
}

/// Where an HTTP/1.1 message ends, judged from its head: Content-Length, chunked (walks the chunk
/// lines), or no body. Close-delimited bodies end with the connection, which a trace reports as
/// the rest of the stream.
enum HTTPFrameLength {
    static func of(_ bytes: [UInt8]) -> Int? {
        guard let headEnd = find(bytes, [13, 10, 13, 10], from: 0) else { return nil }
        let head = String(decoding: bytes[0..<headEnd], as: UTF8.self).lowercased()
        let bodyStart = headEnd + 4
        let lines = head.split(separator: "\r\n")
        let status = lines.first.flatMap { $0.hasPrefix("http/") ? Int($0.split(separator: " ").dropFirst().first ?? "") : nil }
        if let status, status < 200 || status == 204 || status == 304 { return bodyStart }
        for line in lines.dropFirst() {
            if line.hasPrefix("transfer-encoding:"), line.hasSuffix("chunked") { return chunkedEnd(bytes, from: bodyStart) }
        }
        for line in lines.dropFirst() where line.hasPrefix("content-length:") {
            if let length = Int(line.dropFirst("content-length:".count).trimmingSpaces), length >= 0,
               length <= StreamFramer.maximumFrameSize { return bodyStart + length }
        }
        return bodyStart
    }

    private static func chunkedEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var cursor = start
        while let lineEnd = find(bytes, [13, 10], from: cursor) {
            let line = String(decoding: bytes[cursor..<lineEnd], as: UTF8.self)
            guard let size = Int(line.prefix { $0 != ";" }.trimmingSpaces, radix: 16), size >= 0,
                  size <= StreamFramer.maximumFrameSize else { return nil }
            cursor = lineEnd + 2
            if size == 0 {
                while let trailerEnd = find(bytes, [13, 10], from: cursor) {
                    if trailerEnd == cursor { return trailerEnd + 2 }
                    cursor = trailerEnd + 2
                }
                return nil
            }
            cursor += size + 2
            if cursor > bytes.count { return nil }
        }
        return nil
    }

    static func find(_ bytes: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
        bytes.firstIndex(of: needle, from: from)
    }
}
