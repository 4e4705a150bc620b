// swift-tools-version:6.0
// Anchor for tools/bench http: FlyingFox serving the benchmark routes. A package of its own so that
// FlyingFox never becomes a dependency of Sources.
import PackageDescription

let package = Package(
    name: "FlyingFoxBench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1"),
    ],
    targets: [
        .executableTarget(name: "FlyingFoxBench", dependencies: [
            .product(name: "FlyingFox", package: "FlyingFox"),
        ]),
    ]
)
