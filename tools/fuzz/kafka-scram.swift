// fuzz-modules: WireCore Crypto SASL Transport KafkaProtocol KafkaClient
// Feeds arbitrary bytes to the SCRAM client as the server's messages (server-first, then the
// same bytes as server-final). Parsing must never trap: bad input is an authenticationFailed
// error. Inputs asking for more than 5000 PBKDF2 iterations are skipped to keep runs fast (the
// iteration limit itself is a unit test).
import KafkaClient

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for part in text.split(separator: ",") where part.hasPrefix("i=") {
        if let n = Int(part.dropFirst(2)), n > 5000 { return 0 }
    }
    var client = SCRAMClient(algorithm: size % 2 == 0 ? .sha256 : .sha512, username: "user", password: "pencil",
                             clientNonce: "fuzz")
    do {
        _ = try client.clientFinalMessage(serverFirst: text)
    } catch {
        if error.code != .authenticationFailed { fatalError("unexpected error code \(error.code)") }
    }
    do {
        try client.verifyServerFinal(text)
    } catch {
        if error.code != .authenticationFailed { fatalError("unexpected error code \(error.code)") }
    }
    return 0
}
