import XCTest
@testable import MongoClient

final class MongoClientPlaceholderTests: XCTestCase {
    func testModuleLinks() { _ = MongoClientModule.self }
}
