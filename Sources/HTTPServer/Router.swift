import HTTP

/// Maps method and path to a handler. Patterns are `/`-separated segments: literal text,
/// `:name` (one segment, captured) or a final `*` (the rest, captured as `*`).
///
///     var router = Router()
///     router.get("/hello") { _, _ in .text("Hello, World!") }
///     router.get("/tasks/:id") { _, context in .text(context.parameters["id"] ?? "") }
///     router.use(RequestIDMiddleware())
///
/// Literal routes are found with one dictionary lookup; others by walking a segment tree.
/// Middleware wraps every route and the 404/405 answers, in the order added (first is outermost),
/// and is composed once when the server starts, not per request.
public struct Router: Sendable {
    struct Route: Sendable {
        let method: HTTPMethod
        let pattern: String
        let handler: HTTPHandler
    }

    /// One segment level of the tree.
    final class Node: @unchecked Sendable {
        // Mutated only while routes are added (before the server starts), read-only afterwards.
        var literal: [String: Node] = [:]
        /// The child for a `:name` segment. Names belong to routes, not to the node: `/a/:id` and
        /// `/a/:key/b` share this child and each route names its own values.
        var parameter: Node?
        var rest: [Int]?
        var routes: [Int] = []
    }

    var routes: [Route] = []
    var middleware: [any HTTPMiddleware] = []
    var notFound: HTTPHandler = { request, _ in
        throw HTTPServerError.problem(.notFound, "no resource at \(request.head.rawPath)")
    }

    public init() {}

    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ handler: @escaping HTTPHandler) {
        routes.append(Route(method: method, pattern: pattern, handler: handler))
    }

    public mutating func get(_ pattern: String, _ handler: @escaping HTTPHandler) { add(.get, pattern, handler) }
    public mutating func post(_ pattern: String, _ handler: @escaping HTTPHandler) { add(.post, pattern, handler) }
    public mutating func put(_ pattern: String, _ handler: @escaping HTTPHandler) { add(.put, pattern, handler) }
    public mutating func patch(_ pattern: String, _ handler: @escaping HTTPHandler) { add(.patch, pattern, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping HTTPHandler) { add(.delete, pattern, handler) }
    public mutating func head(_ pattern: String, _ handler: @escaping HTTPHandler) { add(.head, pattern, handler) }

    public mutating func use(_ middleware: any HTTPMiddleware) { self.middleware.append(middleware) }

    /// Wraps every handler in a closure middleware.
    public mutating func use(_ body: @escaping @Sendable (HTTPRequest, RequestContext, HTTPHandler) async throws -> HTTPResponse) {
        middleware.append(ClosureMiddleware(body: body))
    }

    /// The handler for paths no route matches (default: a 404 problem).
    public mutating func setNotFound(_ handler: @escaping HTTPHandler) { notFound = handler }

    func compiled() -> CompiledRouter { CompiledRouter(self) }
}

/// A router frozen for serving: handlers already wrapped in the middleware chain.
struct CompiledRouter: Sendable {
    struct Match {
        let handler: HTTPHandler
        let pattern: String?
        var parameters: PathParameters
    }

    private struct Entry: Sendable {
        let method: HTTPMethod
        let pattern: String
        let handler: HTTPHandler
        /// The route's `:name`s in order, then `*` if it ends in one.
        let parameterNames: [String]
    }

    /// Routes without parameters, by exact raw path.
    private let literal: [String: [Entry]]
    private let root: Router.Node
    private let entries: [Entry]
    private let notFound: HTTPHandler
    private let chain: [any HTTPMiddleware]
    private let hasPatterns: Bool

    init(_ router: Router) {
        chain = router.middleware
        let chain = router.middleware
        func wrap(_ handler: @escaping HTTPHandler) -> HTTPHandler {
            chain.reversed().reduce(handler) { next, middleware in
                { request, context in try await middleware.handle(request, context: context, next: next) }
            }
        }
        var literal: [String: [Entry]] = [:]
        var entries: [Entry] = []
        let root = Router.Node()
        var hasPatterns = false
        for route in router.routes {
            let segments = route.pattern.split(separator: "/", omittingEmptySubsequences: true)
            let names = segments.compactMap { $0 == "*" ? "*" : $0.hasPrefix(":") ? String($0.dropFirst()) : nil }
            let entry = Entry(method: route.method, pattern: route.pattern, handler: wrap(route.handler), parameterNames: names)
            let index = entries.count
            entries.append(entry)
            if !segments.contains(where: { $0.hasPrefix(":") || $0 == "*" }) {
                literal["/" + segments.joined(separator: "/"), default: []].append(entry)
                continue
            }
            hasPatterns = true
            var node = root
            for segment in segments {
                if segment == "*" {
                    node.rest = (node.rest ?? []) + [index]
                    break
                } else if segment.hasPrefix(":") {
                    if let existing = node.parameter {
                        node = existing
                    } else {
                        let child = Router.Node()
                        node.parameter = child
                        node = child
                    }
                } else {
                    let key = String(segment)
                    if let child = node.literal[key] { node = child } else {
                        let child = Router.Node()
                        node.literal[key] = child
                        node = child
                    }
                }
            }
            if segments.last != "*" { node.routes.append(index) }
        }
        self.literal = literal
        self.entries = entries
        self.root = root
        self.hasPatterns = hasPatterns
        self.notFound = wrap(router.notFound)
    }

