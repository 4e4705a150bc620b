import KafkaProtocol
import WireCore

/// Names the parts of Kafka frames: size, request/response header (API key and name, version,
/// correlation id, client id, tagged fields), every field of the body by its schema name, and the
/// record batches inside produce and fetch messages, record by record.
///
/// Responses do not say which API they answer, so the annotator remembers each request it saw by
/// correlation id: annotate the frames of one connection in the order they crossed it.
public struct KafkaAnnotator: Sendable {
    private var pending: [Int32: (apiKey: Int16, version: Int16)] = [:]

    public init() {}

    public mutating func annotate(_ frame: [UInt8], direction: AnnotatedFrame.Direction) -> AnnotatedFrame {
        var fields: [AnnotatedField] = []
        var summary = "Kafka frame"
        var failure: String?
        do {
            summary = direction == .sent ? try request(frame, into: &fields) : try response(frame, into: &fields)
        } catch {
            failure = error.message
        }
        return AnnotatedFrame(direction: direction, protocolName: "Kafka", summary: summary, bytes: frame,
                              fields: fields, decodeFailure: failure)
    }

    private mutating func request(_ frame: [UInt8], into fields: inout [AnnotatedField]) throws(AnnotationError) -> String {
        var reader = ByteReader(frame)
        let size = reader.readInt32BE()
        let apiKey = reader.readInt16BE()
        let version = reader.readInt16BE()
        let correlationId = reader.readInt32BE()
        let clientIdLength = reader.readInt16BE()
        guard !reader.failed else { throw AnnotationError("request header cut short") }
        let name = KafkaGeneratedMessages.requests[apiKey].map { String($0.messageName.dropLast("Request".count)) } ?? "unknown API"
        fields.append(AnnotatedField(0..<4, "size", String(size)))
        fields.append(AnnotatedField(4..<6, "request_api_key", "\(apiKey) (\(name))"))
        fields.append(AnnotatedField(6..<8, "request_api_version", String(version)))
        fields.append(AnnotatedField(8..<12, "correlation_id", String(correlationId)))
        var offset = 14
        if clientIdLength >= 0 {
            offset += Int(clientIdLength)
            guard offset <= frame.count else { throw AnnotationError("client_id runs past the frame") }
            fields.append(AnnotatedField(12..<offset, "client_id", TraceText.quoted(frame[14..<offset])))
        } else {
            fields.append(AnnotatedField(12..<14, "client_id", "null"))
        }
        pending[correlationId] = (apiKey, version)
        guard let type = KafkaGeneratedMessages.requests[apiKey], type.validVersions.contains(version) else {
            return "\(name) v\(version) request, correlation id \(correlationId) (body not decoded: unknown version)"
        }
        if type.isFlexible(version) { offset = try taggedFields(frame, at: offset, name: "header tagged fields", into: &fields) }
        try body(of: type, frame, from: offset, version: version, into: &fields)
        return "\(name) v\(version) request, correlation id \(correlationId)"
    }

    private mutating func response(_ frame: [UInt8], into fields: inout [AnnotatedField]) throws(AnnotationError) -> String {
        var reader = ByteReader(frame)
        let size = reader.readInt32BE()
        let correlationId = reader.readInt32BE()
        guard !reader.failed else { throw AnnotationError("response header cut short") }
        fields.append(AnnotatedField(0..<4, "size", String(size)))
        fields.append(AnnotatedField(4..<8, "correlation_id", String(correlationId)))
        guard let (apiKey, version) = pending.removeValue(forKey: correlationId),
              let requestType = KafkaGeneratedMessages.requests[apiKey]
        else { return "response, correlation id \(correlationId) (no request seen with that id)" }
        let name = String(requestType.messageName.dropLast("Request".count))
        var offset = 8
        if requestType.responseHeaderVersion(for: version) >= 1 {
            offset = try taggedFields(frame, at: offset, name: "header tagged fields", into: &fields)
        }
        try body(of: Self.responseType(of: requestType), frame, from: offset, version: version, into: &fields)
        return "\(name) v\(version) response, correlation id \(correlationId)"
    }

    private static func responseType<R: KafkaRequest>(of request: R.Type) -> any KafkaMessage.Type { R.Response.self }

    private func taggedFields(_ frame: [UInt8], at offset: Int, name: String,
                              into fields: inout [AnnotatedField]) throws(AnnotationError) -> Int {
        var reader = ByteReader(frame)
        reader.skip(offset)
        let count = reader.readUVarInt32()
        for _ in 0..<min(count, 1000) {
            _ = reader.readUVarInt32()
            let length = reader.readUVarInt32()
            reader.skip(Int(length))
        }
        guard !reader.failed else { throw AnnotationError("tagged fields at \(offset) run past the frame") }
        fields.append(AnnotatedField(offset..<reader.offset, name, "\(count) fields"))
        return reader.offset
    }

