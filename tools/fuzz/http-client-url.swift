// fuzz-modules: WireCore Crypto Transport HTTP HTTPClient
// Feeds arbitrary bytes to the HTTP client's URL parser and to redirect resolution (a Location
// header is the server's text): nothing may trap, every failure is an HTTPClientError, and a URL
// that parses prints as text that parses back to the same URL.
import HTTPClient

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let url = try? HTTPClientURL(text) {
        check(url)
    }
    if let base = try? HTTPClientURL("http://example.com:8080/a/b/c?q=1"), let resolved = try? base.resolving(text) {
        check(resolved)
    }
    return 0
}

func check(_ url: HTTPClientURL) {
    guard let again = try? HTTPClientURL(url.description) else { fatalError("\(url) does not parse back") }
    if again != url { fatalError("\(url) parses back as \(again)") }
    if url.target.isEmpty || url.target.first != "/" { fatalError("target \(url.target) does not start with /") }
}