    /// The handler for `method` on `rawPath` (still percent-encoded), with captured parameters.
    /// HEAD falls back to GET. A path that matches with another method answers 405.
    func match(method: HTTPMethod, rawPath: Substring) -> Match {
        var pathMatched = false
        var allowed: [HTTPMethod] = []
        // Literal routes first: one lookup for the common case. "/a/" and "/a" are the same route.
        let key = rawPath.utf8.count > 1 && rawPath.utf8.last == UInt8(ascii: "/") ? String(rawPath.dropLast()) : String(rawPath)
        if let candidates = literal[key] {
            if let entry = Self.pick(candidates, method) {
                return Match(handler: entry.handler, pattern: entry.pattern, parameters: PathParameters())
            }
            pathMatched = true
            allowed += candidates.map(\.method)
        }
        if hasPatterns {
            var values: [String] = []
            if let indices = Self.walk(root, rawPath.split(separator: "/", omittingEmptySubsequences: true)[...], &values) {
                let candidates = indices.map { entries[$0] }
                if let entry = Self.pick(candidates, method) {
                    let parameters = zip(entry.parameterNames, values).map { (name: $0, value: $1) }
                    return Match(handler: entry.handler, pattern: entry.pattern, parameters: PathParameters(parameters))
                }
                pathMatched = true
                allowed += candidates.map(\.method)
            }
        }
        if pathMatched {
            let allow = Self.allowHeader(allowed)
            let notAllowed = wrapNotAllowed(allow)
            return Match(handler: notAllowed, pattern: nil, parameters: PathParameters())
        }
        return Match(handler: notFound, pattern: nil, parameters: PathParameters())
    }

    private static func pick(_ entries: [Entry], _ method: HTTPMethod) -> Entry? {
        if let exact = entries.first(where: { $0.method == method }) { return exact }
        if method == .head { return entries.first { $0.method == .get } }
        return nil
    }

    private static func allowHeader(_ methods: [HTTPMethod]) -> String {
        var names: [String] = []
        for m in methods where !names.contains(m.rawValue) { names.append(m.rawValue) }
        if names.contains("GET") && !names.contains("HEAD") { names.append("HEAD") }
        return names.joined(separator: ", ")
    }

    private func wrapNotAllowed(_ allow: String) -> HTTPHandler {
        let chain = self.chain
        let handler: HTTPHandler = { request, _ in
            var response = HTTPResponse.problem(HTTPServerError.problem(.methodNotAllowed,
                "\(request.method) is not allowed on \(request.head.rawPath); allowed: \(allow)"), instance: nil)
            response.headers.add(name: "Allow", value: allow)
            return response
        }
        return chain.reversed().reduce(handler) { next, middleware in
            { request, context in try await middleware.handle(request, context: context, next: next) }
        }
    }

    /// Depth-first: literal segments before parameters before `*`, so `/tasks/new` beats `/tasks/:id`.
    private static func walk(_ node: Router.Node, _ segments: ArraySlice<Substring>,
                             _ values: inout [String]) -> [Int]? {
        guard let segment = segments.first else {
            if !node.routes.isEmpty { return node.routes }
            if let rest = node.rest {
                values.append("")
                return rest
            }
            return nil
        }
        if let child = node.literal[String(segment)], let found = walk(child, segments.dropFirst(), &values) {
            return found
        }
        if let child = node.parameter {
            values.append(PercentEncoding.decode(segment, plusAsSpace: false))
            if let found = walk(child, segments.dropFirst(), &values) { return found }
            values.removeLast()
        }
        if let rest = node.rest {
            let value = segments.map { PercentEncoding.decode($0, plusAsSpace: false) }.joined(separator: "/")
            values.append(value)
            return rest
        }
        return nil
    }
}
