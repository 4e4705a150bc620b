import BSON
#if canImport(Glibc)
import Glibc
#endif

/// The `client` document of the handshake: who we are, for the server's logs and currentOp.
enum ClientMetadata {
    static let driverName = "switchyard"
    static let driverVersion = "0.1.0"

    static func document(appName: String?) -> BSONDocument {
        var b = BSONDocumentBuilder()
        if let appName { b.appendDocument("application") { $0.append("name", .string(appName)) } }
        b.appendDocument("driver") {
            $0.append("name", .string(driverName))
            $0.append("version", .string(driverVersion))
        }
        let (system, release, machine) = uname()
        b.appendDocument("os") {
            $0.append("type", .string(system))
            $0.append("name", .string(system))
            $0.append("architecture", .string(machine))
            $0.append("version", .string(release))
        }
        b.append("platform", .string("Swift \(swiftVersion)"))
        return (try? b.build()) ?? BSONDocument()
    }

    private static var swiftVersion: String {
        #if swift(>=6.3)
        return "6.3"
        #elseif swift(>=6.0)
        return "6"
        #else
        return "5"
        #endif
    }

    private static func uname() -> (String, String, String) {
        var info = utsname()
        guard Glibc.uname(&info) == 0 else { return ("Linux", "", "") }
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { raw in
                let bytes = raw.prefix { $0 != 0 }
                return String(decoding: bytes, as: UTF8.self)
            }
        }
        return (text(info.sysname), text(info.release), text(info.machine))
    }
}
