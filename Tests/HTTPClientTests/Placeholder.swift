import XCTest
@testable import HTTPClient

final class HTTPClientPlaceholderTests: XCTestCase {
    func testModuleLinks() { _ = HTTPClientModule.self }
}
