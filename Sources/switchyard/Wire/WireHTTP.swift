import ArgumentParser
import Foundation
import HTTP
import HTTPClient

/// `switchyard wire http get|post URL`: one request with our HTTP/1.1 client.
struct WireHTTP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "HTTP/1.1: GET or POST with our client; prints the status line, headers (with -i) and body.",
        subcommands: [Get.self, Post.self])

    struct Options: ParsableArguments {
        @Option(name: [.customShort("H"), .customLong("header")], help: "A request header as 'Name: value' (repeat for more).")
        var headers: [String] = []
        @Flag(name: [.customShort("i"), .customLong("include")], help: "Print the status line and response headers before the body.")
        var include = false
        @Option(help: "Follow up to this many redirects (default: none).") var followRedirects = 0
        @Option(help: "Request timeout in seconds.") var timeout: Double = 30
        @Option(help: "Largest body to print, in bytes.") var maxBody = 64 << 20

        func parsedHeaders() throws -> HTTPHeaders {
            var parsed = HTTPHeaders()
            for header in headers {
                guard let colon = header.firstIndex(of: ":") else { throw ValidationError("-H wants 'Name: value', got \(header)") }
                parsed.add(name: String(header[..<colon]),
                           value: String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            }
            return parsed
        }
    }

    static func perform(_ method: HTTPMethod, url: String, body: [UInt8]?, options: Options, trace: WireTraceOptions,
                        json: Bool) async throws {
        var configuration = HTTPClientConfiguration()
        configuration.requestTimeout = .milliseconds(Int64(options.timeout * 1000))
        if options.followRedirects > 0 { configuration.redirects = .follow(max: options.followRedirects) }
        var request = try HTTPClientRequest(method: method, url: url, headers: try options.parsedHeaders(),
                                            body: body.map { .bytes($0) } ?? .empty)
        request.timeout = configuration.requestTimeout
        let (include, maxBody, prepared, settings) = (options.include, options.maxBody, request, configuration)
        try await trace.run(.http) {
            let client = HTTPClient(configuration: settings)
            defer { client.shutdown() }
            let response = try await client.execute(prepared)
            let bytes = try await response.collect(upTo: maxBody)
            if json {
                let headers = (0..<response.headers.count).map { index -> String in
                    let field = response.headers[index]
                    return "[" + JSONLine.quote(field.name) + "," + JSONLine.quote(field.value) + "]"
                }
                print(JSONLine.object([("status", .int(Int64(response.status.code))), ("reason", .string(response.status.reasonPhrase)),
                                       ("headers", .raw("[" + headers.joined(separator: ",") + "]")),
                                       ("body", .string(String(decoding: bytes, as: UTF8.self)))]))
                return
            }
            // One unbuffered stream for head and body, so they come out in order.
            if include {
                var head = "HTTP/\(response.version.major).\(response.version.minor) \(response.status.code) \(response.status.reasonPhrase)\r\n"
                for index in 0..<response.headers.count {
                    let field = response.headers[index]
                    head += "\(field.name): \(field.value)\r\n"
                }
                FileHandle.standardOutput.write(Data((head + "\r\n").utf8))
            }
            FileHandle.standardOutput.write(Data(bytes))
            if response.status.code >= 400 { throw ExitCode(22) }  // like curl --fail
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "GET a URL.")
        @OptionGroup var options: Options
        @OptionGroup var traceOptions: WireTraceOptions
        @OptionGroup var output: WireOutputOptions
        @Argument(help: "http:// or https:// URL.") var url: String

        func run() async throws {
            try await WireHTTP.perform(.get, url: url, body: nil, options: options, trace: traceOptions, json: output.json)
        }
    }

    struct Post: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "POST a body (from --data, or standard input) to a URL.")
        @OptionGroup var options: Options
        @OptionGroup var traceOptions: WireTraceOptions
        @OptionGroup var output: WireOutputOptions
        @Option(name: [.short, .long], help: "The body (default: standard input).") var data: String?
        @Argument(help: "http:// or https:// URL.") var url: String

        func run() async throws {
            let body = data.map { Array($0.utf8) } ?? Array(FileHandle.standardInput.readDataToEndOfFile())
            try await WireHTTP.perform(.post, url: url, body: body, options: options, trace: traceOptions, json: output.json)
        }
    }
}
