import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A `herald` process running in the background (to be killed, or run beside another).
final class RunningHerald {
    let process = Process()
    private let stdoutURL: URL
    private let stderrURL: URL

    init(arguments: [String], in folder: TemporaryDirectory, environment: [String: String] = [:]) throws {
        let name = UUID().uuidString
        stdoutURL = folder.url.appendingPathComponent("\(name).out")
        stderrURL = folder.url.appendingPathComponent("\(name).err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: Repository.heraldBinary)
        process.arguments = arguments
        process.currentDirectoryURL = folder.url
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// SIGKILL, and waits until the process is gone; whether the signal ended it.
    @discardableResult
    func kill() -> Bool {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
    }

    /// Sends `signal` (SIGHUP, SIGTERM…).
    func signal(_ signal: Int32) {
        Glibc.kill(process.processIdentifier, signal)
    }

    /// Waits for the exit (at most `timeout` seconds, then SIGKILL); the exit status.
    func wait(timeout: Double = 120) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
}
