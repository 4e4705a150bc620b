import Foundation
import KafkaProtocol
import WireCore

/// Turns a generated message into the JSON shape the reference encoder prints, so the two can
/// be compared field by field: properties by name, byte strings, UUIDs and float64 bit patterns
/// as hex, `unknownTaggedFields` only when non-empty.
enum ValueTree {
    static func tree(_ value: Any) -> Any {
        if let bytes = value as? [UInt8], type(of: value) == [UInt8].self { return hex(bytes) }
        if let view = value as? ByteView { return hex(view.bytes) }
        if let uuid = value as? KafkaUUID {
            return String(format: "%016llx%016llx", uuid.high, uuid.low)
        }
        if let double = value as? Double { return String(format: "%016llx", double.bitPattern) }
        if let string = value as? String { return string }
        if let bool = value as? Bool { return bool }
        if let number = value as? any BinaryInteger { return Int64(number) }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return NSNull() }
            return tree(wrapped)
        case .collection:
            return mirror.children.map { tree($0.value) }
        case .struct:
            var object: [String: Any] = [:]
            for child in mirror.children {
                guard let label = child.label else { continue }
                if label == "unknownTaggedFields", let fields = child.value as? [KafkaTaggedField], fields.isEmpty { continue }
                object[label] = tree(child.value)
            }
            return object
        default:
            return "\(value)"
        }
    }

    /// A canonical text of a JSON-shaped value (sorted keys), the same for Swift trees and for
    /// what JSONSerialization parsed from the reference encoder.
    static func canonical(_ value: Any) -> String {
        if value is NSNull { return "null" }
        if let string = value as? String { return string.debugDescription }
        if let bool = value as? Bool, type(of: value) == Bool.self { return bool ? "1" : "0" }
        if let number = value as? Int64 { return String(number) }
        if let number = value as? Int { return String(number) }
        if let number = value as? NSNumber { return String(number.int64Value) }
        if let array = value as? [Any] { return "[" + array.map(canonical).joined(separator: ",") + "]" }
        if let object = value as? [String: Any] {
            return "{" + object.keys.sorted().map { "\($0):\(canonical(object[$0]!))" }.joined(separator: ",") + "}"
        }
        return "?\(value)"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func bytes(hex: String) -> [UInt8]? {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }
}
