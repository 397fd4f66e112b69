// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "trailkeeper",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "trailkeeper", targets: ["trailkeeper"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
    ],
    targets: [
        // simdjson and libdeflate behind a small C API (Debian: libsimdjson-dev, libdeflate-dev).
        .target(
            name: "CTrailNative",
            cxxSettings: [.unsafeFlags(["-O3", "-std=c++17"])],
            linkerSettings: [.linkedLibrary("simdjson"), .linkedLibrary("deflate"), .linkedLibrary("z"), .linkedLibrary("stdc++")]
        ),
        .target(
            name: "TrailModel",
            dependencies: ["CTrailNative", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "TrailStore",
            dependencies: [
                "TrailModel", "TrailLakeSQL",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TrailStoreSQLite",
            dependencies: [
                "TrailModel", "TrailStore", "TrailLakeSQL", "CTrailNative",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "AWSWire",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The ObjectStore protocol, the embedded FileObjectStore and the S3 store over AWSWire.
        .target(
            name: "ObjectStorage",
            dependencies: [
                "AWSWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Trail delivery: journal → log files, signed digests, signing keys.
        .target(
            name: "TrailDelivery",
            dependencies: [
                "TrailModel", "TrailStore", "ObjectStorage", "AWSWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // validate-logs: digest chain walk, signatures, log hashes.
        .target(
            name: "TrailIntegrity",
            dependencies: [
                "TrailModel", "ObjectStorage", "AWSWire",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TrailAPI",
            dependencies: [
                "TrailModel", "TrailStore", "AWSWire", "ObjectStorage", "TrailDelivery", "TrailArchive", "TrailLake",
                "TrailLakeSQL",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TrailServer",
            dependencies: [
                "TrailModel", "TrailStore", "TrailStoreSQLite", "AWSWire", "TrailAPI", "ObjectStorage", "TrailDelivery",
                "TrailPipeline", "TrailArchive", "TrailAlerts", "TrailLake", "TrailLakeSQL", "TrailInsights",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // PostgreSQL-backed stores (findings).
        .target(
            name: "TrailStorePostgres",
            dependencies: [
                "TrailModel", "TrailStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Rule languages (monitored names, EventBridge patterns, CloudWatch filter patterns), rule packs.
        .target(
            name: "TrailDetection",
            dependencies: [
                "TrailModel", "TrailStore", "CTrailNative",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Packs")]
        ),
        // Alert targets: webhook, Slack, SNS, SMTP email, PagerDuty; retries, dedup, aggregation.
        .target(
            name: "TrailAlerts",
            dependencies: [
                "TrailModel", "TrailStore", "AWSWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The event-processing pipeline: queues (embedded, SQS), notifications, processor, DLQ.
        .target(
            name: "TrailPipeline",
            dependencies: [
                "TrailModel", "TrailStore", "AWSWire", "ObjectStorage", "TrailDetection", "TrailAlerts",
                "TrailStoreSQLite", "TrailStorePostgres",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Archive jobs: backup of logs before they expire, schedules (issue 5).
        .target(
            name: "TrailArchive",
            dependencies: [
                "TrailModel", "TrailStore", "ObjectStorage", "AWSWire", "TrailAlerts",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // CloudTrail Lake SQL front end: lexer, parser, binder, lowering to SQLite SQL (issue 6, part A). Pure Swift.
        .target(name: "TrailLakeSQL"),
        // CloudTrail Lake (issue 6): event data stores, channels, imports, queries, maintenance.
        .target(
            name: "TrailLake",
            dependencies: [
                "TrailLakeSQL", "TrailModel", "TrailStore", "ObjectStorage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Insights (issue 6): per-minute counting, the detection state machine, Start/End records.
        .target(
            name: "TrailInsights",
            dependencies: [
                "TrailModel", "TrailStore",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TrailTesting",
            dependencies: ["TrailModel", "TrailStore", "ObjectStorage", "TrailLakeSQL"]
        ),
        .executableTarget(
            name: "trailkeeper",
            dependencies: [
                "TrailModel", "TrailStore", "TrailStoreSQLite", "AWSWire", "TrailServer", "ObjectStorage", "TrailIntegrity",
                "TrailDelivery", "TrailDetection", "TrailAlerts", "TrailPipeline", "TrailStorePostgres", "TrailArchive",
                "TrailInsights",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "TrailModelTests",
            dependencies: ["TrailModel", "TrailTesting", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "TrailLakeSQLTests",
            dependencies: ["TrailLakeSQL"],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "TrailStoreTests",
            dependencies: ["TrailModel", "TrailStore", "TrailStoreSQLite", "TrailTesting", "TrailLakeSQL"]
        ),
        .testTarget(
            name: "AWSWireTests",
            dependencies: [
                "AWSWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "ObjectStorageTests",
            dependencies: [
                "ObjectStorage", "AWSWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TrailDeliveryTests",
            dependencies: [
                "TrailDelivery", "TrailModel", "TrailStore", "TrailStoreSQLite", "ObjectStorage", "TrailTesting", "AWSWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TrailIntegrityTests",
            dependencies: [
                "TrailIntegrity", "TrailModel", "ObjectStorage", "AWSWire", "TrailTesting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TrailDetectionTests",
            dependencies: ["TrailDetection", "TrailModel", "TrailStore", "TrailTesting"],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "TrailAlertsTests",
            dependencies: [
                "TrailAlerts", "TrailModel", "TrailStore", "AWSWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "FindingStoreTests",
            dependencies: [
                "TrailModel", "TrailStore", "TrailStoreSQLite", "TrailStorePostgres", "TrailPipeline", "AWSWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TrailPipelineTests",
            dependencies: [
                "TrailPipeline", "TrailModel", "TrailStore", "TrailStoreSQLite", "ObjectStorage", "AWSWire",
                "TrailDetection", "TrailAlerts", "TrailTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TrailArchiveTests",
            dependencies: [
                "TrailArchive", "ObjectStorage", "AWSWire", "TrailModel", "TrailAlerts", "TrailStore", "TrailTesting",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TrailLakeTests",
            dependencies: [
                "TrailLake", "TrailLakeSQL", "TrailModel", "TrailStore", "TrailTesting", "ObjectStorage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "TrailInsightsTests",
            dependencies: [
                "TrailInsights", "TrailModel", "TrailStore", "TrailStoreSQLite",
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "TrailServerTests",
            dependencies: [
                "TrailServer", "TrailModel", "TrailStore", "TrailTesting", "TrailArchive", "TrailLake", "TrailLakeSQL", "TrailInsights",
                "TrailDelivery", "ObjectStorage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "TrailAPITests",
            dependencies: [
                "TrailModel", "TrailStore", "TrailAPI", "TrailServer", "AWSWire", "TrailTesting", "ObjectStorage",
                "TrailDelivery", "TrailStoreSQLite", "TrailLake", "TrailLakeSQL",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    guard target.name != "CTrailNative" else { continue }
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
