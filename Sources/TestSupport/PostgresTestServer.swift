import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A throw-away PostgreSQL cluster for tests: Debian's `postgresql` package (the highest
/// `/usr/lib/postgresql/*/bin`), initialised in a fresh folder under `/tmp` and listening on
/// 127.0.0.1 and a free port, with trust authentication for the superuser `herald` (any password,
/// or none, is accepted; the role's password is also set to "herald").
///
/// ```swift
/// let server = try PostgresTestServer.sharedServer()
/// let url = try server.makeDatabase()      // postgres://herald@127.0.0.1:PORT/herald_test_…
/// // … point Herald at url …
/// let rows = try server.psql(url, "SELECT count(*) FROM deliveries")
/// ```
///
/// ``shared`` is started once per test process and shared by every test; each test makes its own
/// database. A test that stops or restarts the server makes its own instance (see ``restart()``).
///
/// Run as root (tests and CI), `initdb`, `pg_ctl` and the server run as the `postgres` system
/// user through `runuser -u postgres --`, and the cluster's folder belongs to `postgres`.
///
/// The server never outlives the test process: a `/bin/sh` watchdog, in its own session, checks
/// every second that the process is still there and, once it is gone (even after SIGKILL), stops
/// the server (`pg_ctl stop -m immediate`) and removes the folder. ``stop()`` does the same at once.
public final class PostgresTestServer: Sendable {
    /// The superuser every URL connects as.
    public static let user = "herald"
    /// The superuser's password; trust authentication accepts any, or none.
    public static let password = "herald"

    /// The TCP port on 127.0.0.1; the same across ``restart()``.
    public let port: Int
    /// Whether the server runs with PostgreSQL's default durability (`init(durable: true)`, for
    /// benchmarks) rather than with `fsync`, `synchronous_commit` and `full_page_writes` off.
    public let durable: Bool
    private let cluster: Cluster
    private let watchdog: pid_t
    private let state = Mutex(State())

    private struct State {
        var running = true
        var removed = false
    }

    /// The folder of the PostgreSQL programs (`psql`, `pg_ctl`, `pg_dump`, …).
    public var binFolder: String { cluster.bin }
    /// The cluster's data folder (`initdb -D`).
    public var dataFolder: String { cluster.data }
    /// The server's log (`pg_ctl -l`).
    public var logPath: String { cluster.log }

    /// Whether PostgreSQL's programs are installed (Debian: `apt-get install postgresql`).
    public static var isInstalled: Bool { Cluster.findBinFolder() != nil }

    private static let sharedResult = Result { () throws(PostgresTestServerError) in try PostgresTestServer() }

    /// The test process's server, started on first use (thread-safe). Stops the test process with
    /// `fatalError` when the server cannot start; ``sharedServer()`` throws instead.
    public static var shared: PostgresTestServer {
        switch sharedResult {
        case .success(let server): server
        case .failure(let error): fatalError("\(error)")
        }
    }

    /// ``shared``, or the error that kept it from starting (the same error on every call).
    public static func sharedServer() throws(PostgresTestServerError) -> PostgresTestServer {
        try sharedResult.get()
    }

