import ArgumentParser
import Foundation
import KafkaClient
import KafkaProtocol
import Transport

/// `switchyard wire kafka ...`: the Kafka protocol by hand, on our client.
struct WireKafka: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka",
        abstract: "Kafka: API versions, metadata, topics, produce, consume, groups and offsets with our client.",
        subcommands: [APIVersions.self, Metadata.self, CreateTopic.self, Produce.self, Consume.self, Groups.self, Offsets.self])

    /// Bootstrap and credentials shared by every kafka subcommand.
    struct Connection: ParsableArguments {
        @Option(help: "Bootstrap broker(s), host:port[,host:port].") var bootstrap = "127.0.0.1:9092"
        @Option(help: "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.") var saslMechanism: String?
        @Option(help: "SASL user name.") var saslUser: String?
        @Option(help: "SASL password.") var saslPassword: String?
        @Option(help: "Client id sent in every request header.") var clientId = "switchyard-wire"
        @Flag(help: "Connect with TLS (the system's trusted CAs unless --tls-ca-file).") var tls = false
        @Option(help: "PEM file of the CA(s) that sign the brokers' certificates (implies --tls).") var tlsCaFile: String?
        @Option(help: ArgumentHelp("Use at most version V of API key K, as K=V (repeat for more): pin old versions.", valueName: "K=V"))
        var maxApiVersion: [String] = []

        func options() throws -> KafkaConnectionOptions {
            var options = KafkaConnectionOptions(clientId: clientId)
            for pin in maxApiVersion {
                let parts = pin.split(separator: "=")
                guard parts.count == 2, let key = Int16(parts[0]), let version = Int16(parts[1]) else {
                    throw ValidationError("--max-api-version wants KEY=VERSION, e.g. 0=8, got \(pin)")
                }
                options.maxVersions[key] = version
            }
            if tls || tlsCaFile != nil {
                let trust: TLSConfiguration.Trust = tlsCaFile.map { .caFile($0) } ?? .systemDefault
                do {
                    options.tls = KafkaTLS(context: try TLSContext(.client(trust: trust), server: false))
                } catch {
                    throw WireCommandError("TLS setup failed: \(error)")
                }
            }
            if let mechanism = saslMechanism {
                guard let user = saslUser, let password = saslPassword else {
                    throw ValidationError("--sasl-mechanism needs --sasl-user and --sasl-password")
                }
                switch mechanism.uppercased() {
                case "PLAIN": options.sasl = .plain(username: user, password: password)
                case "SCRAM-SHA-256": options.sasl = .scramSHA256(username: user, password: password)
                case "SCRAM-SHA-512": options.sasl = .scramSHA512(username: user, password: password)
                default: throw ValidationError("unknown SASL mechanism \(mechanism)")
                }
            }
            return options
        }

        func cluster() throws -> KafkaCluster { try KafkaCluster(bootstrapServers: bootstrap, options: options()) }

        func firstBroker() throws -> KafkaBrokerAddress {
            let first = bootstrap.split(separator: ",").first.map(String.init) ?? bootstrap
            guard let colon = first.lastIndex(of: ":"), let port = Int(first[first.index(after: colon)...]) else {
                throw ValidationError("--bootstrap wants host:port, got \(first)")
            }
            return KafkaBrokerAddress(host: String(first[..<colon]), port: port)
        }
    }

    struct APIVersions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "api-versions",
            abstract: "Each API the broker offers, its version range, ours, and the version we would use.")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @OptionGroup var output: WireOutputOptions

        func run() async throws {
            let address = try connection.firstBroker()
            let options = try connection.options()
            let json = output.json
            try await traceOptions.run(.kafka) {
                let broker = try await KafkaBrokerConnection.connect(to: address, options: options)
                defer { Task { await broker.close() } }
                for row in KafkaVersionTable.rows(broker, pins: options.maxVersions) {
                    if json {
                        print(JSONLine.object([("apiKey", .int(Int64(row.apiKey))), ("name", .string(row.name)),
                                               ("broker", row.broker.map { .string("\($0.lowerBound)-\($0.upperBound)") } ?? .null),
                                               ("ours", row.ours.map { .string("\($0.lowerBound)-\($0.upperBound)") } ?? .null),
                                               ("use", row.use.map { .int(Int64($0)) } ?? .null)]))
                    } else {
                        let broker = row.broker.map { "\($0.lowerBound)-\($0.upperBound)" } ?? "-"
                        let ours = row.ours.map { "\($0.lowerBound)-\($0.upperBound)" } ?? "-"
                        print("\(String(row.apiKey).leftPadded(4)) \(row.name.padded(28)) broker \(broker.padded(6)) ours \(ours.padded(6)) use \(row.use.map(String.init) ?? "-")")
                    }
                }
            }
        }
    }

    struct Metadata: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Brokers, the controller, and topics with their partition leaders.")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @OptionGroup var output: WireOutputOptions
        @Argument(help: "Topics (default: all).") var topics: [String] = []

        func run() async throws {
            let cluster = try connection.cluster()
            let names = topics.isEmpty ? nil : topics
            let json = output.json
            try await traceOptions.run(.kafka) {
                defer { Task { await cluster.close() } }
                let response = try await cluster.refreshMetadata(topics: names)
                for broker in response.brokers {
                    print(json ? JSONLine.object([("broker", .int(Int64(broker.nodeId))), ("host", .string(broker.host)), ("port", .int(Int64(broker.port)))])
                               : "broker \(broker.nodeId) at \(broker.host):\(broker.port)\(broker.nodeId == response.controllerId ? " (controller)" : "")")
                }
                for topic in response.topics.sorted(by: { ($0.name ?? "") < ($1.name ?? "") }) {
                    let error = KafkaErrorCode(code: topic.errorCode).map { $0.isError ? " error \($0.name)" : "" } ?? " error \(topic.errorCode)"
                    if json {
                        print(JSONLine.object([("topic", .string(topic.name ?? "")), ("errorCode", .int(Int64(topic.errorCode))),
                                               ("partitions", .raw("[" + topic.partitions.sorted { $0.partitionIndex < $1.partitionIndex }
                                                   .map { JSONLine.object([("partition", .int(Int64($0.partitionIndex))), ("leader", .int(Int64($0.leaderId)))]) }
                                                   .joined(separator: ",") + "]"))]))
                    } else {
                        print("topic \(topic.name ?? "?"): \(topic.partitions.count) partitions\(error)")
                        for partition in topic.partitions.sorted(by: { $0.partitionIndex < $1.partitionIndex }) {
                            print("  partition \(partition.partitionIndex) leader \(partition.leaderId) replicas \(partition.replicaNodes)")
                        }
                    }
                }
            }
        }
    }

    struct CreateTopic: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-topic", abstract: "Create a topic.")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @OptionGroup var output: WireOutputOptions
        @Option(help: "Number of partitions.") var partitions: Int32 = 1
        @Option(help: "Replication factor.") var replicationFactor: Int16 = 1
        @Flag(help: "Succeed if the topic exists already.") var ifNotExists = false
        @Argument(help: "Topic name.") var topic: String

        func run() async throws {
            let cluster = try connection.cluster()
            let (name, count, factor, tolerant, json) = (topic, partitions, replicationFactor, ifNotExists, output.json)
            try await traceOptions.run(.kafka) {
                defer { Task { await cluster.close() } }
                try await KafkaAdmin(cluster: cluster).createTopic(name, partitions: count, replicationFactor: factor, ifNotExists: tolerant)
                print(json ? JSONLine.object([("created", .string(name)), ("partitions", .int(Int64(count)))])
                           : "created topic \(name) with \(count) partitions")
            }
        }
    }

    struct Produce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send records: one per line of standard input, or --value.",
            discussion: """
                With --json-input each line is {"key": "...", "value": "...", "headers": {"k": "v"}, "partition": 0}; \
                every field is optional. Prints the partition and offset of each record.
                """)
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @OptionGroup var output: WireOutputOptions
        @Option(help: "The record value (instead of standard input).") var value: String?
        @Option(help: "The record key.") var key: String?
        @Option(help: "A header as key=value (repeat for more).") var header: [String] = []
        @Flag(help: "Read JSON records, one per line.") var jsonInput = false
        @Option(help: "Compression: none, gzip, snappy, lz4.") var compression = "none"
        @Option(help: "Acks: 0, 1 or all.") var acks = "all"
        @Argument(help: "Topic.") var topic: String

        func run() async throws {
            var records: [WireKafkaRecord] = []
            let headers = try header.map { pair -> KafkaRecordHeader in
                guard let eq = pair.firstIndex(of: "=") else { throw ValidationError("--header wants key=value, got \(pair)") }
                return KafkaRecordHeader(key: String(pair[..<eq]), value: Array(pair[pair.index(after: eq)...].utf8))
            }
            if let value {
                records.append(WireKafkaRecord(key: key.map { Array($0.utf8) }, value: Array(value.utf8), headers: headers, partition: nil))
            } else {
                while let line = readLine() {
                    records.append(jsonInput ? try WireKafkaRecord(json: line)
                                             : WireKafkaRecord(key: key.map { Array($0.utf8) }, value: Array(line.utf8), headers: headers, partition: nil))
                }
            }
            var configuration = KafkaProducerConfiguration()
            switch acks {
            case "0": configuration.acks = .none
            case "1": configuration.acks = .leader
            case "all", "-1": configuration.acks = .all
            default: throw ValidationError("--acks is 0, 1 or all")
            }
            switch compression {
            case "none": configuration.compression = .none
            case "gzip": configuration.compression = .gzip
            case "snappy": configuration.compression = .snappy
            case "lz4": configuration.compression = .lz4
            default: throw ValidationError("--compression is none, gzip, snappy or lz4")
            }
            let cluster = try connection.cluster()
            let (name, json, batch, settings) = (topic, output.json, records, configuration)
            try await traceOptions.run(.kafka) {
                let producer = try KafkaProducer(cluster: cluster, configuration: settings)
                for record in batch {
                    let delivery = try await producer.send(topic: name, key: record.key, value: record.value,
                                                           headers: record.headers, partition: record.partition)
                    print(json ? JSONLine.object([("topic", .string(name)), ("partition", .int(Int64(delivery.partition))),
                                                  ("offset", .int(delivery.offset))])
                               : "\(name)-\(delivery.partition)@\(delivery.offset)")
                }
                try await producer.close()
                await cluster.close()
            }
        }
    }

    struct Consume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print records as they arrive, in a group (--group) or from every partition.",
            discussion: "Stops after --max records, or when nothing arrives for --idle seconds.")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @OptionGroup var output: WireOutputOptions
        @Option(help: "Consumer group (commits its offsets).") var group: String?
        @Flag(help: "Start at the earliest offset when nothing is committed (default: latest).") var fromBeginning = false
        @Option(help: "Stop after this many records.") var max: Int?
        @Option(help: "Stop after this many seconds without a record.") var idle: Double = 5
        @Option(help: "Group session timeout in milliseconds.") var sessionTimeoutMs = 6000
        @Option(help: "Group assignor: range, roundrobin or cooperative-sticky (incremental rebalancing).")
        var assignor: KafkaPartitionAssignor = .range
        @Option(help: "Static member name in the group (group.instance.id): a restart under it is no rebalance.")
        var instanceId: String?
        @Argument(help: "Topics.") var topics: [String]

        func run() async throws {
            let cluster = try connection.cluster()
            var configuration = KafkaConsumerConfiguration(
                groupId: group, topics: topics, assignor: assignor, autoOffsetReset: fromBeginning ? .earliest : .latest,
                autoCommit: group != nil, sessionTimeout: .milliseconds(sessionTimeoutMs))
            configuration.groupInstanceId = instanceId
            let settings = configuration
            let (json, limit, idleSeconds, names, grouped) = (output.json, max, idle, topics, group != nil)
            try await traceOptions.run(.kafka) {
                let consumer = KafkaConsumer(cluster: cluster, configuration: settings)
                if !grouped {
                    var partitions: [KafkaTopicPartition] = []
                    for name in names {
                        let metadata = try await cluster.topic(name, refresh: true)
                        partitions += metadata.partitions.map { KafkaTopicPartition(name, $0.partition) }
                    }
                    try await consumer.assign(partitions)
                }
                var received = 0
                var lastRecord = ContinuousClock.now
                consume: while ContinuousClock.now - lastRecord < .seconds(idleSeconds) {
                    for message in try await consumer.poll(timeout: .milliseconds(500)) {
                        print(json ? WireKafkaRecord.json(message) : WireKafkaRecord.text(message))
                        received += 1
                        lastRecord = ContinuousClock.now
                        if let limit, received >= limit { break consume }
                    }
                }
                if grouped { try? await consumer.commit() }
                await consumer.close()
                await cluster.close()
            }
        }
    }

    struct Groups: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List consumer groups, or describe the named ones.")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @OptionGroup var output: WireOutputOptions
        @Argument(help: "Groups to describe (default: list all).") var groups: [String] = []

        func run() async throws {
            let cluster = try connection.cluster()
            let (names, json) = (groups, output.json)
            try await traceOptions.run(.kafka) {
                defer { Task { await cluster.close() } }
                let admin = KafkaAdmin(cluster: cluster)
                if names.isEmpty {
                    for group in try await admin.listGroups().sorted(by: { $0.groupId < $1.groupId }) {
                        print(json ? JSONLine.object([("group", .string(group.groupId)), ("state", .string(group.state)),
                                                      ("protocolType", .string(group.protocolType))])
                                   : "\(group.groupId) \(group.state) \(group.protocolType)")
                    }
                    return
                }
                for group in try await admin.describeGroups(names) {
                    if json {
                        print(JSONLine.object([("group", .string(group.groupId)), ("state", .string(group.state)),
                                               ("protocol", .string(group.protocolName)),
                                               ("members", .raw("[" + group.members.map { member in
                                                   JSONLine.object([("memberId", .string(member.memberId)), ("clientId", .string(member.clientId)),
                                                                    ("assignment", .string(member.assignment.map(\.description).joined(separator: ",")))])
                                               }.joined(separator: ",") + "]"))]))
                    } else {
                        print("group \(group.groupId): \(group.state), protocol \(group.protocolName), \(group.members.count) members")
                        for member in group.members {
                            print("  \(member.memberId) (\(member.clientId)): \(member.assignment.map(\.description).joined(separator: " "))")
                        }
                    }
                }
            }
        }
    }

    struct Offsets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Earliest and latest offsets per partition, and a group's committed ones.")
        @OptionGroup var connection: Connection
        @OptionGroup var traceOptions: WireTraceOptions
        @OptionGroup var output: WireOutputOptions
        @Option(help: "Also show this group's committed offsets.") var group: String?
        @Argument(help: "Topic.") var topic: String

        func run() async throws {
            let cluster = try connection.cluster()
            let (name, groupId, json) = (topic, group, output.json)
            try await traceOptions.run(.kafka) {
                let consumer = KafkaConsumer(cluster: cluster, configuration: KafkaConsumerConfiguration(groupId: groupId, topics: [name], autoCommit: false))
                let metadata = try await cluster.topic(name, refresh: true)
                let partitions = metadata.partitions.map { KafkaTopicPartition(name, $0.partition) }
                let earliest = try await consumer.listOffsets(partitions, timestamp: -2)
                let latest = try await consumer.listOffsets(partitions, timestamp: -1)
                let committed = groupId == nil ? [:] : try await consumer.fetchCommitted(partitions)
                for partition in partitions {
                    let low = earliest[partition] ?? -1, high = latest[partition] ?? -1
                    if json {
                        print(JSONLine.object([("topic", .string(name)), ("partition", .int(Int64(partition.partition))),
                                               ("earliest", .int(low)), ("latest", .int(high)),
                                               ("committed", committed[partition].map { .int($0) } ?? .null)]))
                    } else {
                        print("\(partition) earliest \(low) latest \(high)" + (groupId == nil ? "" : " committed \(committed[partition].map(String.init) ?? "-")"))
                    }
                }
                await consumer.abandon()
                await cluster.close()
            }
        }
    }
}

