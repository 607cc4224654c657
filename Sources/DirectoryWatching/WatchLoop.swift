import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The watching thread's own state and loop: the inotify watches, the batch being gathered,
/// its timers. Nothing here is touched by another thread.
final class WatchLoop: @unchecked Sendable {
    private let root: String
    private let inotify: Int32
    private let wake: Int32
    private let options: DirectoryWatcher.Options
    private let watcher: DirectoryWatcher
    /// Folder of each watch descriptor.
    private var folders: [Int32: String] = [:]
    private var pending = DirectoryChangeBatch()
    private var firstEvent: ContinuousClock.Instant?
    private var lastEvent: ContinuousClock.Instant?
    private var nextRescan: ContinuousClock.Instant?
    private var rootMissing = false

    /// What each folder is watched for: the file events, and the folder's own end.
    private static let folderMask = UInt32(
        IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

    init(root: String, inotify: Int32, wake: Int32, options: DirectoryWatcher.Options, watcher: DirectoryWatcher) {
        self.root = root
        self.inotify = inotify
        self.wake = wake
        self.options = options
        self.watcher = watcher
    }

    /// Watches the folder and its subfolders; called once, before `run` starts on its thread.
    func arm() {
        armTree(root, reportFiles: false)
        scheduleRescan()
    }

    func run() {
        defer {
            close(inotify)
            close(wake)
            watcher.finish()
        }
        if rootMissing { watcher.deliver(DirectoryChangeBatch(needsRescan: true), maximumPaths: options.maximumPaths) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !watcher.isStopped {
            var descriptors = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            _ = poll(&descriptors, 2, timeoutMilliseconds())
            if descriptors[1].revents != 0 { break }
            if descriptors[0].revents != 0 { readEvents(into: &buffer) }
            if rootMissing, FileManager.default.fileExists(atPath: root) {
                rootMissing = false
                armTree(root, reportFiles: false)
                note(DirectoryChangeBatch(needsRescan: true))
            }
            deliverIfDue()
        }
    }

    /// How long `poll` may sleep: until the batch is due, the next rescan, or (while the
    /// folder is missing) the next look for it.
    private func timeoutMilliseconds() -> Int32 {
        let now = ContinuousClock.now
        var deadlines: [ContinuousClock.Instant] = []
        if let lastEvent, let firstEvent {
            deadlines.append(min(lastEvent + options.debounce, firstEvent + options.maximumDelay))
        }
        if let nextRescan { deadlines.append(nextRescan) }
        if rootMissing { deadlines.append(now + .seconds(1)) }
        guard let soonest = deadlines.min() else { return -1 }
        let wait = max(.zero, now.duration(to: soonest))
        let (seconds, attoseconds) = wait.components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
    }

    private func readEvents(into buffer: inout [UInt8]) {
        while true {
            let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
            guard count > 0 else { return }
            let events = buffer.withUnsafeBytes { InotifyEvent.parse(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            for event in events { handle(event) }
        }
    }

    private func handle(_ event: InotifyEvent) {
        if event.has(IN_Q_OVERFLOW) {
            note(DirectoryChangeBatch(needsRescan: true))
            return
        }
        guard let folder = folders[event.watch] else { return }
        if event.has(IN_IGNORED) || event.has(IN_DELETE_SELF) || event.has(IN_MOVE_SELF) {
            // The folder itself went away (or moved: its paths are no longer what we think).
            if event.has(IN_IGNORED) { forget(event.watch) }
            if folder == root { rootMissing = !FileManager.default.fileExists(atPath: root) }
            note(DirectoryChangeBatch(needsRescan: true))
            return
        }
        guard !event.name.isEmpty else { return }
        let path = folder + "/" + event.name
        if event.has(IN_ISDIR) {
            if event.has(IN_CREATE) || event.has(IN_MOVED_TO) {
                // Files may have been made in it before its watch existed: report them too.
                armTree(path, reportFiles: true)
            } else {
                note(DirectoryChangeBatch(needsRescan: true))
            }
            return
        }
        guard !options.ignoring(event.name) else { return }
        note(DirectoryChangeBatch(paths: [path]))
    }

    /// Watches `folder` and every folder under it; with `reportFiles`, the files found count
    /// as changed.
    private func armTree(_ folder: String, reportFiles: Bool) {
        var stack = [folder]
        var visited = 0
        while let next = stack.popLast() {
            visited += 1
            // A folder tree deeper or wider than the watch limit allows is the admin's to
            // fix; the periodic rescan still sees its files.
            guard visited <= 100_000 else { break }
            let watch = inotify_add_watch(inotify, next, Self.folderMask | (next == root ? 0 : UInt32(IN_DONT_FOLLOW)))
            if watch < 0 {
                if next == root { rootMissing = true }
                continue
            }
            folders[watch] = next
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: next) else { continue }
            for name in names.sorted() {
                let path = next + "/" + name
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
                if isFolder.boolValue {
                    if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) == nil { stack.append(path) }
                } else if reportFiles, !options.ignoring(name) {
                    note(DirectoryChangeBatch(paths: [path]))
                }
            }
        }
    }

    private func forget(_ watch: Int32) {
        folders[watch] = nil
    }

    private func note(_ batch: DirectoryChangeBatch) {
        pending.merge(batch)
        if pending.paths.count > options.maximumPaths { pending = DirectoryChangeBatch(needsRescan: true) }
        let now = ContinuousClock.now
        if firstEvent == nil { firstEvent = now }
        lastEvent = now
    }

    private func deliverIfDue() {
        let now = ContinuousClock.now
        if let nextRescan, now >= nextRescan {
            pending.needsRescan = true
            if firstEvent == nil { firstEvent = now }
            lastEvent = lastEvent ?? now - options.debounce
            scheduleRescan()
        }
        guard let firstEvent, let lastEvent else { return }
        guard now >= lastEvent + options.debounce || now >= firstEvent + options.maximumDelay else { return }
        let batch = pending
        pending = DirectoryChangeBatch()
        self.firstEvent = nil
        self.lastEvent = nil
        if !batch.isEmpty { watcher.deliver(batch, maximumPaths: options.maximumPaths) }
    }

    private func scheduleRescan() {
        nextRescan = options.rescanInterval.map { ContinuousClock.now + $0 }
    }
}
