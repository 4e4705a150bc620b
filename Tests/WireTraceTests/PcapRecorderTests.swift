import XCTest
@testable import WireTrace

final class PcapRecorderTests: XCTestCase {
    /// Splits a pcap file into its packets, checking the record headers on the way.
    func packets(_ file: [UInt8]) -> [[UInt8]] {
        XCTAssertEqual(Array(file[0..<4]), [0xD4, 0xC3, 0xB2, 0xA1], "little-endian microsecond magic")
        XCTAssertEqual(file[20], 101, "LINKTYPE_RAW")
        var packets: [[UInt8]] = []
        var offset = 24
        while offset + 16 <= file.count {
            let length = Int(file[offset + 8]) | Int(file[offset + 9]) << 8 | Int(file[offset + 10]) << 16
            packets.append(Array(file[(offset + 16)..<(offset + 16 + length)]))
            offset += 16 + length
        }
        XCTAssertEqual(offset, file.count)
        return packets
    }

    func testHandshakeDataAndCloseWithValidChecksumsAndSequenceNumbers() {
        var recorder = PcapRecorder(client: .init(port: 50000), server: .init(port: 6379), microseconds: 1_000_000)
        let request = Array("*1\r\n$4\r\nPING\r\n".utf8)
        recorder.record(fromClient: true, request, at: 1_000_010)
        recorder.record(fromClient: false, Array("+PONG\r\n".utf8), at: 1_000_020)
        let big = [UInt8](repeating: 0x61, count: 100_000)
        recorder.record(fromClient: true, big, at: 1_000_030)
        recorder.close(at: 1_000_040)
        let all = packets(recorder.bytes)
        // SYN, SYN-ACK, ACK, request, reply, two segments for 100,000 bytes, FIN, FIN, ACK.
        XCTAssertEqual(all.map { $0[33] }, [0x02, 0x12, 0x10, 0x18, 0x18, 0x18, 0x18, 0x11, 0x11, 0x10])
        for packet in all {
            XCTAssertEqual(InternetChecksum.of(packet[0..<20]), 0, "IPv4 header checksum verifies")
            var tcp = InternetChecksum()
            tcp.add(packet[12..<20])
            tcp.add([0, 6, UInt8((packet.count - 20) >> 8), UInt8((packet.count - 20) & 0xFF)])
            tcp.add(packet[20...])
            XCTAssertEqual(tcp.finish(), 0, "TCP checksum verifies")
        }
        func sequence(_ p: [UInt8]) -> UInt32 { p[24..<28].reduce(0) { $0 << 8 | UInt32($1) } }
        func acknowledgement(_ p: [UInt8]) -> UInt32 { p[28..<32].reduce(0) { $0 << 8 | UInt32($1) } }
        // The reply acknowledges exactly the request's bytes; the second big segment follows the first.
        XCTAssertEqual(acknowledgement(all[4]), sequence(all[3]) + UInt32(request.count))
        XCTAssertEqual(sequence(all[6]), sequence(all[5]) + UInt32(all[5].count - 40))
        XCTAssertEqual(all[5].count - 40 + all[6].count - 40, big.count)
        XCTAssertEqual(Array(all[3][40...]), request)
    }
}
