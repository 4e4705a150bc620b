// Validations per second of the JSONSchema module on a realistic 20-field task document, printed as
//   OURS <case> <validations/s> <errors found>
// tools/bench.d/jsonschema runs this next to the Python anchors and prints the RESULT line.
import Foundation
import JSONSchema

let dataDir = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "tools/bench.d/jsonschema-data"
let seconds = CommandLine.arguments.count > 2 ? Double(CommandLine.arguments[2]) ?? 2 : 2

func die(_ message: String) -> Never {
    print("BenchJSONSchema: \(message)")
    exit(2)
}

func load(_ name: String) -> [UInt8] {
    guard let d = FileManager.default.contents(atPath: "\(dataDir)/\(name)") else {
        die("cannot read \(dataDir)/\(name)")
    }
    return [UInt8](d)
}

let schemaBytes = load("task-schema.json"), validBytes = load("task-valid.json"), invalidBytes = load("task-invalid.json")
let schema: Schema
let valid: JSONValue, invalid: JSONValue
do {
    schema = try Schema(parsing: schemaBytes)
    valid = try JSONParser().parse(validBytes)
    invalid = try JSONParser().parse(invalidBytes)
} catch {
    die("setup failed: \(error)")
}

let validErrors = schema.validate(valid).errors.count
let invalidErrors = schema.validate(invalid).errors.count
guard validErrors == 0, invalidErrors > 0 else { die("unexpected verdicts") }

/// BENCH_ITERS=N runs each case exactly N times instead of timing (for `perf stat -e instructions`).
let fixedIterations = ProcessInfo.processInfo.environment["BENCH_ITERS"].flatMap { Int($0) }

/// Best of five timed batches of about seconds/5 each.
@inline(never) func rate(_ body: () -> Int) -> Double {
    var sink = 0
    if let fixedIterations {
        for _ in 0..<fixedIterations { sink &+= body() }
        return Double(sink)
    }
    var n = 0
    let clock = ContinuousClock()
    let start = clock.now
    var batch = 1
    while clock.now - start < .milliseconds(200) {
        for _ in 0..<batch { sink &+= body() }
        n += batch; batch *= 2
    }
    let per = (clock.now - start) / n
    let perSeconds = Double(per.components.attoseconds) / 1e18 + Double(per.components.seconds)
    batch = max(1, Int(seconds / 5 / perSeconds))
    var best = 0.0
    for _ in 0..<5 {
        let t0 = clock.now
        for _ in 0..<batch { sink &+= body() }
        let d = clock.now - t0
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        best = max(best, Double(batch) / s)
    }
    if sink == 42 { print("") }
    return best
}

/// BENCH_ONLY=case runs one case (for profiling).
let only = ProcessInfo.processInfo.environment["BENCH_ONLY"]

func report(_ name: String, _ r: @autoclosure () -> Double, _ errors: Int) {
    if let only, only != name { return }
    print("OURS \(name) \(String(format: "%.1f", r())) \(errors)")
}

report("valid", rate { schema.validate(valid).errors.count }, validErrors)
report("invalid", rate { schema.validate(invalid).errors.count }, invalidErrors)
// The same, with every failure's message and keyword locations rendered as strings (they are
// otherwise put together when read), and as a whole 422 problem+json body.
report("invalid-rendered", rate {
    var n = 0
    for e in schema.validate(invalid).errors {
        n &+= e.message.utf8.count &+ e.keywordLocation.utf8.count &+ e.absoluteKeywordLocation.utf8.count
    }
    return n
}, invalidErrors)
report("invalid-problem-json", rate { schema.validate(invalid).problemJSON().utf8.count }, invalidErrors)
report("invalid-first-error", rate { schema.validate(invalid, mode: .firstError).errors.count }, 1)
report("valid-isValid", rate { schema.isValid(valid) ? 1 : 0 }, 0)
let parser = JSONParser()
report("parse+valid", rate { ((try? parser.parse(validBytes)).map { schema.validate($0).errors.count }) ?? -1 }, validErrors)
report("parse+invalid", rate { ((try? parser.parse(invalidBytes)).map { schema.validate($0).errors.count }) ?? -1 }, invalidErrors)
report("parse-only-valid", rate { (try? parser.parse(validBytes)) == nil ? 0 : 1 }, 0)
