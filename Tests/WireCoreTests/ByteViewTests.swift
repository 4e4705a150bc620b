import WireCore
import XCTest

final class ByteViewTests: XCTestCase {
    func testIndicesStartAtZeroWhateverTheOffsetInTheArray() {
        let base: [UInt8] = [9, 9, 1, 2, 3, 9]
        let view = ByteView(base, range: 2..<5)
        XCTAssertEqual(view.count, 3)
        XCTAssertEqual(view[0], 1)
        XCTAssertEqual(view[2], 3)
        XCTAssertEqual(Array(view), [1, 2, 3])
        XCTAssertEqual(view.bytes, [1, 2, 3])
        XCTAssertEqual(view, [1, 2, 3])
        XCTAssertNotEqual(view, [1, 2])
        XCTAssertEqual(view.hashValue, ByteView([1, 2, 3]).hashValue)
    }

    func testRangesAreClampedToTheArray() {
        XCTAssertEqual(ByteView([1, 2], range: 1..<9).bytes, [2])
        XCTAssertTrue(ByteView([1, 2], range: 5..<9).isEmpty)
    }

    func testReaderAndReadViewShareTheArray() {
        let base: [UInt8] = [0, 0, 0, 5, 10, 11, 12, 13, 14, 99]
        var reader = ByteReader(ByteView(base, range: 0..<9))
        let length = Int(reader.readInt32BE())
        let inner = reader.readView(length)
        XCTAssertEqual(inner.bytes, [10, 11, 12, 13, 14])
        XCTAssertEqual(inner.range, 4..<9)
        XCTAssertTrue(reader.isAtEnd, "the byte after the view's range is not readable")
        var short = ByteReader(ByteView(base, range: 0..<6))
        _ = short.readInt32BE()
        XCTAssertTrue(short.readView(5).isEmpty)
        XCTAssertTrue(short.failed)
        var writer = ByteWriter()
        writer.writeBytes(inner)
        XCTAssertEqual(writer.bytes, [10, 11, 12, 13, 14])
    }

    func testAViewKeepsItsBytesWhenTheArrayItCameFromChanges() {
        var buffer: [UInt8] = [1, 2, 3, 4]
        let view = ByteView(buffer, range: 1..<3)
        buffer[1] = 77
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: [5, 6, 7])
        XCTAssertEqual(view.bytes, [2, 3])
    }
}
