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
        // Our HTTP server serving the benchmark routes (the anchors are packages of their own in Anchors/).
        .executableTarget(name: "BenchHTTPServer", dependencies: [
            .product(name: "HTTPServer", package: "Switchyard"),
            .product(name: "HTTP", package: "Switchyard"),
        ]),
        .executableTarget(name: "BenchRedis", dependencies: [
            .product(name: "RedisClient", package: "Switchyard"),
            .product(name: "RESP", package: "Switchyard"),
        ]),
        .executableTarget(name: "BenchKafka", dependencies: [
            .product(name: "KafkaClient", package: "Switchyard"),
            .product(name: "KafkaProtocol", package: "Switchyard"),
        ]),
        .executableTarget(name: "BenchMongo", dependencies: [
            .product(name: "MongoClient", package: "Switchyard"),
            .product(name: "BSON", package: "Switchyard"),
        ]),
    ]
)
