import HTTP
import Synchronization
import Transport

/// One Server-Sent Event (HTML Living Standard §9.2): `data` may span lines.
public struct ServerSentEvent: Sendable, Equatable {
    public var id: String?
    public var event: String?
    public var data: String
    /// Reconnection delay the client should use, in milliseconds.
    public var retry: Int?

    public init(data: String, event: String? = nil, id: String? = nil, retry: Int? = nil) {
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry
    }

    /// The event in `text/event-stream` form, ending in the blank line that dispatches it.
    /// CR and LF inside `id` and `event` would start a new field, so they are dropped.
    public var wireBytes: [UInt8] {
        var out: [UInt8] = []
        func field(_ name: String, _ value: String) {
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: value.utf8.filter { $0 != 0x0A && $0 != 0x0D })
            out.append(0x0A)
        }
        if let id { field("id", id) }
        if let event { field("event", event) }
        if let retry { field("retry", String(retry)) }
        // Every line of data is its own `data:` field; CRLF, CR and LF all end a line.
        var line: [UInt8] = []
        var previousWasCR = false
        for b in data.utf8 {
            if b == 0x0A && previousWasCR { previousWasCR = false; continue }
            previousWasCR = b == 0x0D
            if b == 0x0A || b == 0x0D {
                field("data", String(decoding: line, as: UTF8.self))
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(b)
            }
        }
        field("data", String(decoding: line, as: UTF8.self))
        out.append(0x0A)
        return out
    }
}

/// Sends events on a `text/event-stream` response. While the producer is quiet, a comment line
/// goes out every heartbeat interval so proxies keep the connection and dead clients are found.
public final class EventStreamWriter: Sendable {
    let body: ResponseBodyWriter
    private let lastWrite = Mutex(Deadline.now())

    init(body: ResponseBodyWriter) { self.body = body }

    public func send(_ event: ServerSentEvent) async throws(HTTPServerError) {
        try await body.write(event.wireBytes)
        lastWrite.withLock { $0 = .now() }
    }

    /// A comment line (ignored by clients).
    public func sendComment(_ text: String) async throws(HTTPServerError) {
        try await body.write(Array((": " + text.filter { $0 != "\n" && $0 != "\r" } + "\n\n").utf8))
        lastWrite.withLock { $0 = .now() }
    }

    var timeSinceLastWrite: Duration {
        let last = lastWrite.withLock { $0 }
        let now = Deadline.now()
        return now.nanoseconds > last.nanoseconds ? .nanoseconds(Int64(now.nanoseconds - last.nanoseconds)) : .zero
    }
}

extension HTTPResponse {
    /// A Server-Sent Events response. `produce` sends events and returns when the stream is over
    /// (or throws when the client has gone). Heartbeat comments are sent while it is quiet.
    public static func eventStream(heartbeat: Duration = .seconds(15),
                                   _ produce: @escaping @Sendable (EventStreamWriter) async throws -> Void) -> HTTPResponse {
        HTTPResponse(status: .ok, headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-cache"], body: .stream { body in
            let events = EventStreamWriter(body: body)
            let heartbeats = Task {
                while !Task.isCancelled {
                    let quiet = events.timeSinceLastWrite
                    let wait = quiet >= heartbeat ? heartbeat : heartbeat - quiet
                    do { try await EventLoop.shared.sleep(until: .after(wait)) } catch { return }
                    if events.timeSinceLastWrite >= heartbeat {
                        do { try await events.sendComment("heartbeat") } catch { return }
                    }
                }
            }
            defer { heartbeats.cancel() }
            try await produce(events)
        })
    }
}
