import Foundation
import PeerTestSupport
import RedisClient
import Synchronization
import XCTest

extension PeerEnvironment {
    static func redisConfiguration() throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: try load().require("SWITCHYARD_REDIS_URL"))
        configuration.commandTimeout = .seconds(20)
        return configuration
    }
}

/// A key unique to one test run, so tests never see each other's data.
func uniqueKey(_ name: String) -> String { "switchyard-test:\(name):\(UInt64.random(in: 0..<UInt64.max))" }

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// XCTAssertEqual for expressions that await (XCTest's autoclosures cannot).
func assertEqual<T: Equatable>(_ actual: @autoclosure () async throws -> T, _ expected: @autoclosure () -> T,
                               _ message: String = "", file: StaticString = #filePath, line: UInt = #line) async {
    do {
        let value = try await actual()
        XCTAssertEqual(value, expected(), message, file: file, line: line)
    } catch {
        XCTFail("threw \(error) \(message)", file: file, line: line)
    }
}

func assertTrue(_ actual: @autoclosure () async throws -> Bool, _ message: String = "",
                file: StaticString = #filePath, line: UInt = #line) async {
    await assertEqual(try await actual(), true, message, file: file, line: line)
}

/// A value shared between test tasks (Mutex itself cannot be captured by escaping closures).
final class Shared<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { storage.withLock { body(&$0) } }
}