    /// Runs `initdb` in a new folder under `/tmp`, starts the server on a free port and waits (up
    /// to `timeout` seconds for each step) until it accepts TCP connections. `durable: false`
    /// turns `fsync`, `synchronous_commit` and `full_page_writes` off.
    public init(durable: Bool = false, timeout: Double = 30) throws(PostgresTestServerError) {
        let cluster = try Cluster.create()
        let watchdog: pid_t
        do {
            watchdog = try cluster.startWatchdog()
        } catch {
            cluster.teardown(fast: false)
            throw error
        }
        let port: Int
        do throws(PostgresTestServerError) {
            let initdb = try cluster.runAsOwner(
                cluster.bin + "/initdb",
                ["-D", cluster.data, "-A", "trust", "-U", Self.user, "--encoding=UTF8", "--locale=C", "--no-sync"],
                timeout: timeout * 2)
            guard initdb.status == 0 else {
                throw PostgresTestServerError(message: "initdb failed (\(initdb.status))", stderr: initdb.stderr + initdb.stdout)
            }
            var settings = [
                "listen_addresses = '127.0.0.1'", "unix_socket_directories = '\(cluster.root)'", "max_connections = 200",
            ]
            if !durable { settings += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"] }
            try cluster.appendSettings(settings)
            // The port is free when picked, but another process could bind it first: pick again.
            var picked = 0
            for attempt in 1...3 {
                picked = freeLoopbackPort()
                try cluster.appendSettings(["port = \(picked)"])
                do throws(PostgresTestServerError) {
                    try cluster.start(port: picked, timeout: timeout)
                    break
                } catch where attempt < 3 && cluster.logText().contains("could not bind") {
                    continue
                }
            }
            port = picked
            let result = try cluster.psql(
                port: picked, database: "postgres", "ALTER ROLE \(Self.user) PASSWORD '\(Self.password)'", timeout: timeout)
            guard result.status == 0 else {
                throw PostgresTestServerError(message: "ALTER ROLE failed (\(result.status))", stderr: result.stderr)
            }
        } catch {
            cluster.teardown(fast: false)
            Cluster.end(watchdog: watchdog)
            throw error
        }
        self.port = port
        self.watchdog = watchdog
        self.durable = durable
        self.cluster = cluster
    }

    deinit {
        stop()
    }

    /// `postgres://herald@127.0.0.1:PORT/DATABASE`.
    public func url(database: String) -> String {
        "postgres://\(Self.user)@127.0.0.1:\(port)/\(database)"
    }

    /// Creates an empty database with a unique name (`herald_test_` and a UUID's 32 hex digits)
    /// and returns its URL (``url(database:)``). Nothing drops it but ``dropDatabase(_:)`` or
    /// ``stop()``.
    public func makeDatabase() throws(PostgresTestServerError) -> String {
        let name = "herald_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        _ = try psql("postgres", "CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// Drops a database (a name or a URL), closing its connections (`WITH (FORCE)`); nothing
    /// happens when it does not exist.
    public func dropDatabase(_ database: String) throws(PostgresTestServerError) {
        let name = database.split(separator: "/").last.map(String.init) ?? database
        _ = try psql("postgres", "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
    }

    /// Runs `sql` with `psql -tAqX -v ON_ERROR_STOP=1 -c` on `database` (a name, or a URL such as
    /// ``makeDatabase()`` returns) and returns what it printed: one line per row, columns separated
    /// by `|`, no headers. Several statements may be separated by `;` (each one's rows are
    /// printed). Throws, with psql's stderr, when psql fails or takes longer than `timeout` seconds.
    @discardableResult
    public func psql(_ database: String, _ sql: String, timeout: Double = 60) throws(PostgresTestServerError) -> String {
        let result = try cluster.psql(port: port, database: database, sql, timeout: timeout)
        guard result.status == 0 else {
            throw PostgresTestServerError(message: "psql failed (\(result.status)) on \(sql.debugDescription)", stderr: result.stderr)
        }
        return result.stdout
    }

    /// Stops the server (`pg_ctl stop -m fast`: connections are closed, the data stays), for tests
    /// of Herald facing a server that went away. Does nothing when it is already stopped. Stopping
    /// ``shared`` would break every other test running at the same time: make an instance.
    public func stopServer(timeout: Double = 30) throws(PostgresTestServerError) {
        try state.withLock { (state) throws(PostgresTestServerError) in
            guard state.running, !state.removed else { return }
            try cluster.stop(mode: "fast", timeout: timeout)
            state.running = false
        }
    }

    /// Starts the server again after ``stopServer(timeout:)``, with the same data and port, and waits
    /// until it accepts connections. Does nothing when it is running; throws after ``stop()``.
    public func startServer(timeout: Double = 30) throws(PostgresTestServerError) {
        try state.withLock { (state) throws(PostgresTestServerError) in
            guard !state.removed else { throw PostgresTestServerError(message: "the server was removed by stop()", stderr: "") }
            guard !state.running else { return }
            try cluster.start(port: port, timeout: timeout)
            state.running = true
        }
    }

    /// ``stopServer(timeout:)`` then ``startServer(timeout:)``: a PostgreSQL restart under Herald's
    /// feet, same data, same port.
    public func restart(timeout: Double = 30) throws(PostgresTestServerError) {
        try stopServer(timeout: timeout)
        try startServer(timeout: timeout)
    }

    /// Stops the server at once (`-m fast`, then `-m immediate`, then SIGKILL) and removes its
    /// folder, data and log included, then ends the watchdog. Idempotent.
    public func stop() {
        state.withLock { state in
            guard !state.removed else { return }
            state.removed = true
            state.running = false
            cluster.teardown(fast: true)
            Cluster.end(watchdog: watchdog)
        }
    }

    /// What the server wrote to its log (errors, `FATAL` lines of refused connections).
    public func log() -> String {
        cluster.logText()
    }
}

/// Why the PostgreSQL test server could not do what was asked, with the failing program's stderr
/// (and, for a failed start, the server's log).
public struct PostgresTestServerError: Error, CustomStringConvertible {
    public var message: String
    public var stderr: String
    public var description: String { "PostgreSQL test server: \(message)\n\(stderr)" }
}

/// The cluster's folders and the user its programs run as; runs them.
private struct Cluster: Sendable {
    /// Where the PostgreSQL programs are.
    let bin: String
    /// The folder holding everything (`/tmp/herald-pg-…`), the server's Unix socket too.
    let root: String
    let data: String
    let log: String
    /// "postgres" when the test process runs as root (initdb and postgres refuse to), else nil.
    let owner: String?

    /// The highest `/usr/lib/postgresql/VERSION/bin` that has `initdb`.
    static func findBinFolder() -> String? {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [])
            .filter { FileManager.default.isExecutableFile(atPath: "\(base)/\($0)/bin/initdb") }
            .sorted { Double($0) ?? 0 < Double($1) ?? 0 }
        return versions.last.map { "\(base)/\($0)/bin" }
    }

    /// Makes the folder (mode 0755, under `/tmp`, which every user can traverse), owned by
    /// `postgres` when running as root.
    static func create() throws(PostgresTestServerError) -> Cluster {
        guard let bin = findBinFolder() else {
            throw PostgresTestServerError(
                message: "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql",
                stderr: "")
        }
        // Short: the socket path (root + "/.s.PGSQL.PORT") must fit in 107 bytes.
        let root = "/tmp/herald-pg-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        guard mkdir(root, 0o755) == 0, chmod(root, 0o755) == 0 else {
            throw PostgresTestServerError(message: "cannot create \(root): \(String(cString: strerror(errno)))", stderr: "")
        }
        var owner: String?
        if geteuid() == 0 {
            guard let entry = getpwnam("postgres") else {
                rmdir(root)
                throw PostgresTestServerError(
                    message: "running as root, but there is no postgres user to run PostgreSQL as (apt-get install -y postgresql)",
                    stderr: "")
            }
            guard chown(root, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
                let reason = String(cString: strerror(errno))
                rmdir(root)
                throw PostgresTestServerError(message: "cannot chown \(root) to postgres: \(reason)", stderr: "")
            }
            owner = "postgres"
        }
        return Cluster(bin: bin, root: root, data: root + "/data", log: root + "/postgres.log", owner: owner)
    }

    /// Appends lines to `postgresql.conf` (a later line overrides an earlier one).
    func appendSettings(_ lines: [String]) throws(PostgresTestServerError) {
        let path = data + "/postgresql.conf"
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(("\n" + lines.joined(separator: "\n") + "\n").utf8))
        } catch {
            throw PostgresTestServerError(message: "cannot write \(path): \(error)", stderr: "")
        }
    }

    /// `pg_ctl start` (which puts the server in its own session), then waits until it accepts TCP
    /// connections on 127.0.0.1.
    func start(port: Int, timeout: Double) throws(PostgresTestServerError) {
        let deadline = Date().addingTimeInterval(timeout)
        let started = try runAsOwner(
            bin + "/pg_ctl", ["-D", data, "-l", log, "-w", "-t", String(Int(timeout.rounded(.up))), "start"], timeout: timeout + 5)
        guard started.status == 0 else {
            throw PostgresTestServerError(
                message: "pg_ctl start failed (\(started.status))", stderr: started.stderr + started.stdout + "\n--- log:\n" + logText())
        }
        while true {
            let ready = try run(
                bin + "/pg_isready", ["-h", "127.0.0.1", "-p", String(port), "-U", PostgresTestServer.user, "-d", "postgres", "-t", "2"],
                timeout: 5)
            if ready.status == 0 { return }
            guard Date() < deadline else {
                throw PostgresTestServerError(
                    message: "not accepting connections on 127.0.0.1:\(port) after \(timeout) s",
                    stderr: ready.stdout + ready.stderr + "\n--- log:\n" + logText())
            }
            usleep(50_000)
        }
    }

    /// `pg_ctl stop -m MODE`, waiting for the server to exit.
    func stop(mode: String, timeout: Double) throws(PostgresTestServerError) {
        let stopped = try runAsOwner(
            bin + "/pg_ctl", ["-D", data, "-m", mode, "-w", "-t", String(Int(timeout.rounded(.up))), "stop"], timeout: timeout + 5)
        guard stopped.status == 0 else {
            throw PostgresTestServerError(
                message: "pg_ctl stop -m \(mode) failed (\(stopped.status))", stderr: stopped.stderr + stopped.stdout)
        }
    }

    /// Stops the server if it runs (`fast` first if asked, then `immediate`, then SIGKILL to the
    /// postmaster) and removes the folder.
    func teardown(fast: Bool) {
        let pidFile = data + "/postmaster.pid"
        if FileManager.default.fileExists(atPath: pidFile) {
            var stopped = false
            if fast { stopped = (try? stop(mode: "fast", timeout: 10)) != nil }
            if !stopped { stopped = (try? stop(mode: "immediate", timeout: 10)) != nil }
            if !stopped, let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                let pid = text.split(separator: "\n").first.flatMap({ pid_t($0) }), pid > 0
            {
                kill(pid, SIGKILL)
            }
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Kills the watchdog once the folder is gone (it ignores SIGTERM) and reaps it.
    static func end(watchdog: pid_t) {
        kill(watchdog, SIGKILL)
        _ = wait(for: watchdog, timeout: 5)
    }

    func logText() -> String {
        (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    }

    func psql(port: Int, database: String, _ sql: String, timeout: Double) throws(PostgresTestServerError) -> ProcessResult {
        let url =
            database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")
            ? database : "postgres://\(PostgresTestServer.user)@127.0.0.1:\(port)/\(database)"
        return try run(bin + "/psql", ["-tAqX", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql], timeout: timeout)
    }

    /// Starts the watchdog and returns its pid: `/bin/sh`, in its own session and deaf to SIGHUP,
    /// SIGINT and SIGTERM, so that a Ctrl-C or a signal to the test's process group leaves it to clean up.
    /// Every second it checks that the test process is alive (its /proc entry, not a zombie, with
    /// the same start time, so a reused pid does not count) and that the folder is still there
    /// (gone: `stop()` cleaned up, it exits). When the process is gone, it runs
    /// `pg_ctl stop -m immediate`, SIGKILLs a postmaster still there and removes the folder.
    func startWatchdog() throws(PostgresTestServerError) -> pid_t {
        let script = """
            trap '' HUP INT TERM QUIT PIPE
            PATH=/usr/sbin:/usr/bin:/sbin:/bin
            pid=$1 start=$2 root=$3 data=$4 bin=$5 owner=$6
            alive() {
                { read -r line < "/proc/$pid/stat"; } 2>/dev/null || return 1
                set -- ${line##*") "}
                [ "$1" != Z ] && { [ -z "$start" ] || [ "${20}" = "$start" ]; }
            }
            while alive && [ -d "$root" ]; do sleep 1; done
            [ -d "$root" ] || exit 0
            if [ -f "$data/postmaster.pid" ]; then
                if [ -n "$owner" ]; then
                    /usr/sbin/runuser -u "$owner" -- "$bin/pg_ctl" -D "$data" -m immediate -w -t 10 stop
                else
                    "$bin/pg_ctl" -D "$data" -m immediate -w -t 10 stop
                fi
                if [ -f "$data/postmaster.pid" ]; then
                    read -r postmaster < "$data/postmaster.pid" && kill -KILL "$postmaster"
                fi
            fi
            rm -rf "$root"
            """
        return try Self.spawn(
            "/bin/sh", ["-c", script, "herald-pg-watchdog", String(getpid()), Self.processStartTime(), root, data, bin, owner ?? ""],
            directory: "/", stdout: nil, stderr: nil, newSession: true)
    }

    /// Field 22 of /proc/self/stat: when this process started, in clock ticks since boot.
    private static func processStartTime() -> String {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.range(of: ") ", options: .backwards)
        else { return "" }
        let fields = stat[close.upperBound...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : ""
    }

    /// Runs a PostgreSQL program as the cluster's owner: through `runuser -u postgres --` as root.
    func runAsOwner(_ executable: String, _ arguments: [String], timeout: Double) throws(PostgresTestServerError) -> ProcessResult {
        guard let owner else { return try run(executable, arguments, timeout: timeout) }
        return try run("/usr/sbin/runuser", ["-u", owner, "--", executable] + arguments, timeout: timeout)
    }

    /// The environment of every program: the test process's without `PG*` variables (no
    /// PGDATABASE, PGPASSWORD… from the developer's shell), with English messages and a 10 s
    /// connection timeout.
    private static let environment: [String: String] = {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["LC_ALL"] = "C"
        environment["PGCONNECT_TIMEOUT"] = "10"
        return environment
    }()

    /// Runs a program to completion in the cluster's folder; after `timeout` seconds, SIGTERM, then
    /// SIGKILL 2 s later, and an error.
    func run(_ executable: String, _ arguments: [String], timeout: Double) throws(PostgresTestServerError) -> ProcessResult {
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        // Close-on-exec (pipe2 is not exported): only the child's dup2 copies stay open in it.
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0,
            (outPipe + errPipe).allSatisfy({ fcntl($0, F_SETFD, FD_CLOEXEC) == 0 })
        else {
            for fd in outPipe + errPipe where fd >= 0 { close(fd) }
            throw PostgresTestServerError(message: "pipe: \(String(cString: strerror(errno)))", stderr: "")
        }
        let pid: pid_t
        do {
            // A folder the postgres user can enter (not /root).
            pid = try Self.spawn(
                executable, arguments, directory: FileManager.default.fileExists(atPath: root) ? root : "/",
                stdout: outPipe[1], stderr: errPipe[1], newSession: false)
        } catch {
            for fd in outPipe + errPipe { close(fd) }
            throw error
        }
        close(outPipe[1])
        close(errPipe[1])
        let output = Output()
        let drained = DispatchGroup()
        for (fd, isOut) in [(outPipe[0], true), (errPipe[0], false)] {
            drained.enter()
            DispatchQueue.global().async {
                let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
                output.set(handle.readDataToEndOfFile(), isOut: isOut)
                drained.leave()
            }
        }
        var status = Self.wait(for: pid, timeout: timeout)
        let timedOut = status == nil
        if timedOut {
            kill(pid, SIGTERM)
            status = Self.wait(for: pid, timeout: 2)
            if status == nil {
                kill(pid, SIGKILL)
                status = Self.wait(for: pid, timeout: .infinity)
            }
        }
        // A grandchild still holding the pipes must not hang the test.
        _ = drained.wait(timeout: .now() + 2)
        let (stdout, stderr) = output.get()
        let result = ProcessResult(
            status: status ?? -1, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
        if timedOut {
            let command = ([executable] + arguments).joined(separator: " ")
            throw PostgresTestServerError(message: "\(command) took more than \(timeout) s", stderr: result.stderr + result.stdout)
        }
        return result
    }

    /// The exit status of a child (128 + the signal's number when a signal ended it), once it
    /// exited; nil when it still runs after `timeout` seconds.
    static func wait(for pid: pid_t, timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var pause: useconds_t = 500
        while true {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                let signal = status & 0x7f
                return signal == 0 ? (status >> 8) & 0xff : 128 + signal
            }
            if reaped < 0 && errno != EINTR { return -1 }
            if Date() >= deadline { return nil }
            usleep(pause)
            pause = min(pause * 2, 10_000)
        }
    }

    /// `posix_spawn`s a program with only stdin (/dev/null), stdout and stderr (the given
    /// descriptors, or /dev/null) open, default signal handling and no blocked signal, in
    /// `directory`, optionally in a new session. Foundation's `Process` is not used: its children
    /// inherit a socket whose closing tells it they exited, and a server that `pg_ctl start`
    /// daemonizes keeps that socket, so `pg_ctl` would never seem to exit.
    static func spawn(
        _ executable: String, _ arguments: [String], directory: String, stdout: Int32?, stderr: Int32?, newSession: Bool
    ) throws(PostgresTestServerError) -> pid_t {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        for (fd, target) in [(stdout, Int32(1)), (stderr, Int32(2))] {
            if let fd { posix_spawn_file_actions_adddup2(&actions, fd, target) }
            else { posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0) }
        }
        // glibc ≥ 2.34 and ≥ 2.29 (Debian 12 has 2.36); the Glibc module does not export these GNU
        // extensions, hence dlsym.
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
        } else {
            let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            for fd in open.compactMap({ Int32($0) }) where fd > 2 && fd != stdout && fd != stderr {
                posix_spawn_file_actions_addclose(&actions, fd)
            }
        }
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") {
            _ = unsafeBitCast(symbol, to: AddChdir.self)(&actions, directory)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        let setsid: Int32 = 0x80  // POSIX_SPAWN_SETSID (glibc ≥ 2.26), not exported either.
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (newSession ? setsid : 0)))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let error = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard error == 0 else {
            throw PostgresTestServerError(message: "cannot start \(executable): \(String(cString: strerror(error)))", stderr: "")
        }
        return pid
    }
}

/// A child's stdout and stderr, filled by two reading threads.
private final class Output: Sendable {
    private let data = Mutex((out: Data(), err: Data()))

    func set(_ bytes: Data, isOut: Bool) {
        data.withLock { if isOut { $0.out = bytes } else { $0.err = bytes } }
    }

    func get() -> (Data, Data) {
        data.withLock { ($0.out, $0.err) }
    }
}
