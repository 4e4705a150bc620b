import RESP
import Transport

/// The one error type of the RedisClient module.
///
/// A server error reply (`-WRONGTYPE Operation against a key...`) keeps its prefix in `serverPrefix`
/// (ERR, WRONGTYPE, NOPERM, NOSCRIPT, MOVED, BUSY...) so callers branch on it instead of on text.
public struct RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The server answered with an error reply; see `serverPrefix` and `message`.
        case server
        /// The command's deadline passed before its reply arrived. The connection stays usable: the late
        /// reply is read and dropped.
        case timedOut
        /// The caller's task was cancelled. The connection stays usable (the reply is read and dropped).
        case cancelled
        /// The connection broke (or was closed by the peer) while the command was sent or awaited: it may or
        /// may not have run.
        case connectionLost
        /// Connecting, TLS, or the handshake (HELLO/AUTH/SELECT) failed.
        case connectFailed
        /// The connection (or pool) was closed by us.
        case closed
        /// The reply was well-formed RESP but not the shape the command answers with.
        case unexpectedReply
        /// The server sent bytes that are not RESP (or broke a decoder limit); the connection is dropped.
        case protocolViolation
        /// A bad URL, argument or option.
        case invalidArgument
        /// No connection (pool) or queue slot (connection) became free before the deadline.
        case poolExhausted
        /// A WATCHed key changed: EXEC answered null and nothing ran.
        case transactionAborted
    }

    public let code: Code
    public let message: String
    /// The first word of a server error reply (`WRONGTYPE`, `NOPERM`...), nil for client-side errors.
    public let serverPrefix: String?

    public init(_ code: Code, _ message: String, serverPrefix: String? = nil) {
        self.code = code
        self.message = message
        self.serverPrefix = serverPrefix
    }

    /// An error reply as the server sent it: "PREFIX rest of message".
    public static func server(_ text: String) -> RedisError {
        let prefix = text.prefix { $0 != " " }
        let rest = text.dropFirst(prefix.count).drop { $0 == " " }
        return RedisError(.server, String(rest), serverPrefix: String(prefix))
    }

    /// Whether the same command may succeed if tried again (perhaps on a new connection).
    ///
    /// `connectionLost` is retriable only for idempotent commands; the caller knows which those are.
    public var isRetriable: Bool {
        switch code {
        case .timedOut, .connectionLost, .connectFailed, .poolExhausted, .transactionAborted: true
        case .server:
            // Cluster redirections and transient server states; everything else repeats the same answer.
            ["MOVED", "ASK", "TRYAGAIN", "LOADING", "BUSY", "MASTERDOWN", "CLUSTERDOWN"].contains(serverPrefix ?? "")
        case .cancelled, .closed, .unexpectedReply, .protocolViolation, .invalidArgument: false
        }
    }

    public var description: String {
        if let serverPrefix { return "redis \(code.rawValue): \(serverPrefix) \(message)" }
        return "redis \(code.rawValue): \(message)"
    }

    static func transport(_ error: TransportError, _ context: String) -> RedisError {
        switch error.code {
        case .timedOut: RedisError(.timedOut, "\(context): \(error.message)")
        case .cancelled: RedisError(.cancelled, "\(context): \(error.message)")
        case .closed: RedisError(.closed, "\(context): \(error.message)")
        default: RedisError(.connectionLost, "\(context): \(error)")
        }
    }

    static func unexpected(_ value: RESPValue, _ expected: String) -> RedisError {
        RedisError(.unexpectedReply, "expected \(expected), got \(RESPValue.summary(value))")
    }
}

extension RESPValue {
    /// A short description of a reply for error messages (never the whole payload).
    static func summary(_ value: RESPValue) -> String {
        switch value {
        case .simpleString(let s): return "simple string \"\(s.prefix(40))\""
        case .simpleError(let s): return "error \"\(s.prefix(40))\""
        case .integer(let n): return "integer \(n)"
        case .bulkString(nil): return "null bulk string"
        case .bulkString(let b?): return "bulk string of \(b.count) bytes"
        case .array(nil): return "null array"
        case .array(let a?): return "array of \(a.count)"
        case .null: return "null"
        case .boolean(let b): return "boolean \(b)"
        case .double(let d): return "double \(d)"
        case .bigNumber(let s): return "big number \(s.prefix(40))"
        case .bulkError(let b): return "bulk error of \(b.count) bytes"
        case .verbatimString(let f, let t): return "verbatim \(f) string of \(t.count) bytes"
        case .map(let p): return "map of \(p.count)"
        case .set(let s): return "set of \(s.count)"
        case .attribute(_, let v): return "attributed \(summary(v))"
        case .push(let p): return "push of \(p.count)"
        }
    }
}
