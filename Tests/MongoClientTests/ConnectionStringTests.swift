import XCTest
@testable import MongoClient

final class ConnectionStringTests: XCTestCase {
    func testFullURL() throws {
        let cs = try ConnectionString("mongodb://us%40er:p%3Ass%2Fw@Host1:27018,[::1]:27019,host3/app%5Fdb?authSource=admin&replicaSet=rs0&directConnection=false&tls=true&tlsCAFile=%2Fetc%2Fca.pem&connectTimeoutMS=1500&serverSelectionTimeoutMS=2500&maxPoolSize=7&retryWrites=false&appName=my%20app&authMechanism=scram-sha-1&zzz=1")
        XCTAssertEqual(cs.username, "us@er")
        XCTAssertEqual(cs.password, "p:ss/w")
        XCTAssertEqual(cs.hosts, [ServerAddress(host: "host1", port: 27018), ServerAddress(host: "::1", port: 27019),
                                  ServerAddress(host: "host3", port: 27017)])
        XCTAssertEqual(cs.database, "app_db")
        XCTAssertEqual(cs.authSource, "admin")
        XCTAssertEqual(cs.authenticationDatabase, "admin")
        XCTAssertEqual(cs.replicaSet, "rs0")
        XCTAssertEqual(cs.directConnection, false)
        XCTAssertTrue(cs.tls)
        XCTAssertEqual(cs.tlsCAFile, "/etc/ca.pem")
        XCTAssertEqual(cs.connectTimeout, .milliseconds(1500))
        XCTAssertEqual(cs.serverSelectionTimeout, .milliseconds(2500))
        XCTAssertEqual(cs.maxPoolSize, 7)
        XCTAssertFalse(cs.retryWrites)
        XCTAssertEqual(cs.appName, "my app")
        XCTAssertEqual(cs.authMechanism, .sha1)
        XCTAssertEqual(cs.unknownOptions, ["zzz": "1"])
    }

    func testDefaults() throws {
        let cs = try ConnectionString("mongodb://localhost")
        XCTAssertEqual(cs.hosts, [ServerAddress(host: "localhost", port: 27017)])
        XCTAssertNil(cs.username)
        XCTAssertNil(cs.database)
        XCTAssertEqual(cs.authenticationDatabase, "admin")
        XCTAssertEqual(cs.maxPoolSize, 100)
        XCTAssertTrue(cs.retryWrites)
        XCTAssertFalse(cs.tls)
        let withDB = try ConnectionString("mongodb://u:p@h/db1")
        XCTAssertEqual(withDB.authenticationDatabase, "db1")
        let emptyPassword = try ConnectionString("mongodb://u:@h/")
        XCTAssertEqual(emptyPassword.password, "")
        XCTAssertTrue(try ConnectionString("mongodb://h/?tlsCAFile=ca.pem").tls)
    }

    func testErrorsSayWhatIsWrong() {
        let cases: [(String, String)] = [
            ("http://h", "must start with mongodb://"),
            ("mongodb+srv://h", "SRV"),
            ("mongodb://", "no host"),
            ("mongodb://h:0", "port"),
            ("mongodb://h:70000", "port"),
            ("mongodb://h:x", "port"),
            ("mongodb://h1,,h2", "empty host"),
            ("mongodb://[::1", "\"]\""),
            ("mongodb://a:b:c", "more than one"),
            ("mongodb://u:p:q@h", "\":\" in a password"),
            ("mongodb://u%zz:p@h", "percent-escape"),
            ("mongodb://h?x=1", "after the hosts"),
            ("mongodb://h/?maxPoolSize=-1", "maxPoolSize"),
            ("mongodb://h/?retryWrites=yes", "true or false"),
            ("mongodb://h/?connectTimeoutMS", "no \"=value\""),
            ("mongodb://h/?authMechanism=PLAIN", "SCRAM"),
            ("mongodb://h/a$b", "database name"),
            ("mongodb://h1,h2/?directConnection=true", "one host"),
            ("mongodb://:p@h", "user name is empty"),
            ("mongodb://" + String(repeating: "h", count: ConnectionString.maxLength), "limit"),
            ("mongodb://" + Array(repeating: "h", count: ConnectionString.maxHosts + 1).joined(separator: ","), "limit"),
        ]
        for (url, fragment) in cases {
            XCTAssertThrowsError(try ConnectionString(url), url) { error in
                XCTAssertEqual((error as? MongoError)?.code, .invalidConnectionString, url)
                XCTAssertTrue("\(error)".contains(fragment), "\(url): \(error)")
            }
        }
    }
}
