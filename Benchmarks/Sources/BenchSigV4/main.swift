// BenchSigV4: presigned S3 URLs per second, one thread. Run through `tools/bench sigv4`,
// which runs botocore's generate_presigned_url on the same workload in the same run.
//
//   BenchSigV4 [--seconds S]   prints `url=<first URL>` (checked against botocore by the
//                              script) and `ours=<urls per second>`
import Foundation
import SigV4

let arguments = CommandLine.arguments
var seconds = 3.0
if let i = arguments.firstIndex(of: "--seconds"), i + 1 < arguments.count, let s = Double(arguments[i + 1]) { seconds = s }

// The workload botocore_presign.py's bench uses: virtual-hosted GETs in us-east-1, 1000 keys
// with a space and '+' and '=' in them, one-hour expiry, the suite's example credentials.
let credentials = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
let keys = (0..<1000).map { i -> String in
    let digits = String(i)
    return "photos/2026/img \(String(repeating: "0", count: 4 - digits.count))\(digits)+v=1.jpg"
}

do {
    let presigner = try S3Presigner(credentials: credentials, region: "us-east-1")
    // 2015-08-30T12:36:00Z: the time botocore is pinned to for the equality check.
    let date = try AmzDate(secondsSinceEpoch: 1_440_938_160)
    print("url=\(try presigner.presignedURL(method: "GET", bucket: "examplebucket", key: keys[0], expires: 3600, at: date))")

    let clock = ContinuousClock()
    var produced = 0
    var bytes = 0
    let start = clock.now
    var elapsed = Duration.zero
    repeat {
        for key in keys.prefix(100) {
            bytes &+= try presigner.presignedURL(method: "GET", bucket: "examplebucket", key: key, expires: 3600, at: date).utf8.count
        }
        produced += 100
        elapsed = clock.now - start
    } while elapsed < .milliseconds(Int64(seconds * 1000))
    let (s, atto) = elapsed.components
    let rate = Double(produced) / (Double(s) + Double(atto) / 1e18)
    print("bytes=\(bytes)")

    // For information (not the RESULT): Authorization-header signing of an S3 PUT, which the
    // S3 client does per request, through the general signer.
    let signer = presigner.signer
    let headerStart = clock.now
    var signedCount = 0
    repeat {
        for key in keys.prefix(100) {
            let address = try S3ObjectAddress(bucket: "examplebucket", key: key, endpoint: presigner.endpoint, style: .virtualHosted)
            let request = SignableRequest(method: "PUT", encodedPath: address.path,
                                          headers: [HTTPHeader("Host", address.host), HTTPHeader("Content-Type", "image/jpeg")])
            bytes &+= try signer.signHeaders(request, payload: .unsigned, at: date).authorization.utf8.count
        }
        signedCount += 100
    } while clock.now - headerStart < .milliseconds(Int64(seconds * 500))
    let (hs, ha) = (clock.now - headerStart).components
    print("info: Authorization-header signing \(Int((Double(signedCount) / (Double(hs) + Double(ha) / 1e18)).rounded())) requests/s")
    print("ours=\(String(Int(rate.rounded())))")
} catch {
    print("BenchSigV4 failed: \(error)")
    exit(1)
}
