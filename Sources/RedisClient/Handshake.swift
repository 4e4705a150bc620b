import RESP
import Transport

/// Opening a connection: TCP (and TLS), then HELLO 3 with AUTH and SETNAME, falling back to AUTH and
/// CLIENT SETNAME over RESP2 on servers without HELLO, then SELECT. Runs strictly request/response on the
/// socket before the connection's reader and writer start; the decoder (and anything it buffered) is
/// handed on to the reader.
enum Handshake {
    struct Established: Sendable {
        let stream: any ByteStream
        let decoder: RESPDecoder
        let protocolVersion: Int
    }

    static func establish(_ configuration: RedisConfiguration, tlsContext: TLSContext?) async throws(RedisError) -> Established {
        let deadline = Deadline.after(configuration.connectTimeout)
        let address = "\(configuration.host):\(configuration.port)"
        let stream: any ByteStream
        do throws(TransportError) {
            let tcp = try await TCPConnection.connect(host: configuration.host, port: configuration.port, deadline: deadline)
            if let tlsContext {
                do throws(TransportError) {
                    stream = try await TLSStream.connect(over: tcp, context: tlsContext,
                                                         serverName: configuration.tlsServerName ?? configuration.host,
                                                         deadline: deadline)
                } catch {
                    tcp.close()
                    throw error
                }
            } else {
                stream = tcp
            }
        } catch {
            throw RedisError(error.code == .cancelled ? .cancelled : .connectFailed, "connect to \(address): \(error)")
        }
        var decoder = RESPDecoder()
        do {
            let version = try await greet(configuration, stream: stream, decoder: &decoder, deadline: deadline)
            return Established(stream: stream, decoder: decoder, protocolVersion: version)
        } catch {
            stream.close()
            throw error
        }
    }

    /// Returns the protocol version agreed on.
    private static func greet(_ configuration: RedisConfiguration, stream: any ByteStream,
                              decoder: inout RESPDecoder, deadline: Deadline) async throws(RedisError) -> Int {
        var version = 2
        if configuration.preferRESP3 {
            var hello = ["HELLO", "3"]
            if let password = configuration.password {
                hello += ["AUTH", configuration.username ?? "default", password]
            }
            if let name = configuration.clientName { hello += ["SETNAME", name] }
            let reply = try await exchange(hello, stream: stream, decoder: &decoder, deadline: deadline)
            if let error = reply.serverError {
                // Servers before 6.0 answer "ERR unknown command 'HELLO'"; a server without RESP3 answers NOPROTO.
                // Anything else (WRONGPASS, NOPERM...) is a real failure.
                guard error.serverPrefix == "NOPROTO" || (error.serverPrefix == "ERR" && error.message.contains("unknown command")) else {
                    throw RedisError(.connectFailed, "HELLO: \(error.message)", serverPrefix: error.serverPrefix)
                }
            } else {
                version = 3
            }
        }
        if version == 2 {
            if let password = configuration.password {
                var auth = ["AUTH"]
                if let user = configuration.username { auth.append(user) }
                auth.append(password)
                try await expectOK(auth, "AUTH", stream: stream, decoder: &decoder, deadline: deadline)
            }
            if let name = configuration.clientName {
                try await expectOK(["CLIENT", "SETNAME", name], "CLIENT SETNAME", stream: stream, decoder: &decoder, deadline: deadline)
            }
        }
        if configuration.database != 0 {
            try await expectOK(["SELECT", String(configuration.database)], "SELECT", stream: stream, decoder: &decoder, deadline: deadline)
        }
        return version
    }

    private static func expectOK(_ words: [String], _ what: String, stream: any ByteStream,
                                 decoder: inout RESPDecoder, deadline: Deadline) async throws(RedisError) {
        let reply = try await exchange(words, stream: stream, decoder: &decoder, deadline: deadline)
        if let error = reply.serverError {
            throw RedisError(.connectFailed, "\(what): \(error.message)", serverPrefix: error.serverPrefix)
        }
    }

    /// Writes one command and reads its reply (skipping push frames, which a server may send at any time).
    static func exchange(_ words: [String], stream: any ByteStream, decoder: inout RESPDecoder,
                         deadline: Deadline) async throws(RedisError) -> RESPValue {
        do {
            try await stream.write(RESPEncoder.encodeCommand(words), deadline: deadline)
        } catch {
            throw RedisError(error.code == .timedOut ? .timedOut : .connectFailed, "\(words[0]): \(error)")
        }
        while true {
            do {
                if let value = try decoder.next() {
                    if case .push = value { continue }
                    return value
                }
            } catch {
                throw RedisError(.protocolViolation, "\(words[0]): \(error)")
            }
            let received: Int
            do {
                received = try await decoder.receive { (buffer) async throws(TransportError) -> Int in
                    try await stream.read(into: &buffer, maxBytes: 16 << 10, deadline: deadline)
                }
            } catch {
                throw RedisError(error.code == .timedOut ? .timedOut : .connectFailed, "\(words[0]): \(error)")
            }
            if received == 0 { throw RedisError(.connectFailed, "\(words[0]): the server closed the connection") }
        }
    }
}