    /// Decodes the body with the generated codec and lists its fields by schema name. The codec
    /// does not report per-field offsets, so body fields are listed at the body's start; record
    /// batches are then located in the frame and walked byte by byte.
    private func body(of type: any KafkaMessage.Type, _ frame: [UInt8], from offset: Int, version: Int16,
                      into fields: inout [AnnotatedField]) throws(AnnotationError) {
        let bytes = Array(frame[offset...])
        let value: any KafkaMessage
        do {
            value = try type.decode(bytes, version: version)
        } catch {
            throw AnnotationError("\(type.messageName) v\(version) body at offset \(offset): \(error)")
        }
        fields.append(AnnotatedField(offset..<offset, "body", "\(type.messageName) v\(version), \(bytes.count) bytes"))
        var recordSets: [Range<Int>] = []
        MirrorFields.append(value, at: offset, depth: 1, into: &fields, recordSets: &recordSets)
        var covered: [Range<Int>] = []
        // A decoded `records` field is a view of the body's bytes, so its range says where the
        // batches sit in the frame.
        for records in recordSets where !records.isEmpty {
            let inFrame = (offset + records.lowerBound)..<(offset + records.upperBound)
            RecordBatchAnnotator.annotate(frame, range: inFrame, into: &fields)
            covered.append(inFrame)
        }
        // The body's own bytes (all but the record batches), under the field list they encode.
        var cursor = offset
        for range in covered + [frame.count..<frame.count] {
            if range.lowerBound > cursor {
                fields.append(AnnotatedField(cursor..<range.lowerBound, "body bytes", "the fields listed above", depth: 1))
            }
            cursor = max(cursor, range.upperBound)
        }
    }
}

/// Lists a decoded message's stored properties (Swift names, which mirror the schema's) as fields.
enum MirrorFields {
    static func append(_ value: Any, at offset: Int, depth: Int, into fields: inout [AnnotatedField],
                       recordSets: inout [Range<Int>]) {
        guard depth < 12, fields.count < 5000 else { return }
        for child in Mirror(reflecting: value).children {
            guard let label = child.label, label != "unknownTaggedFields" || !isEmptyCollection(child.value) else { continue }
            // Exact type checks: `as? [UInt8]` would also accept an empty array of any element type.
            let isBytes = type(of: child.value) == [UInt8].self || type(of: child.value) == Optional<[UInt8]>.self
            if isBytes, let bytes = child.value as? [UInt8] ?? (child.value as? [UInt8]?) ?? nil {
                fields.append(AnnotatedField(offset..<offset, label, "\(bytes.count) bytes", depth: depth))
                ConsumerProtocolFields.append(label: label, bytes, at: offset, depth: depth + 1, into: &fields)
                continue
            }
            let isView = type(of: child.value) == ByteView.self || type(of: child.value) == Optional<ByteView>.self
            if isView, let view = child.value as? ByteView ?? (child.value as? ByteView?) ?? nil {
                if label == "records" { recordSets.append(view.range) }
                fields.append(AnnotatedField(offset..<offset, label, "\(view.count) bytes", depth: depth))
                continue
            }
            let mirror = Mirror(reflecting: child.value)
            switch mirror.displayStyle {
            case .collection?:
                fields.append(AnnotatedField(offset..<offset, label, "[\(mirror.children.count)]", depth: depth))
                for (index, element) in mirror.children.enumerated() {
                    if isScalar(element.value) {
                        fields.append(AnnotatedField(offset..<offset, "[\(index)]", render(element.value), depth: depth + 1))
                    } else {
                        fields.append(AnnotatedField(offset..<offset, "[\(index)]", "", depth: depth + 1))
                        append(element.value, at: offset, depth: depth + 2, into: &fields, recordSets: &recordSets)
                    }
                }
            case .struct?, .class?:
                fields.append(AnnotatedField(offset..<offset, label, "", depth: depth))
                append(child.value, at: offset, depth: depth + 1, into: &fields, recordSets: &recordSets)
            case .optional?:
                if let wrapped = mirror.children.first?.value {
                    if isScalar(wrapped) {
                        fields.append(AnnotatedField(offset..<offset, label, render(wrapped), depth: depth))
                    } else {
                        fields.append(AnnotatedField(offset..<offset, label, "", depth: depth))
                        append(wrapped, at: offset, depth: depth + 1, into: &fields, recordSets: &recordSets)
                    }
                } else {
                    fields.append(AnnotatedField(offset..<offset, label, "null", depth: depth))
                }
            default:
                fields.append(AnnotatedField(offset..<offset, label, render(child.value), depth: depth))
            }
        }
    }

    static func isEmptyCollection(_ value: Any) -> Bool {
        let mirror = Mirror(reflecting: value)
        return mirror.displayStyle == .collection && mirror.children.isEmpty
    }

    static func isScalar(_ value: Any) -> Bool {
        let style = Mirror(reflecting: value).displayStyle
        return style == nil || style == .enum
    }

    static func render(_ value: Any) -> String {
        if let text = value as? String { return TraceText.quoted(Array(text.utf8)) }
        return TraceText.truncated(String(describing: value))
    }
}

extension Array where Element == UInt8 {
    /// Where `needle` first occurs at or after `from`.
    func firstIndex(of needle: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, needle.count <= count else { return nil }
        var index = from
        while index + needle.count <= count {
            if self[index] == needle[0], self[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
