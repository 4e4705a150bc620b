import XCTest
@testable import KafkaClient

final class KafkaClientPlaceholderTests: XCTestCase {
    func testModuleLinks() { _ = KafkaClientModule.self }
}
