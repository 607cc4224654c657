import DurableFiles
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Watches a folder and everything under it with inotify, on a thread of its own, and hands
/// out debounced batches of changed paths as an `AsyncSequence`.
///
/// New subfolders are watched as they appear (and the files already in them reported); an
/// overflow of the kernel's queue, a lost watch or a moved folder asks for a rescan; the
/// folder itself removed and created again is watched again; a periodic rescan is the safety
/// net for anything inotify cannot see (a network file system, say). Names the options say to
/// ignore (editors' temporary files) are left out. Memory is bounded: past `maximumPaths` pending paths, a batch becomes a rescan.
public final class DirectoryWatcher: Sendable {
    /// How the watcher batches and checks.
    public struct Options: Sendable {
        /// A batch is handed out once no event came for this long…
        public var debounce: Duration
        /// …or once its first event is this old, however busy the folder.
        public var maximumDelay: Duration
        /// Every so often, a batch that asks for a rescan even without events; `nil`: never.
        public var rescanInterval: Duration?
        /// Past this many pending paths, the batch asks for a rescan instead of listing them.
        public var maximumPaths: Int
        /// File names whose changes are not reported (editors' temporary files, say).
        public var ignoring: @Sendable (_ name: String) -> Bool

        public init(
            debounce: Duration = .milliseconds(200), maximumDelay: Duration = .seconds(2), rescanInterval: Duration? = .seconds(300),
            maximumPaths: Int = 10_000, ignoring: @escaping @Sendable (_ name: String) -> Bool = { _ in false }
        ) {
            self.debounce = debounce
            self.maximumDelay = max(debounce, maximumDelay)
            self.rescanInterval = rescanInterval
            self.maximumPaths = max(1, maximumPaths)
            self.ignoring = ignoring
        }
    }

    /// The folder watched, as an absolute path without a trailing slash.
    public let root: String
    private let state = Mutex(Shared())
    private let doorbell: AsyncStream<Void>.Continuation
    private let bell: AsyncStream<Void>
    private let wakeDescriptor: Int32

    private struct Shared {
        var ready = DirectoryChangeBatch()
        var stopped = false
        var taken = false
    }

    /// Starts watching `root` (which may not exist yet: it is watched once it does).
    public init(root: String, options: Options = Options()) throws(DirectoryWatcherError) {
        let absolute = URL(fileURLWithPath: root).standardizedFileURL.path
        self.root = absolute.count > 1 && absolute.hasSuffix("/") ? String(absolute.dropLast()) : absolute
        let inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard inotify >= 0 else { throw .cannotWatch(root, SystemError(errno)) }
        // A pipe wakes the thread's poll when `stop()` is called.
        var wake: [Int32] = [-1, -1]
        guard pipe(&wake) == 0 else {
            let error = SystemError(errno)
            close(inotify)
            throw .cannotWatch(root, error)
        }
        for end in wake {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        wakeDescriptor = wake[1]
        (bell, doorbell) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let loop = WatchLoop(root: self.root, inotify: inotify, wake: wake[0], options: options, watcher: self)
        // Armed before `init` returns: a file written right after is seen.
        loop.arm()
        let thread = Thread { loop.run() }
        thread.name = "herald-watch"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// The batches, in order; ends after `stop()`. One consumer at a time.
    public var changes: DirectoryChanges { DirectoryChanges(watcher: self, bell: bell) }

    /// Stops watching; the sequence of changes ends after the batch already waiting, if any.
    /// Idempotent. The watching thread holds the watcher until then: call it when done.
    public func stop() {
        let first = state.withLock { state in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        var one: UInt8 = 1
        _ = write(wakeDescriptor, &one, 1)
    }

    // The thread holds the watcher until it ends: no `stop()` can come after this.
    deinit { close(wakeDescriptor) }

    /// Called by the loop's thread: adds `batch` to what the consumer will take next.
    func deliver(_ batch: DirectoryChangeBatch, maximumPaths: Int) {
        state.withLock { state in
            state.ready.merge(batch)
            if state.ready.paths.count > maximumPaths {
                state.ready = DirectoryChangeBatch(needsRescan: true)
            }
        }
        doorbell.yield()
    }

    /// Called by the loop's thread as it ends.
    func finish() { doorbell.finish() }

    var isStopped: Bool { state.withLock { $0.stopped } }

    /// The batch waiting, if any, emptied.
    func take() -> DirectoryChangeBatch? {
        state.withLock { state in
            guard !state.ready.isEmpty else { return nil }
            defer { state.ready = DirectoryChangeBatch() }
            return state.ready
        }
    }
}

/// The batches a `DirectoryWatcher` hands out.
public struct DirectoryChanges: AsyncSequence, Sendable {
    public typealias Element = DirectoryChangeBatch
    let watcher: DirectoryWatcher
    let bell: AsyncStream<Void>

    public struct AsyncIterator: AsyncIteratorProtocol {
        let watcher: DirectoryWatcher
        var bell: AsyncStream<Void>.Iterator

        public mutating func next() async -> DirectoryChangeBatch? {
            while true {
                if let batch = watcher.take() { return batch }
                if await bell.next() == nil { return watcher.take() }
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(watcher: watcher, bell: bell.makeAsyncIterator())
    }
}

/// The folder cannot be watched.
public enum DirectoryWatcherError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotWatch(String, SystemError)

    public var description: String {
        switch self {
        case .cannotWatch(let path, let error):
            return "cannot watch \(path): \(error); check fs.inotify.max_user_instances and max_user_watches"
        }
    }
}
