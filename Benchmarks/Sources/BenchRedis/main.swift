// BenchRedis HOST PORT OP PIPELINE CALLERS REQUESTS [CONNECTIONS]
// Our client: CALLERS concurrent tasks on CONNECTIONS connections (default 1: every caller shares one
// connection and automatic pipelining coalesces their commands), REQUESTS commands in total; with
// PIPELINE > 1 each caller sends explicit pipelines of that many commands.
// Prints one line: `ours OP P=PIPELINE ops/s=X`.
import RedisClient
import RESP
import Transport
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
if arguments.count == 2 && arguments[1] == "state-access" {
    await measureStateAccess()
    exit(0)
}
guard arguments.count == 7 || arguments.count == 8, let port = Int(arguments[2]), let depth = Int(arguments[4]),
      let callers = Int(arguments[5]), let requests = Int(arguments[6]), ["get", "set"].contains(arguments[3]) else {
    print("usage: BenchRedis HOST PORT get|set PIPELINE CALLERS REQUESTS [CONNECTIONS]")
    exit(2)
}
let isGet = arguments[3] == "get"
var configuration = RedisConfiguration(host: arguments[1], port: port)
configuration.commandTimeout = .seconds(60)
let connectionCount = arguments.count == 8 ? max(1, Int(arguments[7]) ?? 1) : 1
var connections: [RedisConnection] = []
for _ in 0..<connectionCount { connections.append(try await RedisConnection.connect(configuration)) }
let connection = connections[0]
let value = [UInt8](repeating: UInt8(ascii: "x"), count: 3)  // redis-benchmark's default -d 3
_ = try await connection.send(SET("key:__rand_int__", value))

let perCaller = requests / callers / depth
let start = Deadline.now()
try await withThrowingTaskGroup(of: Void.self) { group in
    for caller in 0..<callers {
        let connection = connections[caller % connectionCount]
        group.addTask {
            for _ in 0..<perCaller {
                if depth == 1 {
                    if isGet { _ = try await connection.send(GET("key:__rand_int__")) }
                    else { _ = try await connection.send(SET("key:__rand_int__", value)) }
                } else {
                    var pipeline = RedisPipeline()
                    for _ in 0..<depth {
                        if isGet { pipeline.append(GET("key:__rand_int__")) }
                        else { pipeline.append(SET("key:__rand_int__", value)) }
                    }
                    let replies = try await connection.send(pipeline)
                    precondition(replies.values.count == depth)
                }
            }
        }
    }
    try await group.waitForAll()
}
let elapsed = Double(Deadline.now().nanoseconds - start.nanoseconds) / 1e9
let done = perCaller * callers * depth
print("ours \(arguments[3]) P=\(depth) ops/s=\(Int(Double(done) / elapsed))")
for connection in connections { connection.close() }
