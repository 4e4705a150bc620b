import Foundation

/// A BSON UTC datetime: signed milliseconds since the Unix epoch (type 0x09).
public struct BSONDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// Rounds down to whole milliseconds, as BSON stores them; dates beyond Int64 milliseconds clamp.
    public init(_ date: Date) {
        let ms = (date.timeIntervalSince1970 * 1000).rounded(.down)
        if ms >= 9.2e18 { millisecondsSinceEpoch = .max }
        else if ms <= -9.2e18 { millisecondsSinceEpoch = .min }
        else { millisecondsSinceEpoch = Int64(ms) }
    }

    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSinceEpoch) / 1000) }

    public static func now() -> BSONDateTime { BSONDateTime(Date()) }

    public static func < (a: BSONDateTime, b: BSONDateTime) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }

    public var description: String { ISO8601Millis.format(millisecondsSinceEpoch) ?? "\(millisecondsSinceEpoch)ms" }
}

/// ISO-8601 text with millisecond precision, written and read without Foundation's formatters
/// (Extended JSON's relaxed `$date`).
enum ISO8601Millis {
    /// "YYYY-MM-DDTHH:MM:SS[.mmm]Z" for years 1970...9999 (the range relaxed Extended JSON uses), else nil.
    static func format(_ ms: Int64) -> String? {
        guard ms >= 0, ms <= 253_402_300_799_999 else { return nil }
        let days = ms / 86_400_000
        var rest = ms % 86_400_000
        let (y, m, d) = civil(fromDays: days)
        let hour = rest / 3_600_000; rest %= 3_600_000
        let minute = rest / 60_000; rest %= 60_000
        let second = rest / 1000
        let milli = rest % 1000
        var out = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2)
        if milli != 0 { out += "." + pad(milli, 3) }
        return out + "Z"
    }

    /// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM|+HHMM|-HHMM)"; nil when malformed.
    static func parse(_ text: String) -> Int64? {
        let c = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= c.count else { return nil }
            var v: Int64 = 0
            for _ in 0..<n {
                let ch = c[i]
                guard ch >= 0x30, ch <= 0x39 else { return nil }
                v = v * 10 + Int64(ch - 0x30); i += 1
            }
            return v
        }
        func expect(_ ch: UInt8) -> Bool {
            guard i < c.count, c[i] == ch else { return false }
            i += 1; return true
        }
        guard let y = digits(4), expect(0x2D), let mo = digits(2), expect(0x2D), let d = digits(2),
              i < c.count, c[i] == 0x54 || c[i] == 0x74 else { return nil }
        i += 1
        guard let h = digits(2), expect(0x3A), let mi = digits(2), expect(0x3A), let s = digits(2) else { return nil }
        guard (1...12).contains(mo), d >= 1, d <= daysIn(month: mo, year: y), h < 24, mi < 60, s < 60 else { return nil }
        var milli: Int64 = 0
        if i < c.count, c[i] == 0x2E {
            i += 1
            var scale: Int64 = 100
            var count = 0
            while i < c.count, c[i] >= 0x30, c[i] <= 0x39 {
                milli += Int64(c[i] - 0x30) * scale
                scale /= 10; i += 1; count += 1
            }
            guard count > 0 else { return nil }
        }
        var offsetMinutes: Int64 = 0
        guard i < c.count else { return nil }
        switch c[i] {
        case 0x5A, 0x7A: i += 1
        case 0x2B, 0x2D:
            let sign: Int64 = c[i] == 0x2D ? -1 : 1
            i += 1
            guard let oh = digits(2) else { return nil }
            _ = expect(0x3A)
            guard let om = digits(2), oh < 24, om < 60 else { return nil }
            offsetMinutes = sign * (oh * 60 + om)
        default: return nil
        }
        guard i == c.count else { return nil }
        let days = daysFromCivil(y, mo, d)
        return ((days * 24 + h) * 60 + mi - offsetMinutes) * 60_000 + s * 1000 + milli
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days (public-domain algorithms).
    static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }
}
