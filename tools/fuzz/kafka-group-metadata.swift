// fuzz-modules: WireCore KafkaProtocol
// Decodes arbitrary bytes as a group member's JoinGroup metadata, the way a group leader reads
// other clients' subscriptions: as a ConsumerProtocolSubscription of any version, and as sticky
// assignor user data. Neither may trap; user data that decodes must re-encode to the same
// value (a bare 4-byte generation re-encodes in the longer form, so only the value is compared).
import KafkaProtocol
import WireCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let (_, subscription) = try? KafkaConsumerProtocol.decodeSubscription(bytes), let userData = subscription.userData {
        _ = StickyAssignorUserData.decode(userData)
    }
    if let sticky = StickyAssignorUserData.decode(bytes) {
        guard let again = StickyAssignorUserData.decode(sticky.encoded()), again == sticky else {
            fatalError("sticky user data changed in a round trip")
        }
    }
    return 0
}