/// The versions table behind `api-versions` and the conformance matrix.
enum KafkaVersionTable {
    struct Row: Sendable {
        var apiKey: Int16
        var name: String
        var broker: ClosedRange<Int16>?
        var ours: ClosedRange<Int16>?
        /// The highest version both sides support.
        var use: Int16?
    }

    static func rows(_ broker: KafkaBrokerConnection, pins: [Int16: Int16] = [:]) -> [Row] {
        let ours = KafkaGeneratedMessages.requests
        var keys = Set(ours.keys)
        for key in Int16(0)...Int16(100) where broker.brokerVersions(apiKey: key) != nil { keys.insert(key) }
        return keys.sorted().map { key in
            let type = ours[key]
            let offered = broker.brokerVersions(apiKey: key)
            var use: Int16?
            if let offered, let codec = type?.validVersions {
                var valid = KafkaClientVersions.cap(key, codec: codec)
                if let pin = pins[key], pin >= valid.lowerBound, pin < valid.upperBound { valid = valid.lowerBound...pin }
                if offered.overlaps(valid) { use = Swift.min(offered.upperBound, valid.upperBound) }
            }
            return Row(apiKey: key, name: type.map { String($0.messageName.dropLast("Request".count)) } ?? KafkaAPINames.byKey[key] ?? "(unknown API)",
                       broker: offered, ours: type?.validVersions, use: use)
        }
    }
}

