import WireCore
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
        json += JSONString.quoted(error.type ?? "about:blank")
        json += ",\"title\":"
        json += JSONString.quoted(error.title ?? (error.status.reasonPhrase.isEmpty ? "Error" : error.status.reasonPhrase))
        json += ",\"status\":\(error.status.code),\"detail\":"
        json += JSONString.quoted(error.message)
        if let instance {
            json += ",\"instance\":"
            json += JSONString.quoted(String(instance))
        }
        json += "}"
        return HTTPResponse(status: error.status, headers: ["Content-Type": "application/problem+json"], body: .bytes(Array(json.utf8)))
    }
}
