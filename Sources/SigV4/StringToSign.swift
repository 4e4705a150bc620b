import Crypto

/// The three SigV4 steps after canonicalisation: hash the canonical request, build the string
/// to sign, HMAC it with the signing key.
enum SignatureMath {
    static let algorithm = "AWS4-HMAC-SHA256"

    /// `METHOD\nURI\nQUERY\nHEADERS\n\nSIGNED\nPAYLOAD`. The headers block already ends in `\n`,
    /// so the blank line comes from the separator after it.
    static func canonicalRequest(method: String, uri: [UInt8], query: [UInt8],
                                 headers: CanonicalHeaders, payloadHash: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(method.utf8.count + uri.count + query.count + headers.block.count
                            + headers.signedHeaders.count + payloadHash.utf8.count + 8)
        out.append(utf8: method)
        out.append(ASCII.newline)
        out.append(contentsOf: uri)
        out.append(ASCII.newline)
        out.append(contentsOf: query)
        out.append(ASCII.newline)
        out.append(contentsOf: headers.block)
        out.append(ASCII.newline)
        out.append(contentsOf: headers.signedHeaders)
        out.append(ASCII.newline)
        out.append(utf8: payloadHash)
        return out
    }

    /// `AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256(canonical request)>`.
    static func stringToSign(date: AmzDate, credentialScope: [UInt8], canonicalRequest: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(17 + 17 + credentialScope.count + 1 + 64)
        out.append(ascii: "AWS4-HMAC-SHA256\n")
        out.append(contentsOf: date.bytes)
        out.append(ASCII.newline)
        out.append(contentsOf: credentialScope)
        out.append(ASCII.newline)
        HexEncoding.append(Digest.sha256(canonicalRequest), to: &out)
        return out
    }

    /// Lowercase hex HMAC-SHA256 of the string to sign.
    static func signature(key: HMACKey, stringToSign: [UInt8]) -> [UInt8] {
        HexEncoding.encode(key.authenticate(stringToSign))
    }

    /// Compares two signatures without an early exit, so the time taken does not reveal how
    /// many leading characters of a forged signature were right.
    static func constantTimeEqual(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for (x, y) in zip(a, b) { diff |= x ^ y }
        return diff == 0
    }
}
