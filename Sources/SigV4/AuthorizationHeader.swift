/// The parsed parts common to a presigned query and an `Authorization` header.
struct SignatureClaim {
    var accessKeyId: String
    var credentialDate: [UInt8]
    var region: String
    var service: String
    var signedHeaders: [[UInt8]]
    var signature: [UInt8]

    /// `AKID/YYYYMMDD/region/service/aws4_request`.
    static func parseCredential(_ value: [UInt8]) throws(SigV4Error) -> (String, [UInt8], String, String) {
        let parts = value.split(separator: ASCII.slash, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[4].elementsEqual("aws4_request".utf8), !parts[0].isEmpty,
              parts[1].count == 8, parts[1].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), !parts[2].isEmpty, !parts[3].isEmpty else {
            throw SigV4Error(.malformedCredential, "expected AKID/YYYYMMDD/region/service/aws4_request, got \(ASCII.string(value.prefix(200)).debugDescription)")
        }
        return (ASCII.string(parts[0]), Array(parts[1]), ASCII.string(parts[2]), ASCII.string(parts[3]))
    }

    /// `host;x-amz-date`: lowercase, sorted, without repeats, as signers produce it.
    static func parseSignedHeaders(_ value: [UInt8], limit: Int) throws(SigV4Error) -> [[UInt8]] {
        let names = value.split(separator: ASCII.semicolon, omittingEmptySubsequences: false).map(Array.init)
        guard !names.isEmpty, names.count <= limit else {
            throw SigV4Error(.malformedSignedHeaders, "signed headers must list 1...\(limit) names")
        }
        for (i, n) in names.enumerated() {
            guard !n.isEmpty, n.allSatisfy({ ASCII.isTokenCharacter($0) && !($0 >= 0x41 && $0 <= 0x5A) }) else {
                throw SigV4Error(.malformedSignedHeaders, "bad signed header name \(ASCII.string(n.prefix(80)).debugDescription)")
            }
            if i > 0 && !names[i - 1].lexicographicallyPrecedes(n) {
                throw SigV4Error(.malformedSignedHeaders, "signed headers are not sorted and unique: \(ASCII.string(value.prefix(200)).debugDescription)")
            }
        }
        return names
    }

    static func checkSignatureFormat(_ value: [UInt8]) throws(SigV4Error) {
        guard HexEncoding.isLowercaseHex(value, count: 64) else {
            throw SigV4Error(.malformedSignature, "signature must be 64 lowercase hex digits")
        }
    }
}

/// `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`; the separators may
/// be `,` or `, ` (AWS's S3 examples use the first, SDKs the second).
enum AuthorizationHeader {
    static func parse(_ value: String, signedHeaderLimit: Int) throws(SigV4Error) -> SignatureClaim {
        let bytes = Array(value.utf8)
        guard bytes.count <= 8192 else { throw SigV4Error(.limitExceeded, "Authorization header longer than 8192 bytes") }
        let trimmed = bytes.drop(while: ASCII.isWhitespace)
        guard let space = trimmed.firstIndex(of: ASCII.space) else {
            throw SigV4Error(.malformedAuthorization, "Authorization has no algorithm and parameters")
        }
        guard trimmed[..<space].elementsEqual(SignatureMath.algorithm.utf8) else {
            throw SigV4Error(.unsupportedAlgorithm, "algorithm \(ASCII.string(trimmed[..<space].prefix(40)).debugDescription) is not AWS4-HMAC-SHA256")
        }
        var credential: [UInt8]?, signedHeaders: [UInt8]?, signature: [UInt8]?
        for item in trimmed[(space + 1)...].split(separator: ASCII.comma, omittingEmptySubsequences: false) {
            let field = Array(item.drop(while: ASCII.isWhitespace).reversed().drop(while: ASCII.isWhitespace).reversed())
            guard let eq = field.firstIndex(of: ASCII.equals) else {
                throw SigV4Error(.malformedAuthorization, "Authorization component without '='")
            }
            let name = ASCII.string(field[..<eq]), v = Array(field[(eq + 1)...])
            func set(_ slot: inout [UInt8]?) throws(SigV4Error) {
                guard slot == nil else { throw SigV4Error(.duplicateParameter, "\(name) appears twice in Authorization") }
                slot = v
            }
            switch name {
            case "Credential": try set(&credential)
            case "SignedHeaders": try set(&signedHeaders)
            case "Signature": try set(&signature)
            default: throw SigV4Error(.malformedAuthorization, "unknown Authorization component \(name.prefix(40).debugDescription)")
            }
        }
        guard let credential else { throw SigV4Error(.missingParameter, "Authorization lacks Credential") }
        guard let signedHeaders else { throw SigV4Error(.missingParameter, "Authorization lacks SignedHeaders") }
        guard let signature else { throw SigV4Error(.missingParameter, "Authorization lacks Signature") }
        let (id, date, region, service) = try SignatureClaim.parseCredential(credential)
        let names = try SignatureClaim.parseSignedHeaders(signedHeaders, limit: signedHeaderLimit)
        try SignatureClaim.checkSignatureFormat(signature)
        return SignatureClaim(accessKeyId: id, credentialDate: date, region: region, service: service,
                              signedHeaders: names, signature: signature)
    }
}
