import COpenSSL
import Crypto

/// An OpenSSL SSL_CTX built from a configuration; build once, share across connections.
public final class TLSContext: @unchecked Sendable {
    // SSL_CTX is safe to share once configured; we never mutate it after init.
    let ctx: OpaquePointer
    public let isServer: Bool
    let configuration: TLSConfiguration
    /// Owned copy of the server's ALPN list, read by the selection callback.
    private let alpnStorage: UnsafeMutableBufferPointer<UInt8>

    public init(_ configuration: TLSConfiguration, server: Bool) throws(TransportError) {
        guard let ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()) else {
            throw TransportError(.tlsConfiguration, "SSL_CTX_new failed: \(OpenSSLErrors.drain())")
        }
        self.ctx = ctx
        self.isServer = server
        self.configuration = configuration
        let wire = configuration.alpnWire
        alpnStorage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(wire.count, 1))
        _ = alpnStorage.initialize(from: wire)

        _ = copenssl_ctx_set_min_proto_version(ctx, copenssl_tls1_2_version())
        // Memory BIOs accept any amount, so SSL_write completes whole records; a moving buffer is
        // allowed because our write path may retry from a different array.
        _ = copenssl_ctx_set_mode(ctx, Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))

        if let chain = configuration.certificateChainFile {
            guard SSL_CTX_use_certificate_chain_file(ctx, chain) == 1 else {
                throw TransportError(.tlsConfiguration, "cannot load certificate chain \(chain): \(OpenSSLErrors.drain())")
            }
        }
        if let key = configuration.privateKeyFile {
            guard SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1 else {
                throw TransportError(.tlsConfiguration, "cannot load private key \(key): \(OpenSSLErrors.drain())")
            }
            guard SSL_CTX_check_private_key(ctx) == 1 else {
                throw TransportError(.tlsConfiguration, "private key \(key) does not match the certificate: \(OpenSSLErrors.drain())")
            }
        }
        if server && configuration.certificateChainFile == nil {
            throw TransportError(.tlsConfiguration, "a TLS server needs a certificate chain and a private key")
        }

        var verify = true
        switch configuration.trust {
        case .systemDefault:
            SSL_CTX_set_default_verify_paths(ctx)
        case .caFile(let path):
            guard SSL_CTX_load_verify_locations(ctx, path, nil) == 1 else {
                throw TransportError(.tlsConfiguration, "cannot load CA file \(path): \(OpenSSLErrors.drain())")
            }
        case .caPEM(let pem):
            try Self.addCAs(pem: pem, to: ctx)
        case .insecureNoVerification:
            verify = false
        }
        if server {
            if configuration.requireClientCertificate {
                SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
            } else {
                SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
            }
            if !wire.isEmpty {
                SSL_CTX_set_alpn_select_cb(ctx, { _, out, outlen, input, inlen, arg in
                    guard let arg, let input else { return copenssl_tlsext_err_noack() }
                    let storage = Unmanaged<TLSContext>.fromOpaque(arg).takeUnretainedValue().alpnStorage
                    var selected: UnsafeMutablePointer<UInt8>?
                    let rc = SSL_select_next_proto(&selected, outlen, storage.baseAddress, UInt32(storage.count), input, inlen)
                    guard rc == OPENSSL_NPN_NEGOTIATED, let selected else { return copenssl_tlsext_err_noack() }
                    out?.pointee = UnsafePointer(selected)
                    return copenssl_tlsext_err_ok()
                }, Unmanaged.passUnretained(self).toOpaque())
            }
        } else {
            SSL_CTX_set_verify(ctx, verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nil)
        }
    }

    deinit {
        SSL_CTX_free(ctx)
        alpnStorage.deallocate()
    }

    private static func addCAs(pem: String, to ctx: OpaquePointer) throws(TransportError) {
        guard let store = SSL_CTX_get_cert_store(ctx) else {
            throw TransportError(.tlsConfiguration, "no certificate store")
        }
        let bytes = Array(pem.utf8)
        let bio = bytes.withUnsafeBytes { BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }
        guard let bio else { throw TransportError(.tlsConfiguration, "BIO_new_mem_buf failed") }
        defer { BIO_free(bio) }
        var added = 0
        while let cert = PEM_read_bio_X509(bio, nil, nil, nil) {
            X509_STORE_add_cert(store, cert)
            X509_free(cert)
            added += 1
        }
        ERR_clear_error()
        if added == 0 { throw TransportError(.tlsConfiguration, "the CA PEM text holds no certificate") }
    }
}
