import CEpoll
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A listening TCP socket with a limit on open accepted connections.
///
/// At the limit, `accept` waits for a connection to close before taking the next one from the
/// kernel's backlog, so a flood queues in the kernel instead of exhausting descriptors.
public final class TCPListener: Sendable {
    // `open` is shared with the close hooks of accepted connections, which may outlive us.
    private let registration: SocketRegistration
    public let localAddress: SocketAddress
    public let maxConnections: Int
    private let slots: AsyncSemaphore
    private let open = ConnectionCount()

    public init(host: String = "127.0.0.1", port: Int = 0, backlog: Int32 = 1024,
                maxConnections: Int = 10_000, loop: EventLoop = .shared) throws(TransportError) {
        guard let address = SocketAddress(numericHost: host, port: port) else {
            throw TransportError(.invalidArgument, "listen address must be a numeric IPv4/IPv6 address, got \(host):\(port)")
        }
        guard maxConnections > 0 else { throw TransportError(.invalidArgument, "maxConnections must be positive") }
        let fd = socket(address.domain, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TransportError.errno("socket", errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = address.withSockaddr { bind(fd, $0, $1) }
        guard bound == 0, listen(fd, backlog) == 0 else {
            let err = errno
            Glibc.close(fd)
            throw TransportError.errno("bind/listen on \(address)", err)
        }
        do {
            registration = try loop.register(fd: fd)
        } catch {
            Glibc.close(fd)
            throw error
        }
        localAddress = SocketAddress.local(of: fd) ?? address
        self.maxConnections = maxConnections
        slots = AsyncSemaphore(permits: maxConnections)
    }

    public var port: Int { localAddress.port }

    /// The next connection; waits while `maxConnections` are open. Throws `.closed` after `close()`.
    public func accept(deadline: Deadline? = nil) async throws(TransportError) -> TCPConnection {
        try await slots.acquire(deadline: deadline)
        while true {
            guard registration.beginOperation() else {
                slots.release()
                throw TransportError(.closed, "listener closed")
            }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    cepoll_accept4(registration.fd, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
            let err = errno
            registration.endOperation()
            if fd >= 0 {
                var one: Int32 = 1
                _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                let remote = withUnsafePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(raw: $0, length: length) }
                }
                do throws(TransportError) {
                    let reg = try EventLoop.shared.register(fd: fd)
                    let slots = self.slots
                    let open = self.open
                    open.value.add(1, ordering: .relaxed)
                    return TCPConnection(registration: reg, remoteAddress: remote, onClose: {
                        open.value.subtract(1, ordering: .relaxed)
                        slots.release()
                    })
                } catch {
                    Glibc.close(fd)
                    slots.release()
                    throw error
                }
            }
            switch err {
            case EINTR, ECONNABORTED, EPROTO:
                continue
            case EAGAIN, EWOULDBLOCK:
                do {
                    try await registration.wait(.read, deadline: deadline)
                } catch {
                    slots.release()
                    throw error
                }
            default:
                slots.release()
                if registration.isClosed { throw TransportError(.closed, "listener closed") }
                throw TransportError.errno("accept", err)
            }
        }
    }

    /// Open accepted connections.
    public var openConnections: Int { open.value.load(ordering: .relaxed) }

    /// Stops accepting; a pending `accept` fails with `.closed`. Accepted connections stay open.
    public func close() { registration.close() }
}

/// The number of open accepted connections, shared with their close hooks.
final class ConnectionCount: Sendable {
    let value = Atomic<Int>(0)
}
