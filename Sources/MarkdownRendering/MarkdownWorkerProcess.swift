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
        while true {
            guard let header = read(socket, count: WorkerMessage.headerSize) else { return 0 }
            guard let (flags, lengths) = WorkerMessage.Request.parseHeader(header, limit: requestLimit) else { return 2 }
            var fields: [String] = []
            for length in lengths {
                // Straight into the string's storage: a large post is not held twice.
                var complete = true
                let field = String(unsafeUninitializedCapacity: length) { buffer in
                    complete = read(socket, into: UnsafeMutableRawBufferPointer(buffer))
                    return complete ? length : 0
                }
                guard complete else { return 2 }
                fields.append(field)
            }
            let source = WorkerMessage.Request.source(flags: flags, fields: fields)
            fields = []
            let result: Result<RenderedMarkdown, MarkdownRenderingError>
            do throws(MarkdownRenderingError) {
                result = .success(try renderer.render(source))
            } catch {
                result = .failure(error)
            }
            let reply = WorkerMessage.Reply(result)
            guard write(socket, reply.header()) else { return 0 }
            for var field in reply.fields {
                let sent = field.withUTF8 { write(socket, UnsafeRawBufferPointer($0)) }
                guard sent else { return 0 }
            }
        }
    }

    /// Exactly `count` bytes, or `nil` at the end of the stream or on an error.
    private static func read(_ socket: Int32, count: Int) -> [UInt8]? {
        var complete = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            complete = read(socket, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = complete ? count : 0
        }
        return complete ? bytes : nil
    }

    /// Fills `buffer`; `false` at the end of the stream or on an error.
    private static func read(_ socket: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
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
