/// Builds a pcap capture of one TCP conversation from the bytes each side sent.
///
/// We see application bytes, not packets, so the IPv4 and TCP framing is synthesised: a three-way
/// handshake, data segments with consistent sequence and acknowledgement numbers (split at 65,495
/// bytes so each fits an IPv4 packet), and a FIN exchange on `close`. Checksums are real, so
/// Wireshark's TCP reassembly and protocol dissectors treat the capture like one taken on loopback.
/// The file is classic pcap (microsecond timestamps, LINKTYPE_RAW = 101: packets start at the IP
/// header), which every version of Wireshark and tshark reads.
public struct PcapRecorder: Sendable {
    public struct Endpoint: Sendable, Equatable {
        public var address: (UInt8, UInt8, UInt8, UInt8)
        public var port: UInt16
        public init(address: (UInt8, UInt8, UInt8, UInt8) = (127, 0, 0, 1), port: UInt16) {
            self.address = address
            self.port = port
        }
        public static func == (a: Endpoint, b: Endpoint) -> Bool {
            a.address == b.address && a.port == b.port
        }
    }

    public static let linkTypeRaw: UInt32 = 101
    static let maximumSegmentPayload = 65_535 - 20 - 20

    /// The 24-byte global header that starts every pcap file.
    public static var fileHeader: [UInt8] {
        var header: [UInt8] = []
        appendLE32(0xA1B2_C3D4, to: &header)  // magic: microsecond timestamps
        header += [2, 0, 4, 0]  // version 2.4
        appendLE32(0, to: &header)  // thiszone
        appendLE32(0, to: &header)  // sigfigs
        appendLE32(262_144, to: &header)  // snaplen
        appendLE32(linkTypeRaw, to: &header)
        return header
    }

    public let client: Endpoint
    public let server: Endpoint
    /// One conversation alone: the global header, then one record per packet. Conversations that
    /// share a file (`PcapCapture`) write their packets into the file's bytes instead.
    public private(set) var bytes: [UInt8] = []
    private var clientSequence: UInt32 = 0x1000_0000
    private var serverSequence: UInt32 = 0x5000_0000
    private var ipIdentification: UInt16 = 1

    /// Starts a file of its own and records the handshake at `microseconds` since the epoch.
    public init(client: Endpoint, server: Endpoint, microseconds: UInt64) {
        self.init(client: client, server: server)
        var output = Self.fileHeader
        handshake(at: microseconds, into: &output)
        bytes = output
    }

    /// A conversation whose packets go into a shared file through the `into:` methods.
    public init(client: Endpoint, server: Endpoint) {
        self.client = client
        self.server = server
    }

    /// Records `payload` sent by the client (or by the server) as data segments.
    public mutating func record(fromClient: Bool, _ payload: [UInt8], at microseconds: UInt64) {
        var output = bytes
        bytes = []
        record(fromClient: fromClient, payload[...], at: microseconds, into: &output)
        bytes = output
    }

    /// Records an orderly close started by the client.
    public mutating func close(at microseconds: UInt64) {
        var output = bytes
        bytes = []
        close(at: microseconds, into: &output)
        bytes = output
    }

    public mutating func handshake(at microseconds: UInt64, into output: inout [UInt8]) {
        packet(fromClient: true, flags: TCPFlags.syn, payload: [], at: microseconds, into: &output)
        clientSequence &+= 1
        packet(fromClient: false, flags: TCPFlags.syn | TCPFlags.ack, payload: [], at: microseconds, into: &output)
        serverSequence &+= 1
        packet(fromClient: true, flags: TCPFlags.ack, payload: [], at: microseconds, into: &output)
    }

    public mutating func record(fromClient: Bool, _ payload: ArraySlice<UInt8>, at microseconds: UInt64,
                                into output: inout [UInt8]) {
        var start = payload.startIndex
        while start < payload.endIndex {
            let end = min(start + Self.maximumSegmentPayload, payload.endIndex)
            packet(fromClient: fromClient, flags: TCPFlags.psh | TCPFlags.ack, payload: payload[start..<end],
                   at: microseconds, into: &output)
            if fromClient { clientSequence &+= UInt32(end - start) } else { serverSequence &+= UInt32(end - start) }
            start = end
        }
    }

    public mutating func close(at microseconds: UInt64, into output: inout [UInt8]) {
        packet(fromClient: true, flags: TCPFlags.fin | TCPFlags.ack, payload: [], at: microseconds, into: &output)
        clientSequence &+= 1
        packet(fromClient: false, flags: TCPFlags.fin | TCPFlags.ack, payload: [], at: microseconds, into: &output)
        serverSequence &+= 1
        packet(fromClient: true, flags: TCPFlags.ack, payload: [], at: microseconds, into: &output)
    }

