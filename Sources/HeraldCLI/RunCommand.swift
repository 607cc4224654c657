import ArgumentParser
import Herald

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon: keep the feeds up to date and deliver digests (what systemd starts).",
        discussion: """
            Builds the feeds, then rebuilds them moments after each change in the posts folder and \
            when a post dated in the future comes due, and delivers the digests queued in the store. \
            Logs go to stderr, one line per event, with a syslog priority prefix for journald. \
            SIGHUP reads config.json again; SIGTERM lets the messages in flight finish, then exits 0.
            """)

    @OptionGroup var options: ConfigOption
    @Flag(help: "Do not apply the store's migrations: refuse to start if some are pending (apply them with `herald store migrate`).")
    var noMigrate = false

    func run() async throws {
        var daemon = HeraldDaemon(configurationPath: options.path)
        daemon.migrate = !noMigrate
        let status = await daemon.run()
        if status != 0 { throw ExitCode(status) }
    }
}
