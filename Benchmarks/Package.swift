// swift-tools-version:6.0
// Benchmarks live apart from the main package so that anchors (other servers and clients)
// never become dependencies of Sources. Run them through `tools/bench NAME`, which builds in release.
import PackageDescription

let package = Package(
    name: "SwitchyardBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Switchyard", path: ".."),
    ],
    targets: [
        .systemLibrary(name: "CZlibBench", path: "Sources/CZlibBench"),
        .executableTarget(name: "BenchTransport", dependencies: [
            .product(name: "Transport", package: "Switchyard"),
            .product(name: "WireCore", package: "Switchyard"),
            "CZlibBench",
        ]),
        .executableTarget(name: "BenchJSONSchema", dependencies: [
            .product(name: "JSONSchema", package: "Switchyard"),
        ]),
        .executableTarget(name: "BenchBSON", dependencies: [
            .product(name: "BSON", package: "Switchyard"),
        ]),
        .executableTarget(name: "BenchSigV4", dependencies: [
            .product(name: "SigV4", package: "Switchyard"),
        ]),
    ]
)