    enum TCPFlags {
        static let fin: UInt8 = 0x01
        static let syn: UInt8 = 0x02
        static let psh: UInt8 = 0x08
        static let ack: UInt8 = 0x10
    }

    private mutating func packet(fromClient: Bool, flags: UInt8, payload: ArraySlice<UInt8>, at microseconds: UInt64,
                                 into output: inout [UInt8]) {
        let source = fromClient ? client : server
        let destination = fromClient ? server : client
        let sequence = fromClient ? clientSequence : serverSequence
        let acknowledgement = (flags & TCPFlags.ack) != 0 ? (fromClient ? serverSequence : clientSequence) : 0
        let tcpLength = 20 + payload.count
        let totalLength = 20 + tcpLength

        // Record header: seconds, microseconds, captured length, original length.
        Self.appendLE32(UInt32(truncatingIfNeeded: microseconds / 1_000_000), to: &output)
        Self.appendLE32(UInt32(truncatingIfNeeded: microseconds % 1_000_000), to: &output)
        Self.appendLE32(UInt32(totalLength), to: &output)
        Self.appendLE32(UInt32(totalLength), to: &output)

        var ip = [UInt8](repeating: 0, count: 20)
        ip[0] = 0x45  // version 4, header 5 words
        ip[2] = UInt8(totalLength >> 8); ip[3] = UInt8(totalLength & 0xFF)
        ip[4] = UInt8(ipIdentification >> 8); ip[5] = UInt8(ipIdentification & 0xFF)
        ip[6] = 0x40  // don't fragment
        ip[8] = 64  // TTL
        ip[9] = 6  // TCP
        writeAddress(source.address, into: &ip, at: 12)
        writeAddress(destination.address, into: &ip, at: 16)
        let ipChecksum = InternetChecksum.of(ip[...])
        ip[10] = UInt8(ipChecksum >> 8); ip[11] = UInt8(ipChecksum & 0xFF)
        ipIdentification &+= 1

        var tcp = [UInt8](repeating: 0, count: 20)
        tcp[0] = UInt8(source.port >> 8); tcp[1] = UInt8(source.port & 0xFF)
        tcp[2] = UInt8(destination.port >> 8); tcp[3] = UInt8(destination.port & 0xFF)
        writeBE32(sequence, into: &tcp, at: 4)
        writeBE32(acknowledgement, into: &tcp, at: 8)
        tcp[12] = 5 << 4
        tcp[13] = flags
        tcp[14] = 0xFF; tcp[15] = 0xFF  // window
        var pseudo = InternetChecksum()
        pseudo.add(ip[12..<20])
        pseudo.add([0, 6, UInt8(tcpLength >> 8), UInt8(tcpLength & 0xFF)])
        pseudo.add(tcp[...])
        pseudo.add(payload)
        let tcpChecksum = pseudo.finish()
        tcp[16] = UInt8(tcpChecksum >> 8); tcp[17] = UInt8(tcpChecksum & 0xFF)

        output.append(contentsOf: ip)
        output.append(contentsOf: tcp)
        output.append(contentsOf: payload)
    }

    private func writeAddress(_ a: (UInt8, UInt8, UInt8, UInt8), into buffer: inout [UInt8], at offset: Int) {
        buffer[offset] = a.0; buffer[offset + 1] = a.1; buffer[offset + 2] = a.2; buffer[offset + 3] = a.3
    }

    private func writeBE32(_ value: UInt32, into buffer: inout [UInt8], at offset: Int) {
        buffer[offset] = UInt8(value >> 24); buffer[offset + 1] = UInt8((value >> 16) & 0xFF)
        buffer[offset + 2] = UInt8((value >> 8) & 0xFF); buffer[offset + 3] = UInt8(value & 0xFF)
    }

    static func appendLE32(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}

/// RFC 1071: the ones'-complement sum of 16-bit words, used by IPv4 and TCP headers. Bytes can be
/// added in pieces of any length (an odd piece carries its last byte over to the next).
struct InternetChecksum {
    private var sum: UInt32 = 0
    private var pendingHighByte: UInt8?

    static func of(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var checksum = InternetChecksum()
        checksum.add(bytes)
        return checksum.finish()
    }

    mutating func add<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        for byte in bytes {
            if let high = pendingHighByte {
                sum &+= UInt32(high) << 8 | UInt32(byte)
                pendingHighByte = nil
            } else {
                pendingHighByte = byte
            }
            if sum > 0xFFFF_0000 { sum = (sum & 0xFFFF) + (sum >> 16) }
        }
    }

    mutating func finish() -> UInt16 {
        if let high = pendingHighByte { sum &+= UInt32(high) << 8 }
        pendingHighByte = nil
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
