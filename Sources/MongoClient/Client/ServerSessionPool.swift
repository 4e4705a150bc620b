import BSON
import Foundation
import Synchronization
import Transport

/// Server sessions for retryable writes outside an explicit session: a session id (`lsid`) and
/// the last transaction number used with it. A write takes one, numbers itself with the next
/// `txnNumber`, and gives it back; reusing sessions keeps the server's session table small.
/// Sessions unused for longer than the server's logicalSessionTimeoutMinutes less one minute are
/// dropped (the server may have forgotten them).
final class ServerSessionPool: Sendable {
    struct ServerSession: Sendable {
        let lsid: BSONDocument
        var txnNumber: Int64
        var lastUse: Deadline
    }

    private let sessions = Mutex<[ServerSession]>([])

    func acquire(timeoutMinutes: Int) -> ServerSession {
        let fresh = sessions.withLock { list -> ServerSession? in
            while var s = list.popLast() {
                if (s.lastUse + .seconds(max(timeoutMinutes - 1, 1) * 60)).hasPassed { continue }
                s.txnNumber += 1
                return s
            }
            return nil
        }
        if let fresh { return fresh }
        let lsid = (try? BSONDocument(["id": .binary(BSONBinary(uuid: UUID()))])) ?? BSONDocument()
        return ServerSession(lsid: lsid, txnNumber: 1, lastUse: .now())
    }

    func release(_ session: ServerSession) {
        var s = session
        s.lastUse = .now()
        sessions.withLock { $0.append(s) }
    }
}
