import Foundation

/// SASLprep (RFC 4013), the stringprep (RFC 3454) profile SCRAM-SHA-256 applies to passwords.
///
/// Steps, in the RFC's order: map (non-ASCII spaces, table C.1.2, to U+0020; "commonly mapped to
/// nothing", table B.1, removed), normalise with NFKC (Foundation's
/// `precomposedStringWithCompatibilityMapping`), reject prohibited output (tables C.1.2, C.2.1,
/// C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9), check bidirectional text (RFC 3454 §6), and reject
/// code points unassigned in Unicode 3.2 (table A.1; passwords are "stored strings").
///
/// Table A.1 is exact: a scalar is unassigned in 3.2 when its Unicode age is missing or later than
/// 3.2. The bidi rule uses table D.1 (RandALCat) exactly; table D.2 (LCat, characters of bidi class
/// L) is approximated by "letter or spacing mark assigned by 3.2 and not in D.1", because the
/// standard library does not expose the bidi class. ASCII-only passwords — the common case —
/// pass through unchanged without touching Foundation.
public enum SASLprep {
    public static func prepare(_ input: String) throws(SCRAMError) -> String {
        if input.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return input }
        var mapped = String.UnicodeScalarView()
        for scalar in input.unicodeScalars {
            let v = scalar.value
            if Tables.contains(Tables.mappedToNothing, v) { continue }
            if Tables.contains(Tables.nonASCIISpace, v) { mapped.append(" "); continue }
            mapped.append(scalar)
        }
        let normalized = String(mapped).precomposedStringWithCompatibilityMapping
        var hasRandAL = false
        var hasL = false
        for scalar in normalized.unicodeScalars {
            let v = scalar.value
            if let table = Tables.prohibited.first(where: { Tables.contains($0.ranges, v) }) {
                throw SCRAMError(.invalidPassword, "SASLprep: password contains U+\(hex(v)), prohibited by RFC 3454 table \(table.name)")
            }
            if !assignedIn32(scalar) {
                throw SCRAMError(.invalidPassword, "SASLprep: password contains U+\(hex(v)), unassigned in Unicode 3.2 (RFC 3454 table A.1)")
            }
            if Tables.contains(Tables.randALCat, v) { hasRandAL = true } else if isLCat(scalar) { hasL = true }
        }
        if hasRandAL {
            if hasL {
                throw SCRAMError(.invalidPassword, "SASLprep: password mixes right-to-left and left-to-right characters (RFC 3454 §6)")
            }
            let scalars = normalized.unicodeScalars
            guard let first = scalars.first, let last = scalars.last,
                  Tables.contains(Tables.randALCat, first.value), Tables.contains(Tables.randALCat, last.value) else {
                throw SCRAMError(.invalidPassword, "SASLprep: right-to-left password must start and end with a right-to-left character (RFC 3454 §6)")
            }
        }
        return normalized
    }

    private static func hex(_ v: UInt32) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }

    private static func assignedIn32(_ scalar: Unicode.Scalar) -> Bool {
        guard let age = scalar.properties.age else { return false }
        return age.major < 3 || (age.major == 3 && age.minor <= 2)
    }

    private static func isLCat(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .spacingMark: return true
        default: return false
        }
    }

    enum Tables {
        typealias Ranges = [ClosedRange<UInt32>]

        static func contains(_ ranges: Ranges, _ v: UInt32) -> Bool {
            for r in ranges where r.contains(v) { return true }
            return false
        }

        /// B.1 Commonly mapped to nothing.
        static let mappedToNothing: Ranges = [0x00AD...0x00AD, 0x034F...0x034F, 0x1806...0x1806, 0x180B...0x180D,
                                              0x200B...0x200D, 0x2060...0x2060, 0xFE00...0xFE0F, 0xFEFF...0xFEFF]
        /// C.1.2 Non-ASCII space characters.
        static let nonASCIISpace: Ranges = [0x00A0...0x00A0, 0x1680...0x1680, 0x2000...0x200B, 0x202F...0x202F,
                                            0x205F...0x205F, 0x3000...0x3000]
        /// C.2.1 ASCII control characters.
        static let asciiControl: Ranges = [0x0000...0x001F, 0x007F...0x007F]
        /// C.2.2 Non-ASCII control characters.
        static let nonASCIIControl: Ranges = [0x0080...0x009F, 0x06DD...0x06DD, 0x070F...0x070F, 0x180E...0x180E,
                                              0x200C...0x200D, 0x2028...0x2029, 0x2060...0x2063, 0x206A...0x206F,
                                              0xFEFF...0xFEFF, 0xFFF9...0xFFFC, 0x1D173...0x1D17A]
        /// C.3 Private use.
        static let privateUse: Ranges = [0xE000...0xF8FF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD]
        /// C.4 Non-character code points: U+FDD0..FDEF and the last two of every plane.
        static let nonCharacter: Ranges = [0xFDD0...0xFDEF] + (0...16).map { plane -> ClosedRange<UInt32> in
            let base = UInt32(plane) << 16
            return (base | 0xFFFE)...(base | 0xFFFF)
        }
        /// C.5 Surrogate codes (a Swift String cannot hold them; listed for completeness).
        static let surrogate: Ranges = [0xD800...0xDFFF]
        /// C.6 Inappropriate for plain text.
        static let notPlainText: Ranges = [0xFFF9...0xFFFD]
        /// C.7 Inappropriate for canonical representation.
        static let notCanonical: Ranges = [0x2FF0...0x2FFB]
        /// C.8 Change display properties or deprecated.
        static let displayProperty: Ranges = [0x0340...0x0341, 0x200E...0x200F, 0x202A...0x202E, 0x206A...0x206F]
        /// C.9 Tagging characters.
        static let tagging: Ranges = [0xE0001...0xE0001, 0xE0020...0xE007F]

        static let prohibited: [(name: String, ranges: Ranges)] = [
            ("C.1.2", nonASCIISpace), ("C.2.1", asciiControl), ("C.2.2", nonASCIIControl), ("C.3", privateUse),
            ("C.4", nonCharacter), ("C.5", surrogate), ("C.6", notPlainText), ("C.7", notCanonical),
            ("C.8", displayProperty), ("C.9", tagging),
        ]

        /// D.1 Characters with bidirectional property "R" or "AL".
        static let randALCat: Ranges = [
            0x05BE...0x05BE, 0x05C0...0x05C0, 0x05C3...0x05C3, 0x05D0...0x05EA, 0x05F0...0x05F4, 0x061B...0x061B,
            0x061F...0x061F, 0x0621...0x063A, 0x0640...0x064A, 0x066D...0x066F, 0x0671...0x06D5, 0x06DD...0x06DD,
            0x06E5...0x06E6, 0x06FA...0x06FE, 0x0700...0x070D, 0x0710...0x0710, 0x0712...0x072C, 0x0780...0x07A5,
            0x07B1...0x07B1, 0x200F...0x200F, 0xFB1D...0xFB1D, 0xFB1F...0xFB28, 0xFB2A...0xFB36, 0xFB38...0xFB3C,
            0xFB3E...0xFB3E, 0xFB40...0xFB41, 0xFB43...0xFB44, 0xFB46...0xFBB1, 0xFBD3...0xFD3D, 0xFD50...0xFD8F,
            0xFD92...0xFDC7, 0xFDF0...0xFDFC, 0xFE70...0xFE74, 0xFE76...0xFEFC,
        ]
    }
}
