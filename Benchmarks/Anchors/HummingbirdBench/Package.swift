// swift-tools-version:6.1
// Anchor for tools/bench http: Hummingbird 2 serving the benchmark routes. A package of its own so that
// Hummingbird (and SwiftNIO under it) never becomes a dependency of Sources.
import PackageDescription

let package = Package(
    name: "HummingbirdBench",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Default traits (swift-configuration, full Foundation) are not needed to serve two routes.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
    ],
    targets: [
        .executableTarget(name: "HummingbirdBench", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
    ]
)
