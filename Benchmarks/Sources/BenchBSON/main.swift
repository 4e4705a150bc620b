// BSON encode/decode throughput against pymongo's C extension. Run through `tools/bench bson`.
//
//   BenchBSON write DIR            writes the four documents' BSON to DIR/<name>.bson
//   BenchBSON run DIR ANCHOR.json  measures ours, prints a table with the anchor's figures and the RESULT line
//   BenchBSON loop DIR NAME encode|decode|lazy N   runs one operation N times (for perf record)
//
// What is measured, per document (MB/s = document bytes / CPU time per operation, best of 5 runs):
//   encode         Codable value -> BSON bytes (BSONEncoder)   vs  bson.encode(dict)
//   decode (full)  bytes -> validated -> Codable value (BSONDecoder; every field materialised)
//                                                              vs  bson.decode(bytes) -> dict
//   decode (lazy)  bytes -> validated BSONDocument, nothing materialised (shown, not in the ratio)
//   decode (tree)  bytes -> BSONDocument, then every value visited as BSONValue, recursively (shown)
// The ratio is ours/anchor for encode and decode (full); RESULT takes the minimum over the 8 pairs.
import BSON
import Foundation

struct Case {
    let name: String
    let document: BSONDocument
    let encode: () throws -> BSONDocument
    let decodeFull: ([UInt8]) throws -> Int
}

func cases() throws -> [Case] {
    let encoder = BSONEncoder()
    let decoder = BSONDecoder()
    let flat = Flat10.make(), nested = Nested10.make(), blob = Blob1M.make(), mixed = Mixed100.make()
    var blobEncoder = BSONEncoder()
    blobEncoder.initialCapacity = (1 << 20) + 64
    return [
        Case(name: "flat10", document: try encoder.encode(flat), encode: { try encoder.encode(flat) },
             decodeFull: { try decoder.decode(Flat10.self, from: $0).zip }),
        Case(name: "nested10", document: try encoder.encode(nested), encode: { try encoder.encode(nested) },
             decodeFull: { try decoder.decode(Nested10.self, from: $0).level }),
        Case(name: "binary1MiB", document: try blobEncoder.encode(blob), encode: { try blobEncoder.encode(blob) },
             decodeFull: { try decoder.decode(Blob1M.self, from: $0).data.data.count }),
        Case(name: "mixed100", document: try encoder.encode(mixed), encode: { try encoder.encode(mixed) },
             decodeFull: { try decoder.decode(Mixed100.self, from: $0).f0 }),
    ]
}

/// Defeats dead-code elimination.
nonisolated(unsafe) var sink = 0

/// CPU time of this thread, in seconds. Both sides measure CPU time rather than wall time, so a
/// busy machine (other processes on the same cores) skews the comparison less.
func threadCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Best MB/s over `rounds` runs of an iteration count calibrated to take about `target` CPU seconds.
func throughput(bytes: Int, target: Double = 0.25, rounds: Int = 5, _ body: () throws -> Int) rethrows -> Double {
    func time(_ n: Int) throws -> Double {
        let start = threadCPUTime()
        for _ in 0..<n { sink &+= try body() }
        return threadCPUTime() - start
    }
    var n = 1
    while try time(n) < target / 4 { n *= 2 }
    n = max(1, Int(Double(n) * target / max(try time(n), 1e-9)))
    var best = Double.infinity
    for _ in 0..<rounds { best = min(best, try time(n) / Double(n)) }
    return Double(bytes) / best / 1e6
}

func visit(_ document: BSONDocument) -> Int {
    var n = 0
    for (key, value) in document { n &+= key.utf8.count &+ visit(value) }
    return n
}

func visit(_ value: BSONValue) -> Int {
    switch value {
    case .document(let d): return visit(d)
    case .array(let a): return a.reduce(0) { $0 &+ visit($1) }
    case .string(let s): return s.utf8.count
    case .binary(let b): return b.data.count
    default: return 1
    }
}

