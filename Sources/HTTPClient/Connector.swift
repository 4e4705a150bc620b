import Synchronization
import Transport

/// Opens the connections a pool hands out: TCP, then TLS for https.
final class Connector: Sendable {
    private let tls: TLSConfiguration
    private let readChunkSize: Int
    private let maxResponseHeadBytes: Int
    /// Made on the first https connection: a client that only speaks http never loads certificates.
    private let tlsContext = Mutex<TLSContext?>(nil)

    init(configuration: HTTPClientConfiguration) {
        tls = configuration.tls
        readChunkSize = configuration.readChunkSize
        maxResponseHeadBytes = configuration.maxResponseHeadBytes
    }

    func connect(_ key: PoolKey, deadline: Deadline) async throws(HTTPClientError) -> ClientConnection {
        let tcp: TCPConnection
        do {
            tcp = try await TCPConnection.connect(host: key.host, port: key.port, deadline: deadline)
        } catch {
            throw HTTPClientError.transport(error, during: .connecting)
        }
        guard key.scheme == .https else {
            return ClientConnection(key: key, stream: tcp, readChunkSize: readChunkSize, maxHeadBytes: maxResponseHeadBytes)
        }
        do {
            let context = try sharedTLSContext()
            // TLSStream sends SNI for host names only and checks the certificate against the host or IP.
            let stream = try await TLSStream.connect(over: tcp, context: context, serverName: key.host, deadline: deadline)
            return ClientConnection(key: key, stream: stream, readChunkSize: readChunkSize, maxHeadBytes: maxResponseHeadBytes)
        } catch {
            tcp.close()
            throw HTTPClientError.transport(error, during: .connecting)
        }
    }

    private func sharedTLSContext() throws(TransportError) -> TLSContext {
        try tlsContext.withLock { (slot: inout TLSContext?) throws(TransportError) -> TLSContext in
            if let context = slot { return context }
            let context = try TLSContext(tls, server: false)
            slot = context
            return context
        }
    }
}
