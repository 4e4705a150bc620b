#if canImport(Glibc)
import Glibc
#endif

/// The `Date` field line (RFC 9110 §5.6.7 IMF-fixdate), remade at most once a second. Each
/// connection keeps its own, so no lock is taken per response.
struct HTTPDateCache {
    private var second: Int = -1
    private(set) var fieldLine: [UInt8] = []

    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n` for now.
    mutating func current() -> [UInt8] {
        let now = time(nil)
        if now != second {
            second = now
            fieldLine = Self.format(now)
        }
        return fieldLine
    }

    static func format(_ t: Int) -> [UInt8] {
        var seconds = time_t(t)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let text = "Date: \(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT\r\n"
        return Array(text.utf8)
    }
}
