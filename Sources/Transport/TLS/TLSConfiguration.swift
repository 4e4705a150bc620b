/// What a TLS endpoint trusts and presents.
public struct TLSConfiguration: Sendable {
    public enum Trust: Sendable {
        /// The system's CA bundle (Debian: /etc/ssl/certs).
        case systemDefault
        /// Only the CAs in this PEM file.
        case caFile(String)
        /// Only the CAs in this PEM text.
        case caPEM(String)
        /// No verification at all. For tests against self-signed peers only; never the default.
        case insecureNoVerification
    }

    public var trust: Trust
    /// PEM certificate chain and private key to present (required for servers, optional for clients).
    public var certificateChainFile: String?
    public var privateKeyFile: String?
    /// ALPN protocols in preference order, e.g. ["h2", "http/1.1"].
    public var applicationProtocols: [String]
    /// Servers: ask clients for a certificate and verify it against `trust`.
    public var requireClientCertificate: Bool

    public init(trust: Trust = .systemDefault, certificateChainFile: String? = nil, privateKeyFile: String? = nil,
                applicationProtocols: [String] = [], requireClientCertificate: Bool = false) {
        self.trust = trust
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.applicationProtocols = applicationProtocols
        self.requireClientCertificate = requireClientCertificate
    }

    public static func client(trust: Trust = .systemDefault, applicationProtocols: [String] = []) -> TLSConfiguration {
        TLSConfiguration(trust: trust, applicationProtocols: applicationProtocols)
    }

    public static func server(certificateChainFile: String, privateKeyFile: String,
                              applicationProtocols: [String] = []) -> TLSConfiguration {
        TLSConfiguration(trust: .systemDefault, certificateChainFile: certificateChainFile,
                         privateKeyFile: privateKeyFile, applicationProtocols: applicationProtocols)
    }

    /// ALPN wire format: each name prefixed by its length.
    var alpnWire: [UInt8] {
        var out: [UInt8] = []
        for p in applicationProtocols where !p.isEmpty && p.utf8.count < 256 {
            out.append(UInt8(p.utf8.count))
            out.append(contentsOf: p.utf8)
        }
        return out
    }
}
