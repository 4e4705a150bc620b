import BSON
import Transport

/// The one error type of the MongoDB client: a stable code to branch on, a message for people,
/// whether trying again could succeed, and — for errors the server sent — the server's own
/// `code`, `codeName` and `errorLabels`.
public struct MongoError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Bytes from the server that break the wire protocol (bad header, unknown section kind,
        /// checksum mismatch, a reply to a request we never sent). The connection is closed.
        case protocolViolation
        /// A message or document larger than the negotiated limit.
        case messageTooLarge
        /// The network failed: connect refused, reset, end of stream.
        case network
        /// A deadline passed (connect, request, server selection or pool wait).
        case timedOut
        /// The calling task was cancelled.
        case cancelled
        /// Wrong password, unknown user, or a server that refuses the mechanism.
        case authenticationFailed
        /// The server answered `ok: 0` (see `serverCode`, `codeName`, `errorLabels`).
        case commandFailed
        /// One or more writes of a batch failed (see `writeErrors`); 11000 is a duplicate key.
        case writeFailed
        /// The write concern was not satisfied.
        case writeConcernFailed
        /// A malformed `mongodb://` URL or an invalid option value.
        case invalidConnectionString
        /// A caller's argument the client cannot send (empty batch, a document too large...).
        case invalidArgument
        /// No suitable server (no primary) before serverSelectionTimeoutMS.
        case serverSelectionFailed
        /// No pooled connection came free within waitQueueTimeoutMS (maxPoolSize are all in use).
        case waitQueueTimeout
        /// The pool or the client was closed.
        case closed
        /// A reply whose shape we did not expect (a missing field), or BSON we could not read or write.
        case invalidReply
    }

    /// One failed write inside a batch, with its index in the caller's list.
    public struct WriteError: Sendable, CustomStringConvertible {
        public let index: Int
        public let code: Int
        public let codeName: String?
        public let message: String
        public var isDuplicateKey: Bool { code == 11000 || code == 11001 }
        public var description: String { "#\(index) code \(code)\(codeName.map { " (\($0))" } ?? ""): \(message)" }
    }

    public let code: Code
    public let message: String
    /// The server's numeric error code (`code` of the reply), when the server sent one.
    public var serverCode: Int?
    public var codeName: String?
    public var errorLabels: [String]
    /// Per-item failures of a write (insert/update/delete/bulk), with indices into the caller's list.
    public var writeErrors: [WriteError]
    /// The server's whole reply, when there was one.
    public var reply: BSONDocument?
    /// For a failed bulk write: what the writes that did succeed did.
    public var partialResult: BulkWriteResult?

    public init(_ code: Code, _ message: String, serverCode: Int? = nil, codeName: String? = nil,
                errorLabels: [String] = [], writeErrors: [WriteError] = [], reply: BSONDocument? = nil) {
        self.code = code
        self.message = message
        self.serverCode = serverCode
        self.codeName = codeName
        self.errorLabels = errorLabels
        self.writeErrors = writeErrors
        self.reply = reply
    }

    /// A duplicate key (E11000), whether the command failed or one write of a batch did.
    public var isDuplicateKey: Bool {
        serverCode == 11000 || serverCode == 11001 || writeErrors.contains { $0.isDuplicateKey }
    }

    public func hasLabel(_ label: String) -> Bool { errorLabels.contains(label) }

    /// The server says this node is not (or no longer) the primary: rediscover and retry.
    public var isNotWritablePrimary: Bool {
        guard let serverCode else { return false }
        // NotWritablePrimary, NotPrimaryNoSecondaryOk, NotPrimaryOrSecondary, InterruptedDueToReplStateChange,
        // PrimarySteppedDown, ShutdownInProgress, InterruptedAtShutdown (the SDAM "not primary" family).
        return [10107, 13435, 13436, 11602, 189, 91, 11600].contains(serverCode)
    }

    /// Whether the same operation may succeed if tried again (on a fresh connection or server).
    public var isRetriable: Bool {
        switch code {
        case .network, .timedOut, .serverSelectionFailed: return true
        case .commandFailed, .writeFailed:
            return isNotWritablePrimary || hasLabel("RetryableWriteError") || hasLabel("TransientTransactionError")
        default: return false
        }
    }

    public var description: String {
        var text = "\(code.rawValue): \(message)"
        if let serverCode { text += " (server code \(serverCode)\(codeName.map { " \($0)" } ?? ""))" }
        if !errorLabels.isEmpty { text += " labels \(errorLabels)" }
        if !writeErrors.isEmpty { text += " writeErrors \(writeErrors)" }
        return text
    }
}

extension MongoError {
    init(_ error: TransportError, _ context: String) {
        switch error.code {
        case .timedOut: self.init(.timedOut, "\(context): \(error.message)")
        case .cancelled: self.init(.cancelled, "\(context): \(error.message)")
        case .closed: self.init(.closed, "\(context): \(error.message)")
        case .invalidArgument, .tlsConfiguration: self.init(.invalidArgument, "\(context): \(error)")
        default: self.init(.network, "\(context): \(error)")
        }
    }

    init(_ error: BSONError, _ context: String) {
        self.init(error.code == .limitExceeded ? .messageTooLarge : .invalidReply, "\(context): \(error)")
    }

    /// The error in a command reply with `ok: 0`, or nil when the command succeeded.
    static func fromReply(_ reply: BSONDocument) -> MongoError? {
        let ok = reply["ok"]
        let succeeded: Bool
        switch ok {
        case .double(let v)?: succeeded = v == 1
        case .int32(let v)?: succeeded = v == 1
        case .int64(let v)?: succeeded = v == 1
        case .bool(let v)?: succeeded = v
        default: succeeded = false
        }
        if succeeded { return nil }
        let labels = reply["errorLabels"]?.arrayValue?.compactMap { $0.stringValue } ?? []
        let code = reply["code"]?.intValue
        return MongoError(code == 18 ? .authenticationFailed : .commandFailed,
                          reply["errmsg"]?.stringValue ?? "command failed",
                          serverCode: code, codeName: reply["codeName"]?.stringValue,
                          errorLabels: labels, reply: reply)
    }
}
