import RESP
import Transport

/// Who waits for a reply, and in what state.
enum ReplyWaiter {
    /// Enqueued, but the caller has not suspended yet (it attaches its continuation next).
    case notYetSuspended
    case suspended(UnsafeContinuation<RESPValue, Error>)
    /// Timed out, cancelled, or nobody ever waited (resubscriptions): the reply is read and dropped.
    /// The error is handed to the caller if it suspends after being abandoned; nil once handed over.
    case abandoned(RedisError?)
}

/// What a pending entry expects from the server.
enum ReplyShape: Equatable {
    /// `count` ordinary replies (1 for a command, N for an explicit pipeline, collected into an array).
    case replies(Int)
    /// Pub/sub (un)subscribe commands are answered by one confirmation per channel, as push frames in RESP3
    /// (`>3 subscribe ch 1`) or arrays in RESP2, not by an ordinary reply. `kind` is "subscribe",
    /// "psubscribe", "unsubscribe" or "punsubscribe".
    case confirmations(kind: String, count: Int)
}

struct PendingReply {
    var waiter: ReplyWaiter
    var shape: ReplyShape
    /// Replies collected so far for a pipeline (`.replies(n)`, n > 1).
    var collected: [RESPValue] = []
    var deadline: Deadline?
    /// Whether the entry took one of the connection's queue slots (internal commands do not).
    var holdsSlot: Bool

    var isAbandoned: Bool {
        if case .abandoned = waiter { return true }
        return false
    }
}

/// Replies awaited in the order the commands were written (RESP answers in order), with O(1) lookup by
/// id (ids are consecutive: the entry of id `i` sits at `i - baseID`) so a cancelled or timed-out caller
/// finds its entry without a search.
struct PendingReplies {
    private var entries: [PendingReply] = []
    private var head = 0
    /// Id of `entries[0]`.
    private var baseID: UInt64 = 1

    var count: Int { entries.count - head }
    var isEmpty: Bool { head == entries.count }
    /// Id the next appended entry gets.
    var nextID: UInt64 { baseID + UInt64(entries.count) }
    /// Id of the oldest entry still awaiting its reply.
    var headID: UInt64 { baseID + UInt64(head) }

    mutating func append(_ entry: PendingReply) -> UInt64 {
        let id = nextID
        entries.append(entry)
        return id
    }

    func contains(_ id: UInt64) -> Bool { id >= headID && id < nextID }

    subscript(id: UInt64) -> PendingReply {
        get { entries[Int(id - baseID)] }
        set { entries[Int(id - baseID)] = newValue }
    }

    /// Ordinary replies the oldest entry expects: 0 for (un)subscribe confirmations, nil if none is pending.
    /// (Reading one field, not copying the entry, keeps its `collected` array uniquely referenced.)
    var firstReplyCount: Int? {
        guard head < entries.count else { return nil }
        if case .replies(let count) = entries[head].shape { return count }
        return 0
    }

    mutating func withFirst<R>(_ body: (inout PendingReply) -> R) -> R? {
        guard head < entries.count else { return nil }
        return body(&entries[head])
    }

    mutating func removeFirst() -> (UInt64, PendingReply) {
        let id = headID
        let entry = entries[head]
        entries[head].collected = []
        entries[head].waiter = .abandoned(nil)
        head += 1
        if head == entries.count {
            baseID += UInt64(entries.count)
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= entries.count {
            entries.removeFirst(head)
            baseID += UInt64(head)
            head = 0
        }
        return (id, entry)
    }

    /// Visits every entry still pending, oldest first.
    mutating func forEach(_ body: (UInt64, inout PendingReply) -> Void) {
        var index = head
        while index < entries.count {
            body(baseID + UInt64(index), &entries[index])
            index += 1
        }
    }
}
