import Crypto
import Synchronization

/// What a signer needs per day: the signing key, the credential scope and the credential in
/// both forms. Days change rarely, so one slot per signer is enough (the shared
/// `SigningKeyCache` serves other days) and a signature needs no dictionary lookup.
final class SigningDayCache: Sendable {
    struct State: Sendable {
        let day: Int64
        let key: HMACKey
        /// `YYYYMMDD/region/service/aws4_request`.
        let credentialScope: [UInt8]
        /// `AKID/YYYYMMDD/region/service/aws4_request`, for the Authorization header.
        let credential: [UInt8]
        /// The same, encoded for a query string: `AKID%2FYYYYMMDD%2F...`.
        let encodedCredential: [UInt8]
    }

    private let slot = Mutex<State?>(nil)

    func state(for date: AmzDate, signer: SigV4Signer) -> State {
        if let current = slot.withLock({ $0 }), current.day == date.day { return current }
        let scope = signer.scope.credentialScope(date)
        var credential = Array(signer.credentials.accessKeyId.utf8)
        credential.append(ASCII.slash)
        credential.append(contentsOf: scope)
        let state = State(day: date.day,
                          key: signer.keys.key(secret: signer.credentials.secretAccessKey, date: date, scope: signer.scope),
                          credentialScope: scope, credential: credential,
                          encodedCredential: URIEncoding.encode(credential, keepSlash: false))
        slot.withLock { $0 = state }
        return state
    }
}
