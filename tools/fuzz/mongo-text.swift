// fuzz-modules: WireCore Crypto SASL Transport BSON MongoClient
// The text parsers of the MongoDB client: connection strings, SCRAM server messages and SASLprep.
// No input may trap; a URL that parses must name at least one host with a port in 1...65535; a
// SCRAM server-first message is answered or refused with authenticationFailed only; SASLprep
// output is stable (preparing it again changes nothing) or refused with invalidPassword.
import MongoClient
import SASL

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    if let url = try? ConnectionString("mongodb://" + text) {
        if url.hosts.isEmpty || url.hosts.contains(where: { !(1...65535).contains($0.port) || $0.host.isEmpty }) {
            fatalError("a parsed URL with a bad host list: \(url.hosts)")
        }
    }
    _ = try? ConnectionString(text)
    do {
        var scram = try ScramClient(mechanism: .sha256, username: "u", preparedPassword: [1, 2, 3], clientNonce: "n")
        // Keep PBKDF2 cheap: skip inputs that ask for many iterations (the limit itself is a unit test).
        let iterations = text.split(separator: ",").first { $0.hasPrefix("i=") }.flatMap { Int($0.dropFirst(2)) }
        if iterations.map({ $0 <= 5000 }) ?? true {
            _ = try scram.clientFinalMessage(serverFirst: text)
            try scram.verify(serverFinal: text)
        }
    } catch {
        if error.code != .authenticationFailed { fatalError("SCRAM refused with \(error.code)") }
    }
    do {
        let prepared = try SASLprep.prepare(text)
        if (try? SASLprep.prepare(prepared)) != prepared { fatalError("SASLprep is not idempotent on \(Array(text.unicodeScalars))") }
    } catch {
        if error.code != .invalidPassword { fatalError("SASLprep refused with \(error.code)") }
    }
    return 0
}
