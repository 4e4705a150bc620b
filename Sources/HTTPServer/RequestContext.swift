import HTTP
import Transport

/// What the server and middleware know about a request beyond its bytes.
public struct RequestContext: Sendable {
    /// Values of the route's `:name` segments, percent-decoded.
    public var parameters: PathParameters
    /// The pattern of the matched route (`/tasks/:id`), nil when none matched. Low-cardinality:
    /// use it, not the path, as a metrics label.
    public var route: String?
    /// Set by `RequestIDMiddleware`.
    public var requestID: String?
    public var remoteAddress: SocketAddress?
    /// When the handler is cancelled (`handlerTimeout` after the head arrived).
    public var deadline: Deadline?
    /// Set by `AuthMiddleware`: whoever the credentials identify.
    public var principal: (any Sendable)?

    public init(parameters: PathParameters = PathParameters(), route: String? = nil, requestID: String? = nil,
                remoteAddress: SocketAddress? = nil, deadline: Deadline? = nil, principal: (any Sendable)? = nil) {
        self.parameters = parameters
        self.route = route
        self.requestID = requestID
        self.remoteAddress = remoteAddress
        self.deadline = deadline
        self.principal = principal
    }
}

/// Route parameters in the order of the pattern.
public struct PathParameters: Sendable, Equatable {
    var storage: [(name: String, value: String)] = []

    public init() {}

    public init(_ pairs: [(name: String, value: String)]) { storage = pairs }

    public subscript(name: String) -> String? {
        storage.first { $0.name == name }?.value
    }

    /// The parameter converted to `T`, or a 400 problem if it is missing or does not convert.
    public func require<T: LosslessStringConvertible>(_ name: String, as type: T.Type = T.self) throws(HTTPServerError) -> T {
        guard let text = self[name], let value = T(text) else {
            throw .problem(.badRequest, "path parameter `\(name)` must be a \(T.self)")
        }
        return value
    }

    public var count: Int { storage.count }

    public static func == (lhs: PathParameters, rhs: PathParameters) -> Bool {
        lhs.storage.elementsEqual(rhs.storage) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// A request handler.
public typealias HTTPHandler = @Sendable (HTTPRequest, RequestContext) async throws -> HTTPResponse
