import HTTPClient
import XCTest

final class HTTPClientURLTests: XCTestCase {
    func testParsesSchemeHostPortAndTarget() throws {
        let url = try HTTPClientURL("http://Example.com:8080/a/b%20c?x=1&y=%2B#frag")
        XCTAssertEqual(url.scheme, .http)
        XCTAssertEqual(url.host, "example.com")
        XCTAssertEqual(url.port, 8080)
        XCTAssertEqual(url.target, "/a/b%20c?x=1&y=%2B")
        XCTAssertEqual(url.path, "/a/b%20c")
        XCTAssertEqual(url.query, "x=1&y=%2B")
        XCTAssertEqual(url.hostHeader, "example.com:8080")
    }

    func testDefaultsAndIPv6() throws {
        let https = try HTTPClientURL("https://s3.amazonaws.com")
        XCTAssertEqual(https.port, 443)
        XCTAssertEqual(https.target, "/")
        XCTAssertEqual(https.hostHeader, "s3.amazonaws.com")
        let query = try HTTPClientURL("http://h?list-type=2")
        XCTAssertEqual(query.target, "/?list-type=2")
        let v6 = try HTTPClientURL("http://[::1]:9000/x")
        XCTAssertEqual(v6.host, "::1")
        XCTAssertEqual(v6.port, 9000)
        XCTAssertEqual(v6.hostHeader, "[::1]:9000")
    }

    func testRefusesWhatCannotBeSent() {
        let bad = [
            "ftp://host/", "http//host/", "http://", "http://user:pw@host/", "http://host:0/", "http://host:65536/",
            "http://host:80x/", "http://ho st/", "http://host/a b", "http://host/\u{e9}", "http://[::1/", "http://h\r\nX: y/", "http://a:b:80/", "http://[a:b]/", "http://[::1]x/",
            "http://::1/", "http://::1:80/", "http://[::\u{0}x]/", "http://[::1%eth0]/",
        ]
        for text in bad {
            XCTAssertThrowsError(try HTTPClientURL(text), text) { error in
                XCTAssertEqual((error as? HTTPClientError)?.code, .invalidURL, text)
            }
        }
    }

    func testResolvesRedirectLocations() throws {
        let base = try HTTPClientURL("http://a.example:81/dir/page?q=1")
        XCTAssertEqual(try base.resolving("https://b.example/x").description, "https://b.example/x")
        XCTAssertEqual(try base.resolving("//c.example/y").description, "http://c.example/y")
        XCTAssertEqual(try base.resolving("/root?z").description, "http://a.example:81/root?z")
        XCTAssertEqual(try base.resolving("other").description, "http://a.example:81/dir/other")
        XCTAssertEqual(try base.resolving("../up/./x?k=v").description, "http://a.example:81/up/x?k=v")
        XCTAssertEqual(try base.resolving("?only=query").description, "http://a.example:81/dir/page?only=query")
        XCTAssertThrowsError(try base.resolving("ftp://x/"))
        // Fuzz finding: an unbracketed IPv6-looking authority with NULs passed inet_pton's check.
        XCTAssertThrowsError(try base.resolving("//::\u{0}\u{0}]\u{0}:8"))
    }

    func testErrorRetriability() {
        for code in HTTPClientError.Code.allCases {
            let retriable = [.connectFailed, .connectTimeout, .poolTimeout, .requestTimeout, .connectionClosed].contains(code)
            XCTAssertEqual(HTTPClientError(code, "x").isRetriable, retriable, "\(code)")
        }
    }
}
