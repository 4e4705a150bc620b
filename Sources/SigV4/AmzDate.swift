/// A signing time in SigV4's basic ISO 8601 form, `YYYYMMDDTHHMMSSZ` (UTC), and the
/// `YYYYMMDD` date that starts the credential scope.
///
/// The signer never reads a clock: callers pass the time in, which makes signatures
/// reproducible and lets tests pin the suites' 2015 and 2013 timestamps.
public struct AmzDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let secondsSinceEpoch: Int64
    /// The 16 bytes `YYYYMMDDTHHMMSSZ`.
    public let bytes: [UInt8]

    /// The earliest and latest times the 4-digit year of the format can express.
    public static let supportedRange: ClosedRange<Int64> = 0...253_402_300_799  // 1970-01-01 ... 9999-12-31T23:59:59Z

    public init(secondsSinceEpoch seconds: Int64) throws(SigV4Error) {
        guard Self.supportedRange.contains(seconds) else {
            throw SigV4Error(.invalidTime, "signing time \(seconds) is outside 1970...9999")
        }
        self.secondsSinceEpoch = seconds
        let days = seconds / 86_400
        let secondOfDay = Int(seconds % 86_400)
        let (year, month, day) = CivilCalendar.date(fromDaysSinceEpoch: days)
        var out = [UInt8]()
        out.reserveCapacity(16)
        Self.appendDigits(year, count: 4, to: &out)
        Self.appendDigits(month, count: 2, to: &out)
        Self.appendDigits(day, count: 2, to: &out)
        out.append(0x54)  // T
        Self.appendDigits(secondOfDay / 3600, count: 2, to: &out)
        Self.appendDigits(secondOfDay / 60 % 60, count: 2, to: &out)
        Self.appendDigits(secondOfDay % 60, count: 2, to: &out)
        out.append(0x5A)  // Z
        self.bytes = out
    }

    /// Parses `YYYYMMDDTHHMMSSZ` strictly: every field must be in range for its calendar date.
    public init(parsing text: some Collection<UInt8>) throws(SigV4Error) {
        let b = Array(text)
        guard b.count == 16, b[8] == 0x54, b[15] == 0x5A else {
            throw SigV4Error(.malformedDate, "expected YYYYMMDDTHHMMSSZ, got \(ASCII.string(b.prefix(40)).debugDescription)")
        }
        func number(_ range: Range<Int>) throws(SigV4Error) -> Int {
            var n = 0
            for i in range {
                let d = b[i] &- 0x30
                guard d < 10 else { throw SigV4Error(.malformedDate, "non-digit in date \(ASCII.string(b).debugDescription)") }
                n = n * 10 + Int(d)
            }
            return n
        }
        let year = try number(0..<4), month = try number(4..<6), day = try number(6..<8)
        let hour = try number(9..<11), minute = try number(11..<13), second = try number(13..<15)
        guard year >= 1970, (1...12).contains(month), day >= 1, day <= CivilCalendar.daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 60 else {
            throw SigV4Error(.malformedDate, "date out of range: \(ASCII.string(b).debugDescription)")
        }
        let days = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day)
        try self.init(secondsSinceEpoch: days * 86_400 + Int64(hour * 3600 + minute * 60 + second))
    }

    public init(parsing text: String) throws(SigV4Error) {
        try self.init(parsing: Array(text.utf8))
    }

    /// The `YYYYMMDD` prefix used in the credential scope.
    public var dateStamp: ArraySlice<UInt8> { bytes[0..<8] }
    /// Days since the epoch: the signing key changes when this does.
    public var day: Int64 { secondsSinceEpoch / 86_400 }

    public var description: String { ASCII.string(bytes) }

    public static func < (a: AmzDate, b: AmzDate) -> Bool { a.secondsSinceEpoch < b.secondsSinceEpoch }

    private static func appendDigits(_ value: Int, count: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(truncatingIfNeeded: 0x30 + v / divisor))
            v %= divisor
            divisor /= 10
        }
    }
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's `civil_from_days` / `days_from_civil`),
/// so formatting a time needs neither Foundation nor the C library's time zone state.
enum CivilCalendar {
    static func date(fromDaysSinceEpoch days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
