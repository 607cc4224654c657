import DurableFiles
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One child process that renders Markdown for `MarkdownWorkers`, over a Unix socket pair.
///
/// Used by one thread at a time (the pool hands it out). Every exchange has a deadline, checked
/// around every `poll`, `send` and `recv`; past it, the child is killed (`SIGKILL`: cmark's
/// parse cannot be interrupted any other way) and reaped, and this worker is discarded.
final class RenderWorker: @unchecked Sendable {
    private let pid: pid_t
    private let socket: Int32
    private var isClosed = false

    /// First bytes a worker writes once it is ready: it started, and it is a Herald worker.
    static let greeting: [UInt8] = Array("HRW1".utf8)

    /// Starts `executable` with `arguments` (the worker's command line), its fd 3 the socket,
    /// stdin and stdout `/dev/null`, stderr shared; waits up to `startTimeout` for its greeting.
    init(executable: String, arguments: [String], startTimeout: Duration) throws(MarkdownRenderingError) {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw .workerUnavailable("cannot create a socket pair: \(SystemError(errno))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pair[1], 3)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Default dispositions and an empty mask: an ignored SIGPIPE or a blocked signal of the
        // parent would otherwise be inherited.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) }
        let environment = Self.environment().map { strdup($0) }
        defer {
            argv.forEach { free($0) }
            environment.forEach { free($0) }
        }
        var child: pid_t = 0
        let spawned = (argv + [nil]).withUnsafeBufferPointer { arguments in
            (environment + [nil]).withUnsafeBufferPointer { environment in
                posix_spawn(&child, executable, &actions, &attributes, arguments.baseAddress!, environment.baseAddress!)
            }
        }
        close(pair[1])
        guard spawned == 0 else {
            close(pair[0])
            throw .workerUnavailable("cannot start \(executable): \(SystemError(spawned))")
        }
        pid = child
        socket = pair[0]
        _ = fcntl(socket, F_SETFL, O_NONBLOCK)
        var greeting = [UInt8](repeating: 0, count: Self.greeting.count)
        do throws(Failure) {
            try receive(into: &greeting, before: ContinuousClock.now + startTimeout)
        } catch {
            kill()
            throw .workerUnavailable("\(executable) did not start as a Markdown renderer (\(error.reason))")
        }
        guard greeting == Self.greeting else {
            kill()
            throw .workerUnavailable("\(executable) did not start as a Markdown renderer")
        }
    }

    deinit {
        // An idle worker reads end-of-file and exits.
        if !isClosed { _ = ending() }
    }

    /// Why an exchange failed; the worker is then dead and must be dropped.
    struct Failure: Error {
        enum Kind { case timedOut, stopped }
        var kind: Kind
        var reason: String
    }

    /// Sends `requests` (the child reads them all before it renders any), then reads a reply
    /// for each in turn, `budget` after the previous one (or after sending) at the latest: the
    /// child renders them one after the other. On a failure, the replies read so far and the
    /// failure, which concerns the request after them; the child is then dead.
    func exchange(_ requests: [WorkerMessage.Request], budget: Duration) -> (replies: [WorkerMessage.Reply], failure: Failure?) {
        var replies: [WorkerMessage.Reply] = []
        do throws(Failure) {
            var deadline = ContinuousClock.now + budget
            var batch: [UInt8] = []
            WorkerMessage.append(UInt32(requests.count), to: &batch)
            try send(batch, before: deadline)
            for request in requests {
                // A small request goes in one write; a large one's fields straight from the strings.
                if request.size < 64 * 1024 {
                    try send(request.bytes(), before: deadline)
                    continue
                }
                try send(request.header(), before: deadline)
                for var field in request.fields {
                    let failure: Failure? = field.withUTF8 { bytes in
                        do throws(Failure) {
                            try send(UnsafeRawBufferPointer(bytes), before: deadline)
                            return nil
                        } catch {
                            return error
                        }
                    }
                    if let failure { throw failure }
                }
            }
            for request in requests {
                deadline = ContinuousClock.now + budget
                var replyHeader = [UInt8](repeating: 0, count: WorkerMessage.Reply.headerSize)
                try receive(into: &replyHeader, before: deadline)
                let lengths = try WorkerMessage.Reply.lengths(in: replyHeader, limit: request.replyLimit)
                var fields: [String] = []
                for length in lengths.fields {
                    var failure: Failure?
                    let text = String(unsafeUninitializedCapacity: length) { buffer in
                        do throws(Failure) {
                            try receive(into: UnsafeMutableRawBufferPointer(buffer), before: deadline)
                            return length
                        } catch {
                            failure = error
                            return 0
                        }
                    }
                    if let failure { throw failure }
                    fields.append(text)
                }
                replies.append(try WorkerMessage.Reply(status: lengths.status, fields: fields))
            }
            return (replies, nil)
        } catch {
            kill()
            return (replies, error)
        }
    }

    /// Kills and reaps the child.
    func kill() {
        guard !isClosed else { return }
        _ = Glibc.kill(pid, SIGKILL)
        _ = ending()
    }

    /// Closes the socket and reaps the child; how it ended, for messages.
    private func ending() -> String {
        isClosed = true
        close(socket)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? "exit status \((status >> 8) & 0xFF)" : "signal \(signal)"
    }

    private func send(_ bytes: [UInt8], before deadline: ContinuousClock.Instant) throws(Failure) {
        let failure: Failure? = bytes.withUnsafeBytes { buffer in
            do throws(Failure) {
                try send(buffer, before: deadline)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    private func receive(into bytes: inout [UInt8], before deadline: ContinuousClock.Instant) throws(Failure) {
        let failure: Failure? = bytes.withUnsafeMutableBytes { buffer in
            do throws(Failure) {
                try receive(into: buffer, before: deadline)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    private func send(_ bytes: UnsafeRawBufferPointer, before deadline: ContinuousClock.Instant) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            try wait(for: Int16(POLLOUT), before: deadline)
            let sent = Glibc.send(socket, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Failure(kind: .stopped, reason: "the renderer stopped (\(ending()))")
            }
            offset += sent
        }
    }

    /// Bytes read ahead of what was asked (replies of small posts come several to a read).
    private var readAhead: [UInt8] = []
    private var readAheadStart = 0

    private func receive(into buffer: UnsafeMutableRawBufferPointer, before deadline: ContinuousClock.Instant) throws(Failure) {
        var offset = 0
        let buffered = min(readAhead.count - readAheadStart, buffer.count)
        if buffered > 0 {
            readAhead.withUnsafeBytes { ahead in
                buffer.baseAddress!.copyMemory(from: ahead.baseAddress! + readAheadStart, byteCount: buffered)
            }
            readAheadStart += buffered
            offset = buffered
        }
        // A small read is filled through the read-ahead buffer, a large one directly.
        if offset < buffer.count && buffer.count - offset < Self.readAheadSize {
            try fillReadAhead(before: deadline)
            try receive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]), before: deadline)
            return
        }
        while offset < buffer.count {
            try wait(for: Int16(POLLIN), before: deadline)
            let got = recv(socket, buffer.baseAddress! + offset, buffer.count - offset, 0)
            if got < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Failure(kind: .stopped, reason: "the renderer stopped (\(ending()))")
            }
            if got == 0 { throw Failure(kind: .stopped, reason: "the renderer stopped (\(ending()))") }
            offset += got
        }
    }

    static let readAheadSize = 64 * 1024

    /// Reads what is available (at least one byte) into the emptied read-ahead buffer.
    private func fillReadAhead(before deadline: ContinuousClock.Instant) throws(Failure) {
        readAhead = [UInt8](repeating: 0, count: Self.readAheadSize)
        readAheadStart = 0
        while true {
            try wait(for: Int16(POLLIN), before: deadline)
            let got = readAhead.withUnsafeMutableBytes { recv(socket, $0.baseAddress!, $0.count, 0) }
            if got < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                readAhead = []
                throw Failure(kind: .stopped, reason: "the renderer stopped (\(ending()))")
            }
            if got == 0 {
                readAhead = []
                throw Failure(kind: .stopped, reason: "the renderer stopped (\(ending()))")
            }
            readAhead.removeSubrange(got...)
            return
        }
    }

    /// Waits until the socket is ready for `events`, or throws once `deadline` has passed.
    private func wait(for events: Int16, before deadline: ContinuousClock.Instant) throws(Failure) {
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw Failure(kind: .timedOut, reason: "timed out") }
            let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw Failure(kind: .stopped, reason: "poll failed: \(SystemError(errno))") }
        }
    }

    /// `KEY=value` strings of this process's environment.
    private static func environment() -> [String] {
        ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
    }
}
