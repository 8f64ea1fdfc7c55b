// swift-tools-version: 6.1
import PackageDescription

/// Sluice: a declarative, GitOps-style reconciler for machine-learning models.
///
/// Purity decreases downward and imports only point down (docs/architecture.md):
/// SluiceCore (JSON, digests) → SluiceLearn (datasets, estimators, metrics, artifact)
/// → SluiceManifest (manifest format) → SluiceReconcile (the pure planner)
/// → SluiceController (store, targets, executor: the effects) → SluiceHTTP → sluice (the CLI).
/// SluiceSystem (files, atomic writes, watching, git) sits below both SluiceController and
/// SluiceServe (the model repository and inference, without HTTP, and what the server records for
/// monitoring), which does not depend on the controller. SluiceMonitor (the pure monitoring statistics: bins, drift, calibration) depends on
/// SluiceCore alone.
let package = Package(
    name: "sluice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // No traits: swift-configuration support is not used, and it costs build time.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // Already in the graph through Hummingbird; named for NIOEmbedded in the in-process server tests.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Already in the graph through Hummingbird; named for NIOHTTPTypes (the 431 handler of sluice serve).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        // Already in the graph through Hummingbird: `sluice run` and `serve` as ServiceGroups.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Logic-less templates for the web UI (issue 16): pure Swift, no dependencies, HTML-escapes by default.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // libpq, the PostgreSQL client library: the PostgreSQL store (issue 15).
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "CPrefetch"),
        // k-nearest neighbours' distance kernel, built for AVX2 and AVX-512 beside a portable one, chosen at run time.
        .target(name: "CNeighbors"),
        .target(name: "SluiceCore", dependencies: ["CLibCrypto"]),
        .target(name: "SluiceLearn", dependencies: ["SluiceCore", "SluiceMonitor", "CPrefetch", "CNeighbors"]),
        .target(name: "SluiceManifest", dependencies: ["SluiceCore", "SluiceLearn", "SluiceMonitor"]),
        .target(name: "SluiceReconcile", dependencies: ["SluiceCore", "SluiceLearn", "SluiceManifest", "SluiceMonitor"]),
        .target(name: "SluiceSystem", dependencies: ["SluiceCore"]),
        // Pure monitoring statistics: reference bins, histograms, drift, calibration (issue 14).
        .target(name: "SluiceMonitor", dependencies: ["SluiceCore"]),
        // ONNX export (issue 17): a trained artifact written as an ONNX model, pure (artifact → bytes).
        .target(name: "SluiceONNX", dependencies: ["SluiceLearn", "SluiceCore"]),
        .target(
            name: "SluiceController",
            dependencies: [
                "SluiceCore", "SluiceLearn", "SluiceManifest", "SluiceMonitor", "SluiceReconcile", "SluiceSystem", "SluiceONNX", "CLibPQ",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SluiceServe",
            dependencies: [
                "SluiceCore", "SluiceLearn", "SluiceManifest", "SluiceSystem", "SluiceMonitor",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The web UI's pages (issue 16): what the store and the current plan say, as HTML with inline SVG.
        // No HTTP here: SluiceHTTP routes to it, `sluice ui` and `sluice run` serve it.
        .target(
            name: "SluiceUI",
            dependencies: [
                "SluiceController", "SluiceReconcile", "SluiceManifest", "SluiceMonitor", "SluiceLearn", "SluiceCore",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .target(
            name: "SluiceHTTP",
            dependencies: [
                "SluiceController", "SluiceServe", "SluiceMonitor", "SluiceCore", "SluiceUI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceController", "SluiceHTTP", "SluiceServe", "SluiceUI", "SluiceManifest", "SluiceReconcile", "SluiceLearn", "SluiceMonitor", "SluiceSystem", "SluiceCore", "SluiceONNX",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The engine's benchmark (bench/engine.py): the engine alone, so its release build stays quick.
        .executableTarget(name: "sluice-engine-bench", dependencies: ["SluiceLearn", "SluiceCore"], path: "Sources/sluice-engine-bench"),
        // The web UI's benchmark (`sluice-bench ui`, bench/ui/).
        .executableTarget(
            name: "sluice-bench",
            dependencies: ["SluiceUI", "SluiceController", "SluiceReconcile", "SluiceManifest", "SluiceMonitor", "SluiceLearn", "SluiceCore"],
            path: "Sources/sluice-bench"
        ),
        // The ONNX export benchmark (bench/onnx/run.py): Sluice's in-process predict beside onnxruntime.
        .executableTarget(name: "sluice-onnx-bench", dependencies: ["SluiceONNX", "SluiceLearn", "SluiceCore"], path: "Sources/sluice-onnx-bench"),
        // Helpers shared by the test targets (not part of any product).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // Fakes for in-process tests of the effectful code: a fixed clock, a fake deploy target,
        // a manifest builder (STYLE's "OperatorTesting", Hummingbird's HummingbirdTesting).
        .target(name: "SluiceTesting", dependencies: ["SluiceController", "SluiceReconcile", "SluiceManifest", "SluiceLearn", "SluiceCore"], path: "Tests/SluiceTesting"),
        .testTarget(name: "SluiceCoreTests", dependencies: ["SluiceCore"]),
        .testTarget(name: "SluiceLearnTests", dependencies: ["SluiceLearn", "SluiceMonitor", "SluiceCore", "CNeighbors"]),
        .testTarget(name: "SluiceManifestTests", dependencies: ["SluiceManifest", "SluiceLearn", "SluiceMonitor", "SluiceCore"]),
        .testTarget(name: "SluiceReconcileTests", dependencies: ["SluiceReconcile", "SluiceManifest", "SluiceLearn", "SluiceMonitor", "SluiceCore"]),
        .testTarget(name: "SluiceSystemTests", dependencies: ["SluiceSystem"]),
        .testTarget(name: "SluiceMonitorTests", dependencies: ["SluiceMonitor", "SluiceCore"]),
        .testTarget(name: "SluiceONNXTests", dependencies: ["SluiceONNX", "SluiceLearn", "SluiceCore"]),
        .testTarget(
            name: "SluiceControllerTests",
            dependencies: [
                "SluiceController", "SluiceSystem", "SluiceReconcile", "SluiceManifest", "SluiceMonitor", "SluiceLearn", "SluiceCore", "SluiceTesting", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "SluiceUITests",
            dependencies: [
                "SluiceUI", "SluiceController", "SluiceReconcile", "SluiceManifest", "SluiceMonitor", "SluiceLearn", "SluiceCore", "SluiceTesting",
            ],
            // The pages' golden HTML, read by the tests from the source tree (SLUICE_UPDATE_GOLDEN=1 rewrites it).
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "SluiceServeTests",
            dependencies: [
                "SluiceServe", "SluiceHTTP", "SluiceLearn", "SluiceMonitor", "SluiceSystem", "SluiceCore", "SluiceController", "SluiceTesting", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SluiceCLITests",
            dependencies: [
                "sluice", "SluiceCore", "SluiceController", "SluiceReconcile", "SluiceMonitor", "SluiceLearn", "SluiceUI", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
