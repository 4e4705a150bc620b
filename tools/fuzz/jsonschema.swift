// fuzz-modules: WireCore JSONSchema
// Schema compilation and validation on arbitrary bytes. The input is `schema \0 instance`
// (without a zero byte, the whole input is the schema and also a regex pattern to compile).
// Nothing may trap, and the three ways of validating must agree on the verdict.
import JSONSchema

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 0)
    let schemaBytes = Array(bytes[..<(split ?? bytes.count)])
    let instanceBytes = split.map { Array(bytes[($0 + 1)...]) } ?? []
    let parser = JSONParser(limits: .init(maxBytes: 1 << 16, maxDepth: 48, maxStringBytes: 1 << 12))

    if split == nil, let text = String(validating: schemaBytes, as: UTF8.self) {
        // The bytes as an ECMA-262 pattern, searched in itself.
        if let regex = try? ECMARegex(text, limits: .init(maxPatternLength: 512, maxProgramSize: 4000, maxSteps: 50_000)) {
            // Both engines must agree wherever the backtracking one finishes within its budget.
            for subject in [text, String(text.reversed()), String(text.prefix(text.count / 2))] {
                let fast = regex.search(subject)
                let slow = regex.searchWithBacktracking(subject)
                if fast != .tooComplex && slow != .tooComplex && fast != slow {
                    fatalError("engines disagree on /\(text)/ against \(subject): \(fast) vs \(slow)")
                }
            }
        }
    }
    guard let schemaValue = try? parser.parse(schemaBytes) else { return 0 }
    let instance = (try? parser.parse(instanceBytes)) ?? schemaValue

    for checked in [true, false] {
        var options = Schema.Options()
        options.checkAgainstMetaSchema = checked
        options.assertFormats = !checked
        options.maxSchemaDepth = 32
        options.maxEvaluationDepth = 64
        options.regexLimits = .init(maxPatternLength: 256, maxProgramSize: 2000, maxSteps: 20_000)
        guard let schema = try? Schema(schemaValue, options: options) else { continue }
        let all = schema.validate(instance)
        let first = schema.validate(instance, mode: .firstError)
        let quick = schema.isValid(instance)
        if all.isValid != quick || first.isValid != quick {
            fatalError("verdicts disagree: all=\(all.isValid) first=\(first.isValid) quick=\(quick)")
        }
        if all.isValid != all.errors.isEmpty || first.isValid != first.errors.isEmpty {
            fatalError("a verdict disagrees with its error list")
        }
        _ = all.problemJSON()
    }
    return 0
}
