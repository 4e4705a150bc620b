// BSON encode/decode throughput against pymongo's C extension. Run through `tools/bench bson`.
//
//   BenchBSON write DIR                      writes the four documents' BSON to DIR/<name>.bson
//   BenchBSON measure DIR OUT.json           measures ours and writes the figures
//   BenchBSON report OURS.json... -- ANCHOR.json...
//                                            prints the table and the RESULT line; each figure is the best
//                                            over the files given (tools/bench.d/bson alternates the two
//                                            sides twice, so drifting machine load hits both alike)
//   BenchBSON loop DIR NAME encode|decode|tree-encode|tree-decode|lazy N   runs one operation N times (for perf record)
//
// What is measured, per document (MB/s = document bytes / CPU time per operation, best of 5 runs):
//   encode (tree)     BSONTree (ordered fields, every value materialised) -> BSON bytes
//                                                   vs  bson.encode(dict)      <- the ratio uses these
//   decode (tree)     bytes -> validated -> BSONTree, every value materialised
//                                                   vs  bson.decode(bytes)     <- the ratio uses these
//   encode/decode (Codable)  the same through BSONEncoder/BSONDecoder and typed structs (shown, not in the ratio)
//   decode (lazy)     bytes -> validated BSONDocument, nothing materialised (shown, not in the ratio)
// pymongo also walks or builds a generic tree (dicts), so the tree figures are the like-for-like pair.
// RESULT takes the minimum ours/anchor ratio over the 8 (document, direction) pairs.
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

func fmt(_ v: Double) -> String { String(format: "%9.1f", v) }

let args = CommandLine.arguments
guard args.count >= 3 else {
    print("usage: BenchBSON write DIR | measure DIR OUT.json | report OURS.json... -- ANCHOR.json... | loop DIR NAME OP N")
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
    let tree = BSONTree(c.document)
    for _ in 0..<n {
        switch args[4] {
        case "encode": sink &+= try c.encode().byteCount
        case "decode": sink &+= try c.decodeFull(bytes)
        case "tree-decode": sink &+= try BSONTree(bytes: bytes).fields.count
        case "tree-encode": sink &+= try tree.encode().byteCount
        default: sink &+= try BSONDocument(bytes: bytes).byteCount
        }
    }
    print(sink)
    exit(0)
}

if args[1] == "measure", args.count >= 4 {
    var out: [String: [String: Double]] = [:]
    for c in all {
        let bytes = c.document.byteArray
        let tree = try BSONTree(bytes: bytes)
        guard try tree.encode().byteArray == bytes else {
            print("BSONTree did not re-encode \(c.name) to identical bytes")
            exit(1)
        }
        var f: [String: Double] = [:]
        f["encodeTree"] = try throughput(bytes: bytes.count) { try tree.encode().byteCount }
        f["encodeCodable"] = try throughput(bytes: bytes.count) { try c.encode().byteCount }
        f["decodeTree"] = try throughput(bytes: bytes.count) { try BSONTree(bytes: bytes).fields.count }
        f["decodeCodable"] = try throughput(bytes: bytes.count) { try c.decodeFull(bytes) }
        f["decodeLazy"] = try throughput(bytes: bytes.count) { try BSONDocument(bytes: bytes).byteCount }
        if c.name == "binary1MiB" {
            f["decodeCodableData"] = try throughput(bytes: bytes.count) { try BSONDecoder().decode(Blob1MData.self, from: bytes).data.count }
        }
        f["bytes"] = Double(bytes.count)
        out[c.name] = f
    }
    try JSONSerialization.data(withJSONObject: out).write(to: URL(fileURLWithPath: args[3]))
    exit(0)
}

guard args[1] == "report", let split = args.firstIndex(of: "--") else {
    print("usage: BenchBSON report OURS.json... -- ANCHOR.json...")
    exit(2)
}

/// The best (highest) value of each figure over several JSON files of {document: {figure: MB/s}}.
func best(_ paths: ArraySlice<String>) throws -> [String: [String: Any]] {
    var merged: [String: [String: Any]] = [:]
    for path in paths {
        guard let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: [String: Any]] else {
            print("\(path) is not a figures file")
            exit(1)
        }
        for (doc, figures) in json {
            for (name, value) in figures {
                if let v = value as? Double, let old = merged[doc]?[name] as? Double, old >= v { continue }
                merged[doc, default: [:]][name] = value
            }
        }
    }
    return merged
}

let ours = try best(args[2..<split])
let anchor = try best(args[(split + 1)...])

print("MB/s (CPU time)  bytes |  enc tree  enc Codable  pymongo  ratio |  dec tree  dec Codable  pymongo  ratio |  dec lazy")
var worst: (ratio: Double, ours: Double, anchor: Double, what: String) = (.infinity, 0, 0, "")
for c in all {
    guard let a = anchor[c.name], let anchorEncode = a["encode"] as? Double, let anchorDecode = a["decode"] as? Double,
          let o = ours[c.name], let encTree = o["encodeTree"] as? Double, let encCodable = o["encodeCodable"] as? Double,
          let decTree = o["decodeTree"] as? Double, let decCodable = o["decodeCodable"] as? Double,
          let lazy = o["decodeLazy"] as? Double else {
        print("missing figures for \(c.name)")
        exit(1)
    }
    // The same bytes on both sides: the anchor re-encoded its decoded dict and compared.
    guard a["roundtrip_identical"] as? Bool == true else {
        print("pymongo did not re-encode \(c.name) to identical bytes; the comparison would not be like for like")
        exit(1)
    }
    let re = encTree / anchorEncode, rd = decTree / anchorDecode
    print("\(c.name.padding(toLength: 11, withPad: " ", startingAt: 0)) \(String(format: "%8d", c.document.byteCount)) |"
          + " \(fmt(encTree))  \(fmt(encCodable)) \(fmt(anchorEncode))  \(String(format: "%5.2f", re)) |"
          + " \(fmt(decTree))  \(fmt(decCodable)) \(fmt(anchorDecode))  \(String(format: "%5.2f", rd)) | \(fmt(lazy))")
    if re < worst.ratio { worst = (re, encTree, anchorEncode, "\(c.name) encode") }
    if rd < worst.ratio { worst = (rd, decTree, anchorDecode, "\(c.name) decode") }
    if let copying = o["decodeCodableData"] as? Double {
        print("  binary1MiB: BSONTree and BSONBinary share the input buffer; decoding into Foundation Data copies the MiB:"
              + " \(fmt(copying)) MB/s (ratio " + String(format: "%.2f", copying / anchorDecode) + ", not in RESULT)")
    }
}
print("Codable figures (typed structs through BSONEncoder/BSONDecoder) are shown for information; pymongo has no typed mapping.")
print("minimum ratio: \(worst.what)")
print("RESULT bson ratio=\(String(format: "%.2f", worst.ratio)) ours=\(String(format: "%.1f", worst.ours)) anchor=\(String(format: "%.1f", worst.anchor)) MB/s")
