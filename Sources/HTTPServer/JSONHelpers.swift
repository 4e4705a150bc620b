import Foundation
import HTTP

/// Codable JSON in and out. Foundation's coders are used here only, never on the framing path.
extension HTTPRequest {
    /// Reads the body (at most `maxBytes`) and decodes it. Bad JSON is a 400 problem, a wrong
    /// Content-Type a 415, a body too long a 413.
    public func decodeJSON<T: Decodable>(_ type: T.Type, maxBytes: Int = 1 << 20,
                                         decoder: JSONDecoder = JSONDecoder()) async throws(HTTPServerError) -> T {
        if let contentType = headers["content-type"] {
            let media = contentType.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces).lowercased()
            guard media == "application/json" || media.hasSuffix("+json") else {
                throw .problem(.unsupportedMediaType, "expected application/json, got \(contentType)")
            }
        }
        let bytes = try await body.collect(upTo: maxBytes)
        do {
            return try decoder.decode(T.self, from: Data(bytes))
        } catch {
            throw HTTPServerError(.invalidJSON, "the body is not a valid \(T.self): \(Self.describe(error))", status: .badRequest)
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "malformed JSON" }
        switch error {
        case .keyNotFound(let key, _): return "missing key `\(key.stringValue)`"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "at `\(path)`: \(context.debugDescription)"
        @unknown default: return "malformed JSON"
        }
    }
}

extension HTTPResponse {
    /// `value` encoded as `application/json`.
    public static func json<T: Encodable>(_ value: T, status: HTTPStatus = .ok,
                                          encoder: JSONEncoder = JSONEncoder()) throws(HTTPServerError) -> HTTPResponse {
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw HTTPServerError(.invalidJSON, "the response value did not encode: \(error)", status: .internalServerError)
        }
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: .bytes(Array(data)))
    }
}
