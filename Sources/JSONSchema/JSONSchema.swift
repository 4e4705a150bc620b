// The JSONSchema module: JSON Schema 2020-12 (and draft-07 / 2019-09 when `$schema` says so),
// compiled once and validated many times. No dependencies; Foundation is not used.
//
// The parts, in the order data flows:
//   JSONParser.swift, JSONValue.swift   bytes -> JSONValue (limits on size, depth, string length;
//                                       integers kept exact; 1.0 == 1 as JSON Schema requires)
//   SchemaIndex.swift, URIReference.swift
//                                       which URI names which subschema: $id, $anchor, $dynamicAnchor,
//                                       base URIs (RFC 3986 resolution), dialect per resource
//   MetaSchemas.swift                   the 2020-12 meta-schemas, held locally
//   SchemaCompiler.swift, SchemaNode.swift
//                                       JSON -> graph of SchemaNodes, each an array of SchemaOp cases
//                                       with messages and keyword locations prepared in advance
//   Evaluator.swift                     runs the graph over an instance; collects every failure
//                                       (or stops at the first), tracks annotations only when an
//                                       unevaluated* keyword needs them
//   ValidationResult.swift              failures with JSON Pointer locations, Codable, and an RFC 9457
//                                       problem+json body for 422 responses
//   Formats.swift                       format checks (assertions only when asked for)
//   Regex/                              our own ECMA-262 regex engine: a parser with u-flag
//                                       strictness, a backtracking VM with a step budget, and a
//                                       bit-parallel automaton for the common pattern shapes.
//                                       Not Swift Regex or NSRegularExpression: their \d, \w, \s and
//                                       Unicode properties differ from ECMA-262 and they have no budget.
