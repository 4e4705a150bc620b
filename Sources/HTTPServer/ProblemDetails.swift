import HTTP

/// Errors as RFC 9457 problem documents (`application/problem+json`).
extension HTTPResponse {
    /// The problem response for `error`: an `HTTPServerError` keeps its status and detail;
    /// anything else is a 500 whose detail does not leak the error's text.
    public static func problem(for error: any Error, instance: Substring?) -> HTTPResponse {
        if let error = error as? HTTPServerError { return problem(error, instance: instance) }
        return problem(HTTPServerError(.problem, "the server failed to handle the request", status: .internalServerError),
                       instance: instance)
    }

    public static func problem(_ error: HTTPServerError, instance: Substring?) -> HTTPResponse {
        var json = "{\"type\":"
        json += JSONText.quote(error.type ?? "about:blank")
        json += ",\"title\":"
        json += JSONText.quote(error.title ?? (error.status.reasonPhrase.isEmpty ? "Error" : error.status.reasonPhrase))
        json += ",\"status\":\(error.status.code),\"detail\":"
        json += JSONText.quote(error.message)
        if let instance {
            json += ",\"instance\":"
            json += JSONText.quote(String(instance))
        }
        json += "}"
        return HTTPResponse(status: error.status, headers: ["Content-Type": "application/problem+json"], body: .bytes(Array(json.utf8)))
    }
}

enum JSONText {
    /// `text` as a JSON string literal (RFC 8259 §7).
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
