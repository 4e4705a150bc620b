import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 socket address.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Family: Sendable { case ipv4, ipv6 }

    /// The raw sockaddr bytes (sockaddr_in or sockaddr_in6).
    let storage: [UInt8]
    public let family: Family

    init(raw pointer: UnsafePointer<sockaddr>, length: socklen_t) {
        storage = Array(UnsafeRawBufferPointer(start: pointer, count: Int(length)))
        family = Int32(pointer.pointee.sa_family) == AF_INET6 ? .ipv6 : .ipv4
    }

    /// Parses a numeric IPv4 or IPv6 address (no name resolution); nil if `host` is not one.
    public init?(numericHost host: String, port: Int) {
        guard (0...65535).contains(port) else { return nil }
        var host = host
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(port).bigEndian)
            storage = withUnsafeBytes(of: &v4) { Array($0) }
            family = .ipv4
            return
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(port).bigEndian)
            storage = withUnsafeBytes(of: &v6) { Array($0) }
            family = .ipv6
            return
        }
        return nil
    }

    var domain: Int32 { family == .ipv6 ? AF_INET6 : AF_INET }

    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        storage.withUnsafeBytes { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
    }

    public var port: Int {
        storage.withUnsafeBytes { raw in
            // sin_port and sin6_port sit at the same offset.
            Int(UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
        }
    }

    public var host: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        storage.withUnsafeBytes { raw in
            if family == .ipv6 {
                var a = raw.loadUnaligned(fromByteOffset: 8, as: in6_addr.self)
                _ = inet_ntop(AF_INET6, &a, &buffer, socklen_t(buffer.count))
            } else {
                var a = raw.loadUnaligned(fromByteOffset: 4, as: in_addr.self)
                _ = inet_ntop(AF_INET, &a, &buffer, socklen_t(buffer.count))
            }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var description: String { family == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
