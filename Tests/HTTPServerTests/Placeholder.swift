import XCTest
@testable import HTTPServer

final class HTTPServerPlaceholderTests: XCTestCase {
    func testModuleLinks() { _ = HTTPServerModule.self }
}
