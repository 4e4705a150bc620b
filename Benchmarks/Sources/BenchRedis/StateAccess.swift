// `BenchRedis state-access`: what guarding a connection's shared state costs per command, an actor
// versus a Mutex, with 50 concurrent tasks each doing the two state touches a command makes (enqueue,
// then attach its continuation). It backs RedisConnection's choice of a Mutex (docs/redis.md).
import Synchronization
import Transport

actor ActorGuardedQueue {
    var queued = 0
    var attached = 0
    func enqueue() -> Int { queued += 1; return queued }
    func attach() { attached += 1 }
}

final class MutexGuardedQueue: Sendable {
    private let state = Mutex((queued: 0, attached: 0))
    func enqueue() -> Int { state.withLock { $0.queued += 1; return $0.queued } }
    func attach() { state.withLock { $0.attached += 1 } }
}

func measureStateAccess() async {
    for tasks in [1, 50] {
        await measureStateAccess(tasks: tasks, perTask: 1_000_000 / tasks)
    }
}

func measureStateAccess(tasks: Int, perTask: Int) async {
    let actorQueue = ActorGuardedQueue()
    var start = Deadline.now()
    await withTaskGroup(of: Void.self) { group in
        for _ in 0..<tasks {
            group.addTask {
                for _ in 0..<perTask {
                    _ = await actorQueue.enqueue()
                    await actorQueue.attach()
                }
            }
        }
    }
    let actorNanos = Double(Deadline.now().nanoseconds - start.nanoseconds) / Double(tasks * perTask)
    let mutexQueue = MutexGuardedQueue()
    start = Deadline.now()
    await withTaskGroup(of: Void.self) { group in
        for _ in 0..<tasks {
            group.addTask {
                for _ in 0..<perTask {
                    _ = mutexQueue.enqueue()
                    mutexQueue.attach()
                }
            }
        }
    }
    let mutexNanos = Double(Deadline.now().nanoseconds - start.nanoseconds) / Double(tasks * perTask)
    print("state access per command (enqueue + attach, \(tasks) tasks): actor \(Int(actorNanos)) ns, Mutex \(Int(mutexNanos)) ns")
}
