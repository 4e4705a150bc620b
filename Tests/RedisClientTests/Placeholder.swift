import XCTest
@testable import RedisClient

final class RedisClientPlaceholderTests: XCTestCase {
    func testModuleLinks() { _ = RedisClientModule.self }
}