/// A record read from the command line, and how consumed records are printed.
struct WireKafkaRecord {
    var key: [UInt8]?
    var value: [UInt8]?
    var headers: [KafkaRecordHeader]
    var partition: Int32?

    init(key: [UInt8]?, value: [UInt8]?, headers: [KafkaRecordHeader], partition: Int32?) {
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }

    init(json line: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw WireCommandError("not a JSON object: \(line)")
        }
        key = (object["key"] as? String).map { Array($0.utf8) }
        value = (object["value"] as? String).map { Array($0.utf8) }
        headers = ((object["headers"] as? [String: Any]) ?? [:]).sorted { $0.key < $1.key }.map {
            KafkaRecordHeader(key: $0.key, value: ($0.value as? String).map { Array($0.utf8) })
        }
        partition = (object["partition"] as? Int).map(Int32.init)
    }

    static func text(_ message: KafkaConsumerMessage) -> String {
        var line = "\(message.topic)-\(message.partition)@\(message.offset)"
        if let key = message.key { line += " key=" + String(decoding: key, as: UTF8.self) }
        for header in message.headers {
            line += " [\(header.key)=\(header.value.map { String(decoding: $0, as: UTF8.self) } ?? "null")]"
        }
        return line + " " + (message.value.map { String(decoding: $0, as: UTF8.self) } ?? "null")
    }

    static func json(_ message: KafkaConsumerMessage) -> String {
        let headers = "{" + message.headers.map {
            JSONLine.quote($0.key) + ":" + ($0.value.map { JSONLine.quote(String(decoding: $0, as: UTF8.self)) } ?? "null")
        }.joined(separator: ",") + "}"
        return JSONLine.object([
            ("topic", .string(message.topic)), ("partition", .int(Int64(message.partition))), ("offset", .int(message.offset)),
            ("timestamp", .int(message.timestamp)),
            ("key", message.key.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null),
            ("value", message.value.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null),
            ("headers", .raw(headers)),
        ])
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

extension KafkaPartitionAssignor: ExpressibleByArgument {}
