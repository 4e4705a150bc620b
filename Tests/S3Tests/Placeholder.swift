import XCTest
@testable import S3

final class S3PlaceholderTests: XCTestCase {
    func testModuleLinks() { _ = S3Module.self }
}
