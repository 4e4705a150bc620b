/// An HTTP version as it appears on the start line: `HTTP/<major>.<minor>`.
public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(major).\(minor)" }

    func write(into bytes: inout [UInt8]) {
        bytes.append(contentsOf: "HTTP/".utf8)
        bytes.append(UInt8(truncatingIfNeeded: 0x30 + major % 10))
        bytes.append(0x2E)
        bytes.append(UInt8(truncatingIfNeeded: 0x30 + minor % 10))
    }
}
