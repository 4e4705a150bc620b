// fuzz-modules: Crypto SigV4
// Feeds arbitrary bytes to the SigV4 verifier's parsers (URL, request target, query string,
// Authorization header, X-Amz-Date) and checks round trips: nothing may trap, a decoded
// query re-encodes stably, a parsed date formats back to its input, and any key the presigner
// accepts yields a URL the verifier accepts.
// The first byte picks the entry point; the rest is the input.
import SigV4

let credentials = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                              sessionToken: "token/+=")
// 2015-08-30T12:36:00Z, the date of the AWS suites.
let signingTime: Int64 = 1_440_938_160

// Built once: they are immutable values, and building them per input would dominate the run.
let signingDate = try? AmzDate(secondsSinceEpoch: signingTime)
let presigner = try? S3Presigner(credentials: credentials, region: "us-east-1", style: .path)
let verifier: SigV4Verifier? = (try? ServiceScope(region: "us-east-1", service: "s3")).map { scope in
    var v = SigV4Verifier(scope: scope, rules: .s3) { $0 == credentials.accessKeyId ? credentials.secretAccessKey : nil }
    v.maximumTargetLength = 8192
    return v
}

func fail(_ message: String) -> Never {
    fatalError("sigv4 fuzz: \(message)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let mode = data[0] % 6
    let input = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let text = String(decoding: input, as: UTF8.self)
    guard let now = signingDate, let verifier, let presigner else { fail("setup") }

    switch mode {
    case 0:
        _ = try? verifier.verifyPresignedURL(text, method: "GET", now: now)
    case 1:
        _ = try? verifier.verifyPresigned(method: "PUT", target: text, headers: [HTTPHeader("Host", "examplebucket.s3.amazonaws.com")], now: now)
    case 2:
        let headers = [HTTPHeader("Host", "s3.amazonaws.com"), HTTPHeader("Authorization", text),
                       HTTPHeader("X-Amz-Date", "20150830T123600Z"), HTTPHeader("x-amz-content-sha256", "UNSIGNED-PAYLOAD")]
        _ = try? verifier.verifyAuthorization(method: "GET", target: "/examplebucket/key", headers: headers, payload: nil, now: now)
    case 3:
        guard let parameters = try? QueryParameter.parse(input) else { return 0 }
        for p in parameters {
            let name = URIEncoding.encode(p.name, keepSlash: false)
            if URIEncoding.decode(name) != p.name { fail("decode(encode(x)) != x") }
            if URIEncoding.encode(URIEncoding.decode(name), keepSlash: false) != name { fail("encoding not stable") }
        }
    case 4:
        if let date = try? AmzDate(parsing: input) {
            if date.bytes != input { fail("parsed date \(date) does not format back to its input") }
        }
    default:
        guard let url = try? presigner.presignedURL(method: "GET", bucket: "examplebucket", key: text, expires: 900, at: now)
        else { return 0 }
        do {
            _ = try verifier.verifyPresignedURL(url, method: "GET", now: now)
        } catch {
            fail("our own URL for key \(text.debugDescription) was refused: \(error)")
        }
    }
    return 0
}
