// The 100-field mixed benchmark document (written out by a one-off script; plain Swift, edit freely).
import BSON
import Foundation

/// Ten field kinds repeated ten times: int32, int64, double, string, bool, datetime, ObjectId,
/// a 3-element int array, a 2-field subdocument and a 40-character string.
struct Mixed100: Codable {
    struct Sub: Codable { var a: Int; var b: String }
    var f0: Int
    var f1: Int64
    var f2: Double
    var f3: String
    var f4: Bool
    var f5: Date
    var f6: ObjectId
    var f7: [Int]
    var f8: Sub
    var f9: String
    var f10: Int
    var f11: Int64
    var f12: Double
    var f13: String
    var f14: Bool
    var f15: Date
    var f16: ObjectId
    var f17: [Int]
    var f18: Sub
    var f19: String
    var f20: Int
    var f21: Int64
    var f22: Double
    var f23: String
    var f24: Bool
    var f25: Date
    var f26: ObjectId
    var f27: [Int]
    var f28: Sub
    var f29: String
    var f30: Int
    var f31: Int64
    var f32: Double
    var f33: String
    var f34: Bool
    var f35: Date
    var f36: ObjectId
    var f37: [Int]
    var f38: Sub
    var f39: String
    var f40: Int
    var f41: Int64
    var f42: Double
    var f43: String
    var f44: Bool
    var f45: Date
    var f46: ObjectId
    var f47: [Int]
    var f48: Sub
    var f49: String
    var f50: Int
    var f51: Int64
    var f52: Double
    var f53: String
    var f54: Bool
    var f55: Date
    var f56: ObjectId
    var f57: [Int]
    var f58: Sub
    var f59: String
    var f60: Int
    var f61: Int64
    var f62: Double
    var f63: String
    var f64: Bool
    var f65: Date
    var f66: ObjectId
    var f67: [Int]
    var f68: Sub
    var f69: String
    var f70: Int
    var f71: Int64
    var f72: Double
    var f73: String
    var f74: Bool
    var f75: Date
    var f76: ObjectId
    var f77: [Int]
    var f78: Sub
    var f79: String
    var f80: Int
    var f81: Int64
    var f82: Double
    var f83: String
    var f84: Bool
    var f85: Date
    var f86: ObjectId
    var f87: [Int]
    var f88: Sub
    var f89: String
    var f90: Int
    var f91: Int64
    var f92: Double
    var f93: String
    var f94: Bool
    var f95: Date
    var f96: ObjectId
    var f97: [Int]
    var f98: Sub
    var f99: String

    static func make() -> Mixed100 {
        Mixed100(
            f0: 0,
            f1: 1099511627777,
            f2: 2.25,
            f3: "value 3",
            f4: true,
            f5: Date(timeIntervalSince1970: 1700000005),
            f6: ObjectId(hex: "650000000000000000000006")!,
            f7: [7, 8, 9],
            f8: Sub(a: 8, b: "s8"),
            f9: "abcdefghijabcdefghijabcdefghijabcdefghij",
            f10: 70,
            f11: 1099511627787,
            f12: 12.25,
            f13: "value 13",
            f14: false,
            f15: Date(timeIntervalSince1970: 1700000015),
            f16: ObjectId(hex: "650000000000000000000010")!,
            f17: [17, 18, 19],
            f18: Sub(a: 18, b: "s18"),
            f19: "abcdefghijabcdefghijabcdefghijabcdefghij",
            f20: 140,
            f21: 1099511627797,
            f22: 22.25,
            f23: "value 23",
            f24: true,
            f25: Date(timeIntervalSince1970: 1700000025),
            f26: ObjectId(hex: "65000000000000000000001a")!,
            f27: [27, 28, 29],
            f28: Sub(a: 28, b: "s28"),
            f29: "abcdefghijabcdefghijabcdefghijabcdefghij",
            f30: 210,
            f31: 1099511627807,
            f32: 32.25,
            f33: "value 33",
            f34: false,
            f35: Date(timeIntervalSince1970: 1700000035),
            f36: ObjectId(hex: "650000000000000000000024")!,
            f37: [37, 38, 39],
            f38: Sub(a: 38, b: "s38"),
            f39: "abcdefghijabcdefghijabcdefghijabcdefghij",
            f40: 280,
            f41: 1099511627817,
            f42: 42.25,
            f43: "value 43",
            f44: true,
            f45: Date(timeIntervalSince1970: 1700000045),
            f46: ObjectId(hex: "65000000000000000000002e")!,
            f47: [47, 48, 49],
            f48: Sub(a: 48, b: "s48"),
            f49: "abcdefghijabcdefghijabcdefghijabcdefghij",
            f50: 350,
            f51: 1099511627827,
            f52: 52.25,
            f53: "value 53",
            f54: false,
            f55: Date(timeIntervalSince1970: 1700000055),
            f56: ObjectId(hex: "650000000000000000000038")!,
            f57: [57, 58, 59],
            f58: Sub(a: 58, b: "s58"),
            f59: "abcdefghijabcdefghijabcdefghijabcdefghij",
            f60: 420,
            f61: 1099511627837,
            f62: 62.25,
            f63: "value 63",
            f64: true,
            f65: Date(timeIntervalSince1970: 1700000065),
            f66: ObjectId(hex: "650000000000000000000042")!,
            f67: [67, 68, 69],
            f68: Sub(a: 68, b: "s68"),
            f69: "abcdefghijabcdefghijabcdefghijabcdefghij",
            f70: 490,
            f71: 1099511627847,
            f72: 72.25,
            f73: "value 73",
            f74: false,
            f75: Date(timeIntervalSince1970: 1700000075),
            f76: ObjectId(hex: "65000000000000000000004c")!,
            f77: [77, 78, 79],
            f78: Sub(a: 78, b: "s78"),
            f79: "abcdefghijabcdefghijabcdefghijabcdefghij",
            f80: 560,
            f81: 1099511627857,
            f82: 82.25,
            f83: "value 83",
            f84: true,
            f85: Date(timeIntervalSince1970: 1700000085),
            f86: ObjectId(hex: "650000000000000000000056")!,
            f87: [87, 88, 89],
            f88: Sub(a: 88, b: "s88"),
            f89: "abcdefghijabcdefghijabcdefghijabcdefghij",
            f90: 630,
            f91: 1099511627867,
            f92: 92.25,
            f93: "value 93",
            f94: false,
            f95: Date(timeIntervalSince1970: 1700000095),
            f96: ObjectId(hex: "650000000000000000000060")!,
            f97: [97, 98, 99],
            f98: Sub(a: 98, b: "s98"),
            f99: "abcdefghijabcdefghijabcdefghijabcdefghij"
        )
    }
}
