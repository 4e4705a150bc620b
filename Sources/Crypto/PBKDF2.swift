import COpenSSL

/// PBKDF2 (RFC 8018) with an HMAC pseudo-random function, as SCRAM's `Hi()`.
public enum PBKDF2 {
    public static func derive<P: Collection, S: Collection>(
        _ algorithm: HashAlgorithm, password: P, salt: S, iterations: Int, length: Int
    ) throws(CryptoError) -> [UInt8] where P.Element == UInt8, S.Element == UInt8 {
        guard iterations > 0, iterations <= Int(Int32.max) else {
            throw CryptoError(.invalidParameter, "PBKDF2 iterations must be 1...\(Int32.max), got \(iterations)")
        }
        guard length > 0, length <= 1 << 20 else {
            throw CryptoError(.invalidParameter, "PBKDF2 output length must be 1...1048576, got \(length)")
        }
        let pw = Array(password)
        let sa = Array(salt)
        var out = [UInt8](repeating: 0, count: length)
        let ok = pw.withUnsafeBufferPointer { p in
            sa.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer { o in
                    p.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
                        .map { PKCS5_PBKDF2_HMAC($0, Int32(pw.count), s.baseAddress, Int32(sa.count),
                                                 Int32(iterations), algorithm.md, Int32(length), o.baseAddress) }
                        ?? PKCS5_PBKDF2_HMAC("", 0, s.baseAddress, Int32(sa.count),
                                             Int32(iterations), algorithm.md, Int32(length), o.baseAddress)
                }
            }
        }
        guard ok == 1 else { throw CryptoError(.openSSLFailure, "PKCS5_PBKDF2_HMAC failed: \(OpenSSLErrors.drain())") }
        return out
    }
}
