#if canImport(Glibc)
import Glibc
#endif

extension Array where Element == UInt8 {
    /// Lets `fill` write up to `maxBytes` into scratch memory, then appends what it wrote (its
    /// return value; negative for an error, which appends nothing). Zero-filling the array's tail
    /// first would touch every byte twice, and growing it element by element is slow.
    ///
    /// The scratch memory is the calling thread's (`fill` is a synchronous system call, so nothing
    /// else can run on the thread meanwhile): allocating it per read cost a malloc and free — for
    /// reads over glibc's mmap threshold, an mmap, page faults on fresh pages and an munmap — on
    /// every call, even one that found nothing to read.
    mutating func appendReceived(maxBytes: Int, _ fill: (UnsafeMutableRawPointer) -> Int) -> Int {
        let scratch = ReceiveScratch.forCurrentThread(atLeast: Swift.max(maxBytes, 1))
        let n = fill(scratch)
        if n > 0 {
            append(contentsOf: UnsafeBufferPointer(start: scratch.assumingMemoryBound(to: UInt8.self), count: n))
        }
        return n
    }
}

/// One growable scratch buffer per thread, freed with the thread.
enum ReceiveScratch {
    private final class Storage {
        var pointer: UnsafeMutableRawPointer
        var capacity: Int
        init(capacity: Int) {
            self.capacity = capacity
            pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
        deinit { pointer.deallocate() }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        // The destructor releases the thread's Storage when the thread exits.
        pthread_key_create(&key) { raw in if let raw { Unmanaged<Storage>.fromOpaque(raw).release() } }
        return key
    }()

    static func forCurrentThread(atLeast size: Int) -> UnsafeMutableRawPointer {
        if let raw = pthread_getspecific(key) {
            let storage = Unmanaged<Storage>.fromOpaque(raw).takeUnretainedValue()
            if storage.capacity >= size { return storage.pointer }
            storage.pointer.deallocate()
            storage.pointer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            storage.capacity = size
            return storage.pointer
        }
        let storage = Storage(capacity: Swift.max(size, 64 * 1024))
        pthread_setspecific(key, Unmanaged.passRetained(storage).toOpaque())
        return storage.pointer
    }
}