func fmt(_ v: Double) -> String { String(format: "%9.1f", v) }

let args = CommandLine.arguments
guard args.count >= 3 else {
    print("usage: BenchBSON write DIR | BenchBSON run DIR ANCHOR.json")
    exit(2)
}
let dir = URL(fileURLWithPath: args[2])
let all = try cases()

if args[1] == "write" {
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for c in all { try Data(c.document.byteArray).write(to: dir.appendingPathComponent("\(c.name).bson")) }
    exit(0)
}

// For profiling (perf record): BenchBSON loop DIR NAME encode|decode|lazy ITERATIONS
if args[1] == "loop", args.count >= 6, let c = all.first(where: { $0.name == args[3] }), let n = Int(args[5]) {
    let bytes = c.document.byteArray
    for _ in 0..<n {
        switch args[4] {
        case "encode": sink &+= try c.encode().byteCount
        case "decode": sink &+= try c.decodeFull(bytes)
        default: sink &+= try BSONDocument(bytes: bytes).byteCount
        }
    }
    print(sink)
    exit(0)
}

guard args[1] == "run", args.count >= 4,
      let anchor = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: args[3]))) as? [String: Any] else {
    print("usage: BenchBSON run DIR ANCHOR.json")
    exit(2)
}

print("document      bytes |  ours enc  pymongo enc  ratio |  ours dec  pymongo dec  ratio | ours lazy  ours tree (MB/s)")
var worst: (ratio: Double, ours: Double, anchor: Double, what: String) = (.infinity, 0, 0, "")
for c in all {
    let bytes = c.document.byteArray
    guard let a = anchor[c.name] as? [String: Any], let anchorEncode = a["encode"] as? Double,
          let anchorDecode = a["decode"] as? Double else {
        print("anchor has no figures for \(c.name)")
        exit(1)
    }
    // The same bytes on both sides: the anchor re-encoded its decoded dict and compared.
    guard a["roundtrip_identical"] as? Bool == true else {
        print("pymongo did not re-encode \(c.name) to identical bytes; the comparison would not be like for like")
        exit(1)
    }
    let enc = try throughput(bytes: bytes.count) { try c.encode().byteCount }
    let dec = try throughput(bytes: bytes.count) { try c.decodeFull(bytes) }
    let lazy = try throughput(bytes: bytes.count) { try BSONDocument(bytes: bytes).byteCount }
    let tree = try throughput(bytes: bytes.count) { visit(try BSONDocument(bytes: bytes)) }
    let re = enc / anchorEncode, rd = dec / anchorDecode
    print("\(c.name.padding(toLength: 11, withPad: " ", startingAt: 0)) \(String(format: "%8d", bytes.count)) |"
          + " \(fmt(enc))   \(fmt(anchorEncode))  \(String(format: "%5.2f", re)) |"
          + " \(fmt(dec))   \(fmt(anchorDecode))  \(String(format: "%5.2f", rd)) | \(fmt(lazy)) \(fmt(tree))")
    if re < worst.ratio { worst = (re, enc, anchorEncode, "\(c.name) encode") }
    if rd < worst.ratio { worst = (rd, dec, anchorDecode, "\(c.name) decode") }
    if c.name == "binary1MiB" {
        let copying = try throughput(bytes: bytes.count) { try BSONDecoder().decode(Blob1MData.self, from: bytes).data.count }
        print("  (binary1MiB decoded into Foundation Data, which copies the 1 MiB: \(fmt(copying)) MB/s, ratio "
              + String(format: "%.2f", copying / anchorDecode) + "; not in RESULT)")
    }
}
print("minimum ratio: \(worst.what)")
print("RESULT bson ratio=\(String(format: "%.2f", worst.ratio)) ours=\(String(format: "%.1f", worst.ours)) anchor=\(String(format: "%.1f", worst.anchor)) MB/s")
