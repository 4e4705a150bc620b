import HTTP
import HTTPClient
import SigV4

extension S3Client {
    /// CreateBucket. Outside us-east-1 the bucket's region goes in a `CreateBucketConfiguration`.
    public func createBucket(_ bucket: String) async throws(S3Error) {
        var operation = Operation(name: "CreateBucket", method: .put, bucket: bucket, notFoundCode: .noSuchBucket)
        if configuration.region != "us-east-1" {
            let body = XMLWriter.document(XMLElement("CreateBucketConfiguration",
                                                     attributes: [("xmlns", Self.xmlNamespace)],
                                                     children: [XMLElement("LocationConstraint", text: configuration.region)]))
            operation.body = .bytes(body)
            operation.headers.append(("Content-Type", "application/xml"))
        }
        try await perform(operation) { (response) async throws(S3Error) in try await discardBody(response, operation: "CreateBucket") }
    }

    /// HeadBucket: returns if the bucket exists and we may use it; `noSuchBucket` or `accessDenied` otherwise.
    public func headBucket(_ bucket: String) async throws(S3Error) {
        let operation = Operation(name: "HeadBucket", method: .head, bucket: bucket, notFoundCode: .noSuchBucket)
        try await perform(operation) { (response) async throws(S3Error) in try await discardBody(response, operation: "HeadBucket") }
    }

    /// DeleteBucket (the bucket must be empty).
    public func deleteBucket(_ bucket: String) async throws(S3Error) {
        let operation = Operation(name: "DeleteBucket", method: .delete, bucket: bucket, notFoundCode: .noSuchBucket)
        try await perform(operation) { (response) async throws(S3Error) in try await discardBody(response, operation: "DeleteBucket") }
    }

    /// PutBucketNotificationConfiguration: replaces the bucket's event notifications.
    public func putBucketNotificationConfiguration(bucket: String, _ notification: S3NotificationConfiguration) async throws(S3Error) {
        let body = XMLWriter.document(notification.xml)
        var operation = Operation(name: "PutBucketNotificationConfiguration", method: .put, bucket: bucket,
                                  query: [QueryParameter("notification", "")], body: .bytes(body), notFoundCode: .noSuchBucket)
        operation.headers.append(("Content-Type", "application/xml"))
        try await perform(operation) { (response) async throws(S3Error) in
            try await discardBody(response, operation: "PutBucketNotificationConfiguration")
        }
    }

    static let xmlNamespace = "http://s3.amazonaws.com/doc/2006-03-01/"
}

/// A bucket's event notifications: where S3 sends which events (SNS topics, SQS queues, Lambda functions).
public struct S3NotificationConfiguration: Sendable, Equatable {
    public var topics: [Target]
    public var queues: [Target]
    public var lambdaFunctions: [Target]

    public init(topics: [Target] = [], queues: [Target] = [], lambdaFunctions: [Target] = []) {
        self.topics = topics
        self.queues = queues
        self.lambdaFunctions = lambdaFunctions
    }

    /// One destination and what is sent to it.
    public struct Target: Sendable, Equatable {
        public var id: String?
        /// The topic, queue or function ARN.
        public var arn: String
        /// Event names such as `s3:ObjectCreated:*` or `s3:ObjectRemoved:Delete`.
        public var events: [String]
        /// Only keys starting with this.
        public var prefix: String?
        /// Only keys ending with this.
        public var suffix: String?

        public init(id: String? = nil, arn: String, events: [String], prefix: String? = nil, suffix: String? = nil) {
            self.id = id
            self.arn = arn
            self.events = events
            self.prefix = prefix
            self.suffix = suffix
        }

        func xml(element: String, arnElement: String) -> XMLElement {
            var children: [XMLElement] = []
            if let id { children.append(XMLElement("Id", text: id)) }
            children.append(XMLElement(arnElement, text: arn))
            for event in events { children.append(XMLElement("Event", text: event)) }
            var rules: [XMLElement] = []
            if let prefix { rules.append(XMLElement("FilterRule", children: [XMLElement("Name", text: "prefix"), XMLElement("Value", text: prefix)])) }
            if let suffix { rules.append(XMLElement("FilterRule", children: [XMLElement("Name", text: "suffix"), XMLElement("Value", text: suffix)])) }
            if !rules.isEmpty { children.append(XMLElement("Filter", children: [XMLElement("S3Key", children: rules)])) }
            return XMLElement(element, children: children)
        }
    }

    var xml: XMLElement {
        XMLElement("NotificationConfiguration", attributes: [("xmlns", S3Client.xmlNamespace)],
                   children: topics.map { $0.xml(element: "TopicConfiguration", arnElement: "Topic") }
                       + queues.map { $0.xml(element: "QueueConfiguration", arnElement: "Queue") }
                       + lambdaFunctions.map { $0.xml(element: "LambdaFunctionConfiguration", arnElement: "CloudFunction") })
    }
}
