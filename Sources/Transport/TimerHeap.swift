/// A binary min-heap of timers keyed by deadline, with lazy deletion.
///
/// Cancelled timers stay in the heap until popped or until they outnumber live ones, when the
/// heap is rebuilt: a busy connection arms and cancels a read deadline per wait, and memory must
/// stay proportional to the timers that are still live.
struct TimerHeap {
    struct Entry {
        let deadline: Deadline
        let id: UInt64
    }

    private var heap: [Entry] = []
    private(set) var live: [UInt64: @Sendable () -> Void] = [:]
    private var nextID: UInt64 = 1

    var earliest: Deadline? {
        mutating get {
            dropCancelledTop()
            return heap.first?.deadline
        }
    }

    mutating func schedule(_ deadline: Deadline, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        let id = nextID
        nextID += 1
        live[id] = action
        push(Entry(deadline: deadline, id: id))
        return id
    }

    mutating func cancel(_ id: UInt64) {
        guard live.removeValue(forKey: id) != nil else { return }
        if heap.count > 2 * live.count + 1024 {
            heap = heap.filter { live[$0.id] != nil }
            heapify()
        }
    }

    /// Removes and returns the actions of every live timer due at `now`.
    mutating func popDue(_ now: Deadline) -> [@Sendable () -> Void] {
        var due: [@Sendable () -> Void] = []
        while let top = heap.first, top.deadline <= now {
            popTop()
            if let action = live.removeValue(forKey: top.id) { due.append(action) }
        }
        return due
    }

    private mutating func dropCancelledTop() {
        while let top = heap.first, live[top.id] == nil { popTop() }
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if heap[child].deadline < heap[parent].deadline {
                heap.swapAt(child, parent)
                child = parent
            } else { break }
        }
    }

    private mutating func popTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count && heap[right].deadline < heap[smallest].deadline { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    private mutating func heapify() {
        guard heap.count > 1 else { return }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
    }
}
