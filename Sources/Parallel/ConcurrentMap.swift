import Dispatch
import Synchronization

extension RandomAccessCollection where Index == Int {
    /// `map`, spread over Dispatch's worker threads (one chunk per core), keeping the order.
    ///
    /// For synchronous CPU-bound work (parsing, rendering) outside Swift concurrency: the
    /// closure runs on Dispatch threads, never on the cooperative pool, and this call blocks
    /// its caller until every element is done.
    public func concurrentMap<Result: Sendable>(
        _ transform: @Sendable (Element) -> Result
    ) -> [Result] where Element: Sendable, Self: Sendable {
        let total = count
        guard total > 1 else { return map(transform) }
        let slots = ResultSlots<Result>(count: total)
        let chunks = Swift.min(total, OnlineCores.count * 4)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let lower = startIndex + total * chunk / chunks
            let upper = startIndex + total * (chunk + 1) / chunks
            for index in lower..<upper {
                slots.store(transform(self[index]), at: index - startIndex)
            }
        }
        return slots.collect()
    }
}

/// Write-once storage for `concurrentMap`: each index is written by exactly one thread, and
/// read only after `concurrentPerform` has returned (which orders those writes before it).
private final class ResultSlots<Value>: @unchecked Sendable {
    private let buffer: UnsafeMutablePointer<Value?>
    private let count: Int

    init(count: Int) {
        self.count = count
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil, count: count)
    }

    func store(_ value: Value, at index: Int) { buffer[index] = value }

    func collect() -> [Value] { (0..<count).map { buffer[$0]! } }

    deinit {
        buffer.deinitialize(count: count)
        buffer.deallocate()
    }
}

/// Cores online, read once (not Foundation's `ProcessInfo`: this module needs only Dispatch).
private enum OnlineCores {
    static let count: Int = {
        #if canImport(Glibc)
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 4
        #endif
    }()
}

#if canImport(Glibc)
import Glibc
#endif

extension RandomAccessCollection where Index == Int {
    /// `map` for blocking work (file writes, `fsync`): `width` threads, each taking the next
    /// element until none is left, so that one slow disk flush does not hold up the others.
    /// Runs on threads of its own (an overcommitting Dispatch queue), never on the cooperative
    /// pool, and blocks its caller until every element is done.
    public func blockingConcurrentMap<Result: Sendable>(
        width: Int, _ transform: @escaping @Sendable (Element) -> Result
    ) -> [Result] where Element: Sendable, Self: Sendable {
        let total = count
        guard total > 1, width > 1 else { return map(transform) }
        let slots = ResultSlots<Result>(count: total)
        let next = NextIndex()
        let queue = DispatchQueue(label: "herald.blocking-io", attributes: .concurrent)
        let group = DispatchGroup()
        for _ in 0..<Swift.min(width, total) {
            queue.async(group: group) {
                while let offset = next.take(below: total) {
                    slots.store(transform(self[startIndex + offset]), at: offset)
                }
            }
        }
        group.wait()
        return slots.collect()
    }
}

/// A shared counter handing out each index once.
private final class NextIndex: Sendable {
    private let value = Mutex(0)

    func take(below limit: Int) -> Int? {
        value.withLock { value in
            guard value < limit else { return nil }
            value += 1
            return value - 1
        }
    }
}
