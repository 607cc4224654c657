import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The child side of `MarkdownWorkers`: a process that renders one post at a time with
/// `MarkdownRenderer`, reading requests from fd 3 and writing replies there, until the socket
/// closes. `main` calls `serveIfRequested` before anything else.
public enum MarkdownWorkerProcess {
    /// When the command line is `PROGRAM __markdown-worker --parent PID --memory-limit BYTES`,
    /// serves requests and exits; otherwise returns at once.
    public static func serveIfRequested(_ arguments: [String] = CommandLine.arguments) {
        guard arguments.count >= 2, arguments[1] == MarkdownWorkers.workerCommand else { return }
        var options: [String: String] = [:]
        var index = 2
        while index + 1 < arguments.count {
            options[arguments[index]] = arguments[index + 1]
            index += 2
        }
        guard let parent = options["--parent"].flatMap(Int32.init), let limit = options["--memory-limit"].flatMap(Int.init) else {
            FileHandle.standardError.write(Data("\(MarkdownWorkers.workerCommand): needs --parent PID --memory-limit BYTES\n".utf8))
            exit(2)
        }
        exit(serve(socket: 3, parent: parent, memoryLimit: limit))
    }

    /// Requests larger than this are refused (the posts' own size limit is far lower).
    static let requestLimit = 1 << 30

    static func serve(socket: Int32, parent: pid_t, memoryLimit: Int) -> Int32 {
        // No core files from a renderer killed at its budget or out of memory; a bounded heap.
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none)
        var data = rlimit(rlim_cur: rlim_t(memoryLimit), rlim_max: rlim_t(memoryLimit))
        setrlimit(__rlimit_resource_t(RLIMIT_DATA.rawValue), &data)
        // Herald gone (killed, crashed) while this renderer is deep in a slow parse: the socket
        // cannot tell, so watch the parent and leave with it.
        let watchdog = Thread {
            while getppid() == parent { sleep(1) }
            _exit(0)
        }
        watchdog.start()
        guard getppid() == parent else { return 0 }

        let renderer = MarkdownRenderer()
        guard write(socket, RenderWorker.greeting) else { return 1 }
        var input = Reader(socket: socket)
        while true {
            guard let countBytes = input.bytes(4) else { return 0 }
            let count = Int(countBytes.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            guard count <= WorkerMessage.batchLimit else { return 2 }
            // The whole batch first: Herald sends it all before it reads a reply.
            var sources: [MarkdownSource] = []
            for _ in 0..<count {
                guard let header = input.bytes(WorkerMessage.headerSize),
                    let (flags, lengths) = WorkerMessage.Request.parseHeader(header, limit: requestLimit)
                else { return 2 }
                var fields: [String] = []
                for length in lengths {
                    guard let field = input.string(length) else { return 2 }
                    fields.append(field)
                }
                sources.append(WorkerMessage.Request.source(flags: flags, fields: fields))
            }
            for index in sources.indices {
                let source = sources[index]
                sources[index] = MarkdownSource("")  // a large post is not kept once rendered
                let result: Result<RenderedMarkdown, MarkdownRenderingError>
                do throws(MarkdownRenderingError) {
                    result = .success(try renderer.render(source))
                } catch {
                    result = .failure(error)
                }
                let reply = WorkerMessage.Reply(result)
                let size = reply.fields.reduce(WorkerMessage.headerSize) { $0 + $1.utf8.count }
                if size < 64 * 1024 {
                    var bytes = reply.header()
                    for field in reply.fields { bytes.append(contentsOf: field.utf8) }
                    guard write(socket, bytes) else { return 0 }
                    continue
                }
                guard write(socket, reply.header()) else { return 0 }
                for var field in reply.fields {
                    let sent = field.withUTF8 { write(socket, UnsafeRawBufferPointer($0)) }
                    guard sent else { return 0 }
                }
            }
        }
    }

    /// Blocking reads from the socket through a read-ahead buffer (a batch of small posts
    /// arrives in a few reads).
    struct Reader {
        let socket: Int32
        private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        private var start = 0
        private var end = 0

        init(socket: Int32) {
            self.socket = socket
        }

        /// Exactly `count` bytes, or `nil` at the end of the stream or on an error.
        mutating func bytes(_ count: Int) -> [UInt8]? {
            var complete = false
            let bytes = [UInt8](unsafeUninitializedCapacity: count) { target, initialized in
                complete = fill(UnsafeMutableRawBufferPointer(target))
                initialized = complete ? count : 0
            }
            return complete ? bytes : nil
        }

        /// `count` bytes of UTF-8 read straight into a string's storage (a large post is not held twice).
        mutating func string(_ count: Int) -> String? {
            var complete = true
            let text = String(unsafeUninitializedCapacity: count) { target in
                complete = fill(UnsafeMutableRawBufferPointer(target))
                return complete ? count : 0
            }
            return complete ? text : nil
        }

        private mutating func fill(_ target: UnsafeMutableRawBufferPointer) -> Bool {
            var offset = 0
            while offset < target.count {
                if start < end {
                    let count = min(end - start, target.count - offset)
                    buffer.withUnsafeBytes { target.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress! + start, byteCount: count) }
                    start += count
                    offset += count
                    continue
                }
                if target.count - offset >= buffer.count {
                    guard MarkdownWorkerProcess.read(socket, into: UnsafeMutableRawBufferPointer(rebasing: target[offset...])) else {
                        return false
                    }
                    return true
                }
                let got = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress!, $0.count, 0) }
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { return false }
                start = 0
                end = got
            }
            return true
        }
    }

    /// Fills `buffer`; `false` at the end of the stream or on an error.
    static func read(_ socket: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let got = recv(socket, buffer.baseAddress! + offset, buffer.count - offset, 0)
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { return false }
            offset += got
        }
        return true
    }

    private static func write(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { write(socket, $0) }
    }

    private static func write(_ socket: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = send(socket, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent < 0 && errno == EINTR { continue }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }
}
