// swift-tools-version:6.1
// Herald: a self-hosted publisher of feeds and newsletters. See ../shared/DESIGN.md for the layout.
// Linux only (Glibc, inotify, systemd): no Apple platform is claimed.
import PackageDescription

/// Swift 6 language mode everywhere (the tools version implies it); strict memory safety of
/// imports is left at the default.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Herald",
    products: [
        .executable(name: "herald", targets: ["HeraldCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Only its HTTP/1.1 server is used; swift-configuration support stays out of the build.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
    ],
    targets: [
        // C bridges: a module map and a shim header each, nothing else.
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev", "pkg-config"])]),
        .systemLibrary(
            name: "CCmark", pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "Parallel", swiftSettings: swiftSettings),
        .target(name: "DurableFiles", swiftSettings: swiftSettings),
        .target(name: "Gzip", dependencies: ["CZlib"], swiftSettings: swiftSettings),
        .target(name: "CivilCalendar", swiftSettings: swiftSettings),
        .target(name: "SystemdNotify", dependencies: ["DurableFiles"], swiftSettings: swiftSettings),
        .target(name: "DirectoryWatching", dependencies: ["DurableFiles"], swiftSettings: swiftSettings),
        .target(name: "Scheduling", dependencies: ["CivilCalendar"], swiftSettings: swiftSettings),
        .target(
            name: "Posts",
            dependencies: ["CivilCalendar", "DurableFiles", "Parallel", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),
        .target(name: "XMLWriting", dependencies: ["CLibXML2"], swiftSettings: swiftSettings),
        // Rendered HTML leaves Herald only through XMLWriting's HTMLSanitizer (libxml2's HTML
        // parser), applied inside the rendering so it is bounded by the same time budget.
        .target(name: "MarkdownRendering", dependencies: ["CCmark", "XMLWriting", "DurableFiles"], swiftSettings: swiftSettings),
        .target(
            name: "Feeds", dependencies: ["Posts", "CivilCalendar", "MarkdownRendering", "XMLWriting", "Parallel", "DurableFiles", "Gzip"],
            swiftSettings: swiftSettings),
        .target(
            name: "Mail",
            dependencies: [
                "CivilCalendar",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        .target(name: "SMTPTransport", dependencies: ["Mail", "CCurl", "DurableFiles"], swiftSettings: swiftSettings),
        .target(name: "Store", dependencies: ["DurableFiles", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: swiftSettings),
        // The shared store, apart: Store and everything under it know nothing of PostgreSQL.
        .target(
            name: "PostgresStore",
            dependencies: [
                "Store", "DurableFiles",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "Digests",
            dependencies: [
                "Posts", "CivilCalendar", "MarkdownRendering", "XMLWriting", "Mail", "SMTPTransport", "DurableFiles", "Store",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "Web",
            dependencies: [
                "Feeds", "Store", "Digests", "Mail", "SMTPTransport", "XMLWriting", "DurableFiles", "Gzip",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "Herald",
            dependencies: [
                "Web",
                "Posts", "MarkdownRendering", "XMLWriting", "Feeds", "Mail", "SMTPTransport", "Digests", "Store", "PostgresStore", "Scheduling",
                "DurableFiles",
                "DirectoryWatching", "SystemdNotify", "CivilCalendar",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "HeraldCLI",
            dependencies: ["Herald", "Store", "PostgresStore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "herald-mail-bench", dependencies: ["Mail", "SMTPTransport", "Digests", "Posts", "MarkdownRendering", "XMLWriting"],
            path: "Benchmarks/MailBench", swiftSettings: swiftSettings),
        .executableTarget(name: "herald-message-bench", dependencies: ["Mail"], path: "Benchmarks/MessageBench", swiftSettings: swiftSettings),
        .target(name: "TestSupport", swiftSettings: swiftSettings),

        .testTarget(name: "PostsTests", dependencies: ["Posts", "CivilCalendar", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MarkdownRenderingTests", dependencies: ["MarkdownRendering", "XMLWriting", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "XMLWritingTests", dependencies: ["XMLWriting"], swiftSettings: swiftSettings),
        .testTarget(name: "DirectoryWatchingTests", dependencies: ["DirectoryWatching", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SystemdNotifyTests", dependencies: ["SystemdNotify", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Store", "PostgresStore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ], swiftSettings: swiftSettings),
        .testTarget(name: "GzipTests", dependencies: ["Gzip"], swiftSettings: swiftSettings),
        .testTarget(
            name: "WebTests", dependencies: ["Web", "Gzip", "TestSupport", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings),
        .testTarget(name: "DurableFilesTests", dependencies: ["DurableFiles", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "FeedsTests", dependencies: ["Feeds", "Gzip", "Posts", "CivilCalendar", "MarkdownRendering", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MailTests", dependencies: ["Mail", "TestSupport"], exclude: ["Scripts"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SMTPTransportTests", dependencies: ["SMTPTransport", "Mail", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DigestsTests", dependencies: ["Digests", "Posts", "CivilCalendar", "Mail", "MarkdownRendering", "SMTPTransport", "Store", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SchedulingTests",
            dependencies: ["Scheduling", "CivilCalendar", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "HeraldTests", dependencies: ["Herald", "Digests", "TestSupport"],
            swiftSettings: swiftSettings),
    ]
)
