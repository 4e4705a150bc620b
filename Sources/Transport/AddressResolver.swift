import CEpoll
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Name resolution with a deadline.
///
/// getaddrinfo blocks and cannot be cancelled, so a lookup of a name runs on its own short-lived
/// thread and the caller waits on a continuation; at the deadline the caller moves on and the
/// thread's late answer is dropped. Numeric addresses never leave the caller.
public enum AddressResolver {
    public static func resolve(host: String, port: Int, deadline: Deadline?) async throws(TransportError) -> [SocketAddress] {
        guard (0...65535).contains(port) else { throw TransportError(.invalidArgument, "port \(port) out of range") }
        if let numeric = SocketAddress(numericHost: host, port: port) { return [numeric] }
        guard !host.isEmpty, host.utf8.count <= 253, !host.utf8.contains(0) else {
            throw TransportError(.invalidArgument, "host name \(host.debugDescription) is not valid")
        }
        let box = ResolutionBox()
        let timer: UInt64? = deadline.map { d in
            EventLoop.shared.schedule(at: d) { box.finish(.failure(TransportError(.timedOut, "resolving \(host) timed out"))) }
        }
        defer { if let timer { EventLoop.shared.cancelTimer(timer) } }
        let request = ResolutionRequest(host: host, port: port, box: box)
        let unmanaged = Unmanaged.passRetained(request)
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { arg in
            let request = Unmanaged<ResolutionRequest>.fromOpaque(arg!).takeRetainedValue()
            request.box.finish(AddressResolver.blockingLookup(host: request.host, port: request.port))
            return nil
        }, unmanaged.toOpaque())
        if started != 0 {
            unmanaged.release()
            throw TransportError(.systemError, "cannot start resolver thread (errno \(started))")
        }
        pthread_detach(thread)
        return try await box.wait()
    }

    static func blockingLookup(host: String, port: Int) -> Result<[SocketAddress], TransportError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &result)
        guard rc == 0, let first = result else {
            return .failure(TransportError(.resolutionFailed, "cannot resolve \(host): \(String(cString: gai_strerror(rc)))"))
        }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let addr = info.pointee.ai_addr,
               info.pointee.ai_family == AF_INET || info.pointee.ai_family == AF_INET6 {
                let a = SocketAddress(raw: addr, length: info.pointee.ai_addrlen)
                if !addresses.contains(a) { addresses.append(a) }
            }
            cursor = info.pointee.ai_next
        }
        if addresses.isEmpty { return .failure(TransportError(.resolutionFailed, "\(host) has no IPv4 or IPv6 address")) }
        return .success(addresses)
    }
}

private final class ResolutionRequest: Sendable {
    let host: String
    let port: Int
    let box: ResolutionBox
    init(host: String, port: Int, box: ResolutionBox) {
        self.host = host
        self.port = port
        self.box = box
    }
}

/// The first of (answer, deadline, cancellation) wins; later ones are dropped.
private final class ResolutionBox: Sendable {
    private struct State {
        var result: Result<[SocketAddress], TransportError>?
        var continuation: UnsafeContinuation<Result<[SocketAddress], TransportError>, Never>?
    }
    private let state = Mutex(State())

    func finish(_ result: Result<[SocketAddress], TransportError>) {
        let continuation = state.withLock { s -> UnsafeContinuation<Result<[SocketAddress], TransportError>, Never>? in
            guard s.result == nil else { return nil }
            s.result = result
            defer { s.continuation = nil }
            return s.continuation
        }
        continuation?.resume(returning: result)
    }

    func wait() async throws(TransportError) -> [SocketAddress] {
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { (c: UnsafeContinuation<Result<[SocketAddress], TransportError>, Never>) in
                let ready = state.withLock { s -> Result<[SocketAddress], TransportError>? in
                    if let r = s.result { return r }
                    s.continuation = c
                    return nil
                }
                if let ready { c.resume(returning: ready) }
            }
        } onCancel: {
            finish(.failure(TransportError(.cancelled, "resolution cancelled")))
        }
        return try result.get()
    }
}
