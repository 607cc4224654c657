import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Python test server (`Tests/Support/*.py`) in a child process: started with its
/// arguments, ready once it printed `READY <port>`, its stderr kept in a file. Shared by
/// `SMTPTestServer` and `ScriptedSMTPServer`.
final class ServerProcess: Sendable {
    let port: Int
    private let stderrPath: String
    private let child: Child

    /// Runs `Repository.python` with `arguments` (the script first) and waits up to `timeout`
    /// seconds for its READY line.
    init(arguments: [String], stderrPath: String, timeout: Double) throws(SMTPTestServer.LaunchError) {
        func readStderr() -> String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.python)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        let stdout = Pipe()
        process.standardOutput = stdout
        let ready = ReadyLine()
        // Reads the READY line, then keeps draining stdout until the server exits.
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            ready.append(data)
        }
        do {
            try process.run()
        } catch {
            stdout.fileHandleForReading.readabilityHandler = nil
            throw SMTPTestServer.LaunchError(message: "cannot start \(Repository.python): \(error)", stderr: "")
        }
        let child = Child(process: process, stdout: stdout)

        let line = ready.wait(timeout: timeout)
        guard let line, line.hasPrefix("READY "), let port = Int(line.dropFirst(6)) else {
            let exited = ready.ended
            child.stop()
            let message =
                if let line { "unexpected first line \(line.debugDescription)" }
                else if exited { "the server exited with status \(child.terminationStatus) before READY" }
                else { "no READY line within \(timeout) s" }
            throw SMTPTestServer.LaunchError(message: message, stderr: readStderr())
        }
        self.port = port
        self.stderrPath = stderrPath
        self.child = child
    }

    /// SIGTERM, then waits for the exit (SIGKILL after 5 s). Idempotent.
    func stop() {
        child.stop()
    }

    /// What the server wrote on stderr.
    func stderr() -> String {
        (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    }

    /// The objects of a JSON-lines event log, in order; a last line still being written is
    /// left out.
    static func events(inLog path: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var objects: [[String: Any]] = []
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        lines.removeLast()
        for line in lines where !line.isEmpty {
            if let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] {
                objects.append(object)
            }
        }
        return objects
    }
}

/// The child process and its stdout pipe, behind a lock.
private final class Child: @unchecked Sendable {
    private let lock = NSLock()
    private let process: Process
    private let stdout: Pipe
    private var stopped = false

    init(process: Process, stdout: Pipe) {
        self.process = process
        self.stdout = stdout
    }

    /// The exit status (or signal number), once stopped.
    var terminationStatus: Int32 {
        lock.lock()
        defer { lock.unlock() }
        return process.isRunning ? -1 : process.terminationStatus
    }

    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        stdout.fileHandleForReading.readabilityHandler = nil
        try? stdout.fileHandleForReading.close()
    }
}

/// Collects the child's stdout until its first line.
private final class ReadyLine: @unchecked Sendable {
    private let condition = NSCondition()
    private var buffer = Data()
    private var line: String?
    private var _ended = false

    /// Whether stdout reached its end (the child exited or closed it).
    var ended: Bool {
        condition.lock()
        defer { condition.unlock() }
        return _ended
    }

    func append(_ data: Data) {
        condition.lock()
        defer { condition.unlock() }
        if data.isEmpty { _ended = true }
        if line == nil {
            buffer.append(data)
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer = Data()
            }
        }
        condition.broadcast()
    }

    /// The first line, or nil when stdout ended or `timeout` passed without one.
    func wait(timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while line == nil && !_ended {
            if !condition.wait(until: deadline) { break }
        }
        return line
    }
}
