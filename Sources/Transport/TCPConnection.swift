import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking TCP connection on the shared event loop.
public final class TCPConnection: ByteStream {
    let registration: SocketRegistration
    public let remoteAddress: SocketAddress?
    private let onClose: (@Sendable () -> Void)?
    /// Sees this connection's bytes when a tool installed a `ConnectionObservation.factory`.
    public let observer: (any ConnectionObserver)?

    init(registration: SocketRegistration, remoteAddress: SocketAddress?, onClose: (@Sendable () -> Void)? = nil,
         observer: (any ConnectionObserver)? = nil) {
        self.registration = registration
        self.remoteAddress = remoteAddress
        self.onClose = onClose
        self.observer = observer
    }

    deinit { close() }

    /// Resolves `host` (IPv4 and IPv6) and connects to the first address that answers, all
    /// within `deadline`.
    public static func connect(host: String, port: Int, deadline: Deadline? = nil,
                               loop: EventLoop = .shared) async throws(TransportError) -> TCPConnection {
        let addresses = try await AddressResolver.resolve(host: host, port: port, deadline: deadline)
        var lastError = TransportError(.connectFailed, "no address for \(host)")
        for address in addresses {
            do {
                return try await connect(to: address, deadline: deadline, loop: loop)
            } catch {
                if error.code == .timedOut || error.code == .cancelled { throw error }
                lastError = error
            }
        }
        throw lastError
    }

    public static func connect(to address: SocketAddress, deadline: Deadline? = nil,
                               loop: EventLoop = .shared) async throws(TransportError) -> TCPConnection {
        let fd = socket(address.domain, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TransportError.errno("socket", errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // Connect before registering: epoll reports a socket that is not yet connecting as
        // writable and hung up, which would look like a finished connect.
        let rc = address.withSockaddr { Glibc.connect(fd, $0, $1) }
        let connectErrno = rc == 0 ? 0 : errno
        if rc != 0 && connectErrno != EINPROGRESS {
            Glibc.close(fd)
            throw TransportError.errno("connect to \(address)", connectErrno)
        }
        let registration: SocketRegistration
        do {
            registration = try loop.register(fd: fd)
        } catch {
            Glibc.close(fd)
            throw error
        }
        let observer = ConnectionObservation.factory?.connectionOpened(local: SocketAddress.local(of: fd), remote: address)
        let connection = TCPConnection(registration: registration, remoteAddress: address, observer: observer)
        while rc != 0 {
            do {
                try await registration.wait(.write, deadline: deadline)
            } catch {
                connection.close()
                if error.code == .timedOut { throw TransportError(.timedOut, "connect to \(address) timed out") }
                throw error
            }
            var soError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
            if soError != 0 {
                connection.close()
                throw TransportError.errno("connect to \(address)", soError)
            }
            // Writable with no error: established only if the peer address is known.
            var peer = sockaddr_storage()
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let connected = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &peerLength) }
            }
            if connected == 0 { break }
        }
        return connection
    }

    public func read(into buffer: inout [UInt8], maxBytes: Int, deadline: Deadline? = nil) async throws(TransportError) -> Int {
        guard maxBytes > 0 else { return 0 }
        while true {
            guard registration.beginOperation() else { throw TransportError(.closed, "read on closed socket") }
            let fd = registration.fd
            var err: Int32 = 0
            let n: Int
            if let observer {
                n = observer.ordered {
                    let n = buffer.appendReceived(maxBytes: maxBytes) { pointer in
                        let n = recv(fd, pointer, maxBytes, 0)
                        if n < 0 { err = errno }
                        return n
                    }
                    if n > 0 { observer.observe(.received, layer: .transport, bytes: buffer[(buffer.count - n)...]) }
                    return n
                }
            } else {
                n = buffer.appendReceived(maxBytes: maxBytes) { pointer in
                    let n = recv(fd, pointer, maxBytes, 0)
                    if n < 0 { err = errno }
                    return n
                }
            }
            registration.endOperation()
            if n >= 0 { return n }
            if err == EINTR { continue }
            guard err == EAGAIN || err == EWOULDBLOCK else {
                if registration.isClosed { throw TransportError(.closed, "socket closed during read") }
                throw TransportError.errno("recv", err)
            }
            try await registration.wait(.read, deadline: deadline)
        }
    }

    public func write(_ bytes: [UInt8], deadline: Deadline?) async throws(TransportError) {
        var offset = 0
        while true {
            offset += try writeNow(bytes, from: offset)
            if offset >= bytes.count { return }
            try await registration.wait(.write, deadline: deadline)
        }
    }

    public func writeNow(_ bytes: [UInt8], from start: Int) throws(TransportError) -> Int {
        var offset = start
        while offset < bytes.count {
            guard registration.beginOperation() else { throw TransportError(.closed, "write on closed socket") }
            // The array's storage is borrowed only for the duration of the send(2) call.
            var err: Int32 = 0
            let n: Int
            if let observer {
                n = observer.ordered {
                    let n = bytes.withUnsafeBytes { raw in
                        send(registration.fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    }
                    err = errno
                    if n > 0 { observer.observe(.sent, layer: .transport, bytes: bytes[offset..<(offset + n)]) }
                    return n
                }
            } else {
                n = bytes.withUnsafeBytes { raw in
                    send(registration.fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                }
                err = errno
            }
            registration.endOperation()
            if n >= 0 {
                offset += n
                continue
            }
            if err == EINTR { continue }
            guard err == EAGAIN || err == EWOULDBLOCK else {
                if registration.isClosed { throw TransportError(.closed, "socket closed during write") }
                throw TransportError.errno("send", err)
            }
            break
        }
        return offset - start
    }

    public func shutdownOutput() async {
        guard registration.beginOperation() else { return }
        _ = Glibc.shutdown(registration.fd, Int32(SHUT_WR))
        registration.endOperation()
    }

    public func close() {
        guard !registration.isClosed else { return }
        registration.close()
        onClose?()
        observer?.closed()
    }

    public var isClosed: Bool { registration.isClosed }

    public var localAddress: SocketAddress? { SocketAddress.local(of: registration.fd) }
}

extension SocketAddress {
    static func local(of fd: Int32) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard rc == 0 else { return nil }
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(raw: $0, length: length) }
        }
    }
}
