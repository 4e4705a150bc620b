import COpenSSL
import Crypto
import Synchronization

/// TLS over a TCP connection, driven through OpenSSL memory BIOs so that all socket I/O stays on
/// our event loop: OpenSSL never touches the descriptor.
///
/// A reader and a writer may run at once. Every SSL call happens under `lock` (an SSL object is
/// not thread-safe); the lock is never held across a suspension. Ciphertext leaves through
/// `flush`, serialised by `writeGate` so records reach the socket in the order OpenSSL made them.
public final class TLSStream: ByteStream, @unchecked Sendable {
    // `ssl`, `rbio` and `wbio` are touched only under `lock`.
    private let ssl: OpaquePointer
    private let rbio: OpaquePointer
    private let wbio: OpaquePointer
    private let lock = Mutex<Void>(())
    private let writeGate = AsyncSemaphore(permits: 1)
    private let readGate = AsyncSemaphore(permits: 1)
    public let tcp: TCPConnection
    public let context: TLSContext
    private let negotiated = Mutex<String?>(nil)

    private static let chunk = 16 * 1024

    private init(tcp: TCPConnection, context: TLSContext) throws(TransportError) {
        guard let ssl = SSL_new(context.ctx) else {
            throw TransportError(.tlsConfiguration, "SSL_new failed: \(OpenSSLErrors.drain())")
        }
        guard let rbio = BIO_new(BIO_s_mem()), let wbio = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TransportError(.tlsConfiguration, "BIO_new failed")
        }
        SSL_set_bio(ssl, rbio, wbio)  // ssl now owns both BIOs
        self.ssl = ssl
        self.rbio = rbio
        self.wbio = wbio
        self.tcp = tcp
        self.context = context
    }

    deinit { SSL_free(ssl) }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        try lock.withLock { _ in try body() }
    }

    public var remoteAddress: SocketAddress? { tcp.remoteAddress }

    /// The ALPN protocol both sides agreed on, if any.
    public var applicationProtocol: String? { negotiated.withLock { $0 } }

    /// Client side: handshake with `serverName` used for SNI and for verifying the certificate.
    public static func connect(over tcp: TCPConnection, context: TLSContext, serverName: String?,
                               deadline: Deadline? = nil) async throws(TransportError) -> TLSStream {
        let stream = try TLSStream(tcp: tcp, context: context)
        tcp.observer?.tlsStarted()
        stream.locked {
            SSL_set_connect_state(stream.ssl)
            if let serverName, SocketAddress(numericHost: serverName, port: 0) == nil {
                _ = copenssl_set_tlsext_host_name(stream.ssl, serverName)
            }
            if let serverName, context.configuration.trust.verifies {
                // Checks the name against subjectAltName (DNS or IP) during verification.
                if SocketAddress(numericHost: serverName, port: 0) != nil {
                    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(stream.ssl), serverName)
                } else {
                    SSL_set1_host(stream.ssl, serverName)
                }
            }
            let alpn = context.configuration.alpnWire
            if !alpn.isEmpty {
                _ = alpn.withUnsafeBufferPointer { SSL_set_alpn_protos(stream.ssl, $0.baseAddress, UInt32($0.count)) }
            }
        }
        try await stream.handshake(deadline: deadline, serverName: serverName)
        return stream
    }

    /// Server side: handshake on an accepted connection.
    public static func accept(over tcp: TCPConnection, context: TLSContext,
                              deadline: Deadline? = nil) async throws(TransportError) -> TLSStream {
        let stream = try TLSStream(tcp: tcp, context: context)
        stream.locked { SSL_set_accept_state(stream.ssl) }
        try await stream.handshake(deadline: deadline, serverName: nil)
        return stream
    }

    // MARK: handshake

    private func handshake(deadline: Deadline?, serverName: String?) async throws(TransportError) {
        while true {
            let (rc, sslError) = locked { () -> (Int32, Int32) in
                let rc = SSL_do_handshake(ssl)
                return (rc, rc == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl, rc))
            }
            // Send what the handshake produced, including a fatal alert, before judging.
            do {
                try await flush(deadline: deadline)
            } catch {
                if rc == 1 || sslError == SSL_ERROR_WANT_READ { throw error }
            }
            if rc == 1 {
                negotiated.withLock { $0 = readALPN() }
                return
            }
            switch sslError {
            case SSL_ERROR_WANT_READ:
                let n = try await fillInput(deadline: deadline)
                if n == 0 {
                    throw TransportError(.tlsHandshakeFailed, "peer closed the connection during the TLS handshake")
                }
            case SSL_ERROR_WANT_WRITE:
                continue
            default:
                throw handshakeError(serverName: serverName)
            }
        }
    }

    private func handshakeError(serverName: String?) -> TransportError {
        locked {
            let result = SSL_get_verify_result(ssl)
            let queued = OpenSSLErrors.drain()
            if result != X509_V_OK {
                let reason = String(cString: X509_verify_cert_error_string(result))
                if result == X509_V_ERR_HOSTNAME_MISMATCH || result == X509_V_ERR_IP_ADDRESS_MISMATCH {
                    return TransportError(.tlsHostnameMismatch,
                        "the certificate is not valid for \(serverName ?? "the requested name"): \(reason)")
                }
                return TransportError(.tlsCertificateUntrusted, "certificate verify failed: \(reason)")
            }
            return TransportError(.tlsHandshakeFailed, "TLS handshake failed: \(queued)")
        }
    }

    private func readALPN() -> String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    // MARK: ciphertext in and out

    /// Moves ciphertext from the socket into OpenSSL; returns the byte count, 0 at end of stream.
    private func fillInput(deadline: Deadline?) async throws(TransportError) -> Int {
        var buffer: [UInt8] = []
        let n = try await tcp.read(into: &buffer, maxBytes: 64 * 1024, deadline: deadline)
        if n > 0 {
            locked { _ = buffer.withUnsafeBytes { BIO_write(rbio, $0.baseAddress, Int32(n)) } }
        }
        return n
    }

    private func pendingOutput() -> [UInt8]? {
        locked {
            let pending = copenssl_bio_pending(wbio)
            guard pending > 0 else { return nil }
            var out = [UInt8](repeating: 0, count: pending)
            let n = out.withUnsafeMutableBytes { BIO_read(wbio, $0.baseAddress, Int32(pending)) }
            return n > 0 ? Array(out.prefix(Int(n))) : nil
        }
    }

    /// Writes every pending record to the socket, in order.
    private func flush(deadline: Deadline?) async throws(TransportError) {
        repeat {
            try await writeGate.acquire(deadline: deadline)
            do {
                while let out = pendingOutput() { try await tcp.write(out, deadline: deadline) }
            } catch {
                writeGate.release()
                throw error
            }
            writeGate.release()
            // Output a concurrent reader produced while we held the gate is ours to send.
        } while locked({ copenssl_bio_pending(wbio) > 0 })
    }

    /// For the reader: flush only if no writer holds the gate (that writer sends it afterwards),
    /// so a reader never waits behind a writer that waits for the peer to read.
    private func flushIfIdle(deadline: Deadline?) async throws(TransportError) {
        guard locked({ copenssl_bio_pending(wbio) > 0 }), writeGate.tryAcquire() else { return }
        do {
            while let out = pendingOutput() { try await tcp.write(out, deadline: deadline) }
        } catch {
            writeGate.release()
            throw error
        }
        writeGate.release()
    }

    // MARK: ByteStream

    public func read(into buffer: inout [UInt8], maxBytes: Int, deadline: Deadline? = nil) async throws(TransportError) -> Int {
        guard maxBytes > 0 else { return 0 }
        guard readGate.tryAcquire() else {
            throw TransportError(.invalidArgument, "TLSStream allows one reader at a time")
        }
        defer { readGate.release() }
        while true {
            var error: Int32 = SSL_ERROR_NONE
            let n = buffer.appendReceived(maxBytes: maxBytes) { pointer in
                locked { () -> Int in
                    let n = SSL_read(ssl, pointer, Int32(clamping: maxBytes))
                    if n <= 0 { error = SSL_get_error(ssl, n) }
                    return Int(n)
                }
            }
            if n > 0 {
                tcp.observer?.observe(.received, layer: .tls, bytes: buffer[(buffer.count - n)...])
                try await flushIfIdle(deadline: deadline)
                return n
            }
            switch error {
            case SSL_ERROR_ZERO_RETURN:
                return 0
            case SSL_ERROR_WANT_READ:
                try await flushIfIdle(deadline: deadline)
                if try await fillInput(deadline: deadline) == 0 { return 0 }
            case SSL_ERROR_WANT_WRITE:
                try await flushIfIdle(deadline: deadline)
            default:
                throw TransportError(.tlsProtocolError, "TLS read failed: \(locked { OpenSSLErrors.drain() })")
            }
        }
    }

    public func write(_ bytes: [UInt8], deadline: Deadline?) async throws(TransportError) {
        var offset = 0
        while offset < bytes.count {
            let size = min(Self.chunk * 4, bytes.count - offset)
            // SSL_write copies the plaintext into records at once; the storage is borrowed only here.
            let (n, error) = bytes.withUnsafeBytes { raw in
                locked { () -> (Int32, Int32) in
                    let n = SSL_write(ssl, raw.baseAddress! + offset, Int32(size))
                    return (n, n > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl, n))
                }
            }
            // Reported once OpenSSL holds the plaintext: the reply cannot be read before this.
            if n > 0, let observer = tcp.observer {
                observer.observe(.sent, layer: .tls, bytes: bytes[offset..<(offset + Int(n))])
            }
            guard n > 0 else {
                throw TransportError(.tlsProtocolError, "TLS write failed (error \(error)): \(locked { OpenSSLErrors.drain() })")
            }
            offset += Int(n)
            try await flush(deadline: deadline)
        }
    }

    public func shutdownOutput() async {
        locked { _ = SSL_shutdown(ssl) }
        try? await flush(deadline: .after(seconds: 5))
        await tcp.shutdownOutput()
    }

    public func close() { tcp.close() }
}

extension TLSConfiguration.Trust {
    var verifies: Bool {
        if case .insecureNoVerification = self { return false }
        return true
    }
}
