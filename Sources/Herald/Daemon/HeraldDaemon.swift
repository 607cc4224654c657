import Foundation
import Logging
import ServiceLifecycle
import Store
import Synchronization
import SystemdNotify
import UnixSignals
import Web

/// `herald run`: the feeds kept up to date as posts change, digests delivered as they are
/// queued, under systemd (`Type=notify`).
///
/// The services run in one `ServiceGroup`. `READY=1` is sent once the store is migrated, the
/// first build is written and the posts folder is watched. SIGTERM (or SIGINT) stops claiming
/// deliveries, lets the SMTP transactions in flight finish, sends `STOPPING=1` and exits 0.
/// SIGHUP reads config.json again: an invalid file is logged and the running configuration
/// kept; a valid one replaces it (the services stop gracefully and start again with it, queued
/// deliveries stay queued), between `RELOADING=1` and `READY=1`.
public struct HeraldDaemon: Sendable {
    public var configurationPath: String
    public var environment: [String: String]
    public var logger: Logger
    /// Apply the store's migrations at start (`herald run --no-migrate`: refuse to start on a
    /// store that needs some; `herald store migrate` applies them).
    public var migrate = true

    public init(
        configurationPath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "herald") { _ in JournalLogHandler() }
    ) {
        self.configurationPath = configurationPath
        self.environment = environment
        self.logger = logger
    }

    /// The longest a graceful stop may take (an SMTP transaction's own limits are lower);
    /// then the services are cancelled.
    static let gracefulStopLimit: Duration = .seconds(60)

    /// Runs until SIGTERM; returns the process's exit status (1: it could not start).
    public func run() async -> Int32 {
        // Before anything counts: the metrics system is bootstrapped once per process.
        _ = HeraldMetrics.registry
        var configuration: Configuration
        do {
            configuration = try Configuration.load(path: configurationPath)
        } catch {
            logger.critical("\(error.description)")
            return 1
        }
        var notifier: SystemdNotifier?
        do {
            notifier = try SystemdNotifier(environment: environment)
        } catch {
            logger.warning("\(error.description)")
        }
        let control = DaemonControl()
        let reloads = Task { [logger, configurationPath, notifier] in
            for await _ in await UnixSignalsSequence(trapping: .sighup) {
                notifier.send(.reloading(), logger: logger)
                do {
                    let next = try Configuration.load(path: configurationPath)
                    logger.notice("config.json read again: restarting the services with it")
                    await control.reload(with: next)
                } catch {
                    logger.error("config.json not reloaded, the running configuration is kept: \(String(describing: error))")
                    notifier.send(.ready, logger: logger)
                }
            }
        }
        defer { reloads.cancel() }

        while true {
            let store: any HeraldStore
            do {
                store = try await configuration.openStore(migrate: migrate, environment: environment)
            } catch {
                logger.critical("\(error.description)")
                return 1
            }
            let feeds = PublishedFeeds(directory: configuration.feedsDirectory)
            let readiness = Readiness(notifier: notifier, logger: logger, postsFolder: DisplayPath.relative(configuration.postsDirectory))
            let web: WebServer
            do {
                web = try WebServerSetup.make(
                    configuration, store: store, feeds: feeds, environment: environment, logger: logger,
                    onListening: { readiness.listening(host: $0, port: $1) })
            } catch {
                logger.critical("\(error.description)")
                return 1
            }
            let group = makeGroup(configuration, store: store, web: web, readiness: readiness, notifier: notifier, control: control)
            await control.running(group)
            do {
                try await group.run()
            } catch {
                logger.critical("stopped: \(error)")
                return 1
            }
            guard let next = control.takeReload() else { break }
            configuration = next
        }
        logger.notice("stopped")
        return 0
    }

    private func makeGroup(
        _ configuration: Configuration, store: any HeraldStore, web: WebServer, readiness: Readiness, notifier: SystemdNotifier?,
        control: DaemonControl
    ) -> ServiceGroup {
        let health = LoopHealth()
        let feeds = web.feeds
        // The feeds are the daemon's reason to run: if that service ends, everything stops.
        // The others may end early (no schedule, no mail section) without stopping the rest;
        // the HTTP server ending with an error (its port taken) stops everything.
        var services: [any Service] = [
            FeedService(
                configuration: configuration, store: store, logger: logger, health: health,
                onPublished: { feeds.published($0.catalog) }, started: { readiness.built($0) }),
            web,
            DeliveryService(configuration: configuration, store: store, logger: logger, health: health),
            ScheduleService(configuration: configuration, store: store, logger: logger),
            StoppingNotice(notifier: notifier, control: control, logger: logger),
        ]
        if let notifier, let interval = notifier.watchdogInterval {
            services.append(WatchdogService(notifier: notifier, interval: interval, health: health, logger: logger))
        }
        let configurations = services.enumerated().map { index, service in
            ServiceGroupConfiguration.ServiceConfiguration(
                service: service, successTerminationBehavior: index == 0 ? .gracefullyShutdownGroup : .ignore)
        }
        var group = ServiceGroupConfiguration(
            services: configurations, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = Self.gracefulStopLimit
        group.maximumCancellationDuration = .seconds(30)
        return ServiceGroup(configuration: group)
    }
}

/// Sends `STOPPING=1` when the services start stopping, unless it is for a reload.
private struct StoppingNotice: Service {
    let notifier: SystemdNotifier?
    let control: DaemonControl
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        guard !control.isReloading else { return }
        notifier.send([.stopping, .status("stopping: finishing the messages in flight")], logger: logger)
        logger.notice("stopping: finishing the messages in flight")
    }
}

/// The daemon's own state across service groups: the group running, and a reload asked for.
final class DaemonControl: Sendable {
    private struct State {
        var group: ServiceGroup?
        var next: Configuration?
    }

    private let state = Mutex(State())

    func running(_ group: ServiceGroup) async {
        state.withLock { $0.group = group }
    }

    /// Stops the running group gracefully so that the daemon starts again with `configuration`.
    func reload(with configuration: Configuration) async {
        let group = state.withLock { state in
            state.next = configuration
            return state.group
        }
        await group?.triggerGracefulShutdown()
    }

    var isReloading: Bool { state.withLock { $0.next != nil } }

    func takeReload() -> Configuration? {
        state.withLock { state in
            defer { state.next = nil }
            return state.next
        }
    }
}

extension Optional where Wrapped == SystemdNotifier {
    /// Notifies systemd when it asked for it; a failure is logged and otherwise ignored.
    func send(_ states: [NotifyState], logger: Logger) {
        guard let notifier = self else { return }
        do {
            try notifier.notify(states)
        } catch {
            logger.warning("\(error.description)")
        }
    }

    func send(_ state: NotifyState, logger: Logger) { send([state], logger: logger) }
}
