// swift-tools-version:6.0
// Switchyard: an asynchronous task platform on a wire-protocol stack written in Swift.
// Layers (a module imports only modules below it):
//   system     CEpoll, COpenSSL, CZlib           module maps over Debian's headers
//   bytes      WireCore, Crypto                  readers/writers, varints, CRCs; OpenSSL libcrypto
//   transport  Transport                         epoll event loop, sockets, TLS, deadlines
//   codecs     BSON, KafkaProtocol, RESP, SigV4, JSONSchema, HTTP (pure values, no I/O)
//   tools      WireTrace (annotated frames, pcap)
//   clients    HTTPServer, HTTPClient, S3, MongoClient, KafkaClient, RedisClient (connections + clients)
//   service    switchyard                        the one executable
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "Switchyard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchyard", targets: ["switchyard"]),
        .library(name: "WireCore", targets: ["WireCore"]),
        .library(name: "Crypto", targets: ["Crypto"]),
        .library(name: "SASL", targets: ["SASL"]),
        .library(name: "Transport", targets: ["Transport"]),
        .library(name: "JSONSchema", targets: ["JSONSchema"]),
        .library(name: "BSON", targets: ["BSON"]),
        .library(name: "SigV4", targets: ["SigV4"]),
        .library(name: "KafkaProtocol", targets: ["KafkaProtocol"]),
        .library(name: "RESP", targets: ["RESP"]),
        .library(name: "HTTP", targets: ["HTTP"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "HTTPClient", targets: ["HTTPClient"]),
        .library(name: "S3", targets: ["S3"]),
        .library(name: "MongoClient", targets: ["MongoClient"]),
        .library(name: "KafkaClient", targets: ["KafkaClient"]),
        .library(name: "RedisClient", targets: ["RedisClient"]),
        .library(name: "WireTrace", targets: ["WireTrace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // system
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CHardwareCRC", path: "Sources/CHardwareCRC"),

        // bytes
        .target(name: "WireCore", dependencies: ["CHardwareCRC"], swiftSettings: strict),
        .target(name: "Crypto", dependencies: ["COpenSSL"], swiftSettings: strict),
        // SCRAM (RFC 5802/7677) and SASLprep (RFC 4013), shared by the Kafka and MongoDB clients
        .target(name: "SASL", dependencies: ["Crypto", "WireCore"], swiftSettings: strict),

        // transport
        .target(name: "Transport", dependencies: ["CEpoll", "COpenSSL", "WireCore", "Crypto"], swiftSettings: strict),

        // codecs
        .target(name: "JSONSchema", dependencies: ["WireCore"], swiftSettings: strict),
        .target(name: "BSON", dependencies: ["WireCore"], swiftSettings: strict),
        .target(name: "SigV4", dependencies: ["Crypto"], swiftSettings: strict),
        .target(name: "RESP", dependencies: ["WireCore"], swiftSettings: strict),
        .target(name: "KafkaProtocol", dependencies: ["WireCore", "CZlib"], swiftSettings: strict),
        .target(name: "HTTP", dependencies: ["WireCore"], swiftSettings: strict),

        // connections and clients
        .target(name: "HTTPServer", dependencies: ["Transport", "HTTP", "WireCore", "CZlib"], swiftSettings: strict),
        .target(name: "HTTPClient", dependencies: ["Transport", "HTTP", "WireCore"], swiftSettings: strict),
        .target(name: "S3", dependencies: ["HTTPClient", "HTTP", "SigV4", "Crypto", "WireCore"], swiftSettings: strict),
        .target(name: "MongoClient", dependencies: ["Transport", "BSON", "Crypto", "SASL", "WireCore"], swiftSettings: strict),
        .target(name: "KafkaClient", dependencies: ["Transport", "KafkaProtocol", "Crypto", "SASL", "WireCore"],
                swiftSettings: strict),
        .target(name: "RedisClient", dependencies: ["Transport", "RESP", "WireCore", "Crypto"], swiftSettings: strict),
        // annotated traces and pcap files of what crossed a socket (switchyard wire --trace/--pcap)
        .target(name: "WireTrace", dependencies: ["WireCore", "RESP", "KafkaProtocol", "Transport"], swiftSettings: strict),

        // the executable
        .executableTarget(
            name: "switchyard",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "WireCore", "Crypto", "Transport", "KafkaProtocol", "BSON", "SigV4", "WireTrace", "RedisClient", "KafkaClient", "MongoClient", "HTTP", "HTTPClient", "S3",
            ],
            swiftSettings: strict),

        // tests; PeerTestSupport finds the real peers (tools/peers) and runs reference clients
        .target(name: "PeerTestSupport", path: "Tests/PeerTestSupport", swiftSettings: strict),
        // one seeded generator (SplitMix64) for every randomized test
        .target(name: "TestRandom", path: "Tests/TestRandom", swiftSettings: strict),
        .testTarget(name: "WireCoreTests", dependencies: ["TestRandom", "WireCore", "CZlib"], swiftSettings: strict),
        .testTarget(name: "CryptoTests", dependencies: ["TestRandom", "Crypto"], swiftSettings: strict),
        .testTarget(name: "SASLTests", dependencies: ["SASL", "Crypto"], swiftSettings: strict),
        .testTarget(name: "TransportTests", dependencies: ["Transport", "WireCore", "Crypto", "CZlib", "PeerTestSupport"], swiftSettings: strict),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema"], exclude: ["exclusions.json"], swiftSettings: strict),
        .testTarget(name: "BSONTests", dependencies: ["BSON"], swiftSettings: strict),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4"], swiftSettings: strict),
        .testTarget(name: "KafkaProtocolTests", dependencies: ["TestRandom", "KafkaProtocol"], exclude: ["Reference"], swiftSettings: strict),
        .testTarget(name: "RESPTests", dependencies: ["TestRandom", "RESP"], swiftSettings: strict),
        .testTarget(name: "HTTPTests", dependencies: ["TestRandom", "HTTP", "WireCore"], swiftSettings: strict),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "HTTP", "Transport"], swiftSettings: strict),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "HTTP", "HTTPServer", "Transport", "PeerTestSupport"], swiftSettings: strict),
        .testTarget(name: "S3Tests", dependencies: ["S3", "HTTPClient", "SigV4", "WireCore", "PeerTestSupport"], swiftSettings: strict),
        .testTarget(name: "MongoClientTests", dependencies: ["MongoClient", "BSON", "Transport", "WireCore", "SASL", "PeerTestSupport"], swiftSettings: strict),
        .testTarget(name: "KafkaClientTests",
                    dependencies: ["TestRandom", "KafkaClient", "KafkaProtocol", "Transport", "Crypto", "WireCore", "PeerTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "RedisClientTests", dependencies: ["RedisClient", "RESP", "Transport", "PeerTestSupport"], swiftSettings: strict),
        .testTarget(name: "WireTraceTests", dependencies: ["WireTrace", "WireCore", "KafkaProtocol", "BSON", "Transport"],
                    swiftSettings: strict),
        .testTarget(name: "WireCommandTests", dependencies: ["switchyard", "PeerTestSupport"], swiftSettings: strict),
        .testTarget(name: "PeerIntegrationTests",
                    dependencies: ["Transport", "WireCore", "KafkaProtocol", "BSON", "SigV4", "PeerTestSupport"],
                    swiftSettings: strict),
    ]
)
