import HTTP
import XCTest

final class HeadersAndTargetTests: XCTestCase {
    func testLookupIsCaseInsensitiveAndKeepsDuplicatesInOrder() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "Set-Cookie": "a=1"]
        headers.add(name: "set-cookie", value: "b=2")
        XCTAssertEqual(headers["content-type"], "text/plain")
        XCTAssertEqual(headers["CONTENT-TYPE"], "text/plain")
        XCTAssertEqual(headers.values(for: "Set-Cookie"), ["a=1", "b=2"])
        XCTAssertNil(headers["X-Missing"])
        XCTAssertEqual(headers.count, 3)
        XCTAssertEqual(headers.map(\.name), ["Content-Type", "Set-Cookie", "set-cookie"])
    }

    func testSetRemoveAndTokens() {
        var headers: HTTPHeaders = ["Connection": "keep-alive, Upgrade", "A": "1", "a": "2", "B": "3"]
        headers.set(name: "A", value: "9")
        XCTAssertEqual(headers.values(for: "a"), ["9"])
        XCTAssertEqual(headers.map(\.name), ["Connection", "B", "A"])
        XCTAssertTrue(headers.containsToken("upgrade", in: "connection"))
        XCTAssertTrue(headers.containsToken("KEEP-ALIVE", in: "Connection"))
        XCTAssertFalse(headers.containsToken("close", in: "Connection"))
        XCTAssertTrue(headers.remove("b"))
        XCTAssertFalse(headers.remove("b"))
        XCTAssertEqual(headers.count, 2)
        let accept: HTTPHeaders = ["Accept-Encoding": "br;q=1.0, gzip;q=0.5", "Accept-Encoding": "deflate"]
        XCTAssertEqual(accept.listElements(of: "accept-encoding"), ["br", "gzip", "deflate"])
    }

    func testTokenComparisonIsNotFooledByCaseFolding() {
        // '^' | 0x20 == '~': a naive OR-with-0x20 comparison would match these.
        let headers: HTTPHeaders = ["X^A": "1"]
        XCTAssertNil(headers["X~A"])
        XCTAssertEqual(headers["x^a"], "1")
    }

    func testPathAndQuery() {
        let head = HTTPRequestHead(method: .get, target: "/files/a%20b/c%2Fd?name=J%C3%BCrgen+M&empty=&flag&x=1&x=2#frag")
        XCTAssertEqual(head.rawPath, "/files/a%20b/c%2Fd")
        XCTAssertEqual(head.path, "/files/a b/c/d")
        XCTAssertEqual(head.rawQuery, "name=J%C3%BCrgen+M&empty=&flag&x=1&x=2")
        XCTAssertEqual(head.queryItems, [HTTPQueryItem(name: "name", value: "Jürgen M"), HTTPQueryItem(name: "empty", value: ""),
                                         HTTPQueryItem(name: "flag", value: ""), HTTPQueryItem(name: "x", value: "1"),
                                         HTTPQueryItem(name: "x", value: "2")])
        XCTAssertEqual(head.queryValue("x"), "1")
        XCTAssertEqual(HTTPRequestHead(method: .get, target: "http://h:1/a/b?c").rawPath, "/a/b")
        XCTAssertEqual(HTTPRequestHead(method: .get, target: "http://h:1").rawPath, "/")
        XCTAssertEqual(HTTPRequestHead(method: .get, target: "http://h:1?q").rawPath, "/")
        XCTAssertEqual(HTTPRequestHead(method: .options, target: "*").rawPath, "")
        XCTAssertEqual(HTTPRequestHead(method: .get, target: "/p").rawQuery, nil)
        XCTAssertEqual(PercentEncoding.decode("%zz%4", plusAsSpace: false), "%zz%4", "invalid escapes stay as they are")
        XCTAssertEqual(PercentEncoding.encode("a b/ü", keepSlash: true), "a%20b/%C3%BC")
    }

    func testKeepAliveAndExpect() {
        XCTAssertTrue(HTTPRequestHead(method: .get, target: "/", headers: ["Host": "h"]).keepAlive)
        XCTAssertFalse(HTTPRequestHead(method: .get, target: "/", headers: ["Connection": "Close"]).keepAlive)
        XCTAssertFalse(HTTPRequestHead(method: .get, target: "/", version: .http1_0).keepAlive)
        XCTAssertTrue(HTTPRequestHead(method: .get, target: "/", version: .http1_0, headers: ["Connection": "keep-alive"]).keepAlive)
        XCTAssertTrue(HTTPRequestHead(method: .put, target: "/", headers: ["Expect": "100-Continue"]).expectsContinue)
        XCTAssertFalse(HTTPRequestHead(method: .put, target: "/", version: .http1_0, headers: ["Expect": "100-continue"]).expectsContinue)
    }

    func testStatus() {
        XCTAssertEqual(HTTPStatus(code: 431).reasonPhrase, "Request Header Fields Too Large")
        XCTAssertEqual(HTTPStatus(code: 200, reasonPhrase: "Fine"), .ok)
        XCTAssertTrue(HTTPStatus.notModified.forbidsBody)
        XCTAssertTrue(HTTPMethod.put.isIdempotent)
        XCTAssertFalse(HTTPMethod.post.isIdempotent)
    }
}
