import Transport

/// A loopback echo server for tests: every byte read is written back.
final class EchoServer: Sendable {
    let listener: TCPListener
    private let acceptTask: Task<Void, Never>

    init(maxConnections: Int = 10_000, tls: TLSContext? = nil) throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0, maxConnections: maxConnections)
        self.listener = listener
        acceptTask = Task { await EchoServer.acceptLoop(listener, tls: tls) }
    }

    private static func acceptLoop(_ listener: TCPListener, tls: TLSContext?) async {
        while true {
            let connection: TCPConnection
            do {
                connection = try await listener.accept()
            } catch {
                return
            }
            Task { await EchoServer.serve(connection, tls: tls) }
        }
    }

    private static func serve(_ connection: TCPConnection, tls: TLSContext?) async {
        defer { connection.close() }
        let stream: any ByteStream
        if let tls {
            do {
                stream = try await TLSStream.accept(over: connection, context: tls, deadline: .after(seconds: 10))
            } catch {
                return
            }
        } else {
            stream = connection
        }
        await echo(stream)
    }

    private static func echo(_ stream: any ByteStream) async {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(64 * 1024)
        do {
            while true {
                buffer.removeAll(keepingCapacity: true)
                let n = try await stream.read(into: &buffer, maxBytes: 64 * 1024, deadline: nil)
                if n == 0 { break }
                try await stream.write(buffer, deadline: nil)
            }
        } catch {
            return
        }
        await stream.shutdownOutput()
    }

    var port: Int { listener.port }

    func stop() {
        listener.close()
        acceptTask.cancel()
    }
}
