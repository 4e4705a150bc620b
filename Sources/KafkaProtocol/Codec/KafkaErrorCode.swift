/// The error codes a Kafka broker puts in responses, with whether retrying the same request
/// can succeed. Names, codes and retriable flags follow the error table of the Kafka protocol
/// guide (kafka.apache.org/protocol, "Error Codes"), which Kafka generates from its `Errors` enum:
/// an error is retriable when its Java exception is a `RetriableException`. Codes 109-133
/// (Kafka 3.6-4.1) were classified the same way from their exception classes.
///
/// Use `KafkaErrorCode(code:)` on a field of a decoded response; a code newer than this table
/// gives nil and should be treated as not retriable.
public enum KafkaErrorCode: Int16, Sendable, CaseIterable, CustomStringConvertible {
    case unknownServerError = -1
    case noError = 0
    case offsetOutOfRange = 1
    case corruptMessage = 2
    case unknownTopicOrPartition = 3
    case invalidFetchSize = 4
    case leaderNotAvailable = 5
    case notLeaderOrFollower = 6
    case requestTimedOut = 7
    case brokerNotAvailable = 8
    case replicaNotAvailable = 9
    case messageTooLarge = 10
    case staleControllerEpoch = 11
    case offsetMetadataTooLarge = 12
    case networkException = 13
    case coordinatorLoadInProgress = 14
    case coordinatorNotAvailable = 15
    case notCoordinator = 16
    case invalidTopicException = 17
    case recordListTooLarge = 18
    case notEnoughReplicas = 19
    case notEnoughReplicasAfterAppend = 20
    case invalidRequiredAcks = 21
    case illegalGeneration = 22
    case inconsistentGroupProtocol = 23
    case invalidGroupId = 24
    case unknownMemberId = 25
    case invalidSessionTimeout = 26
    case rebalanceInProgress = 27
    case invalidCommitOffsetSize = 28
    case topicAuthorizationFailed = 29
    case groupAuthorizationFailed = 30
    case clusterAuthorizationFailed = 31
    case invalidTimestamp = 32
    case unsupportedSaslMechanism = 33
    case illegalSaslState = 34
    case unsupportedVersion = 35
    case topicAlreadyExists = 36
    case invalidPartitions = 37
    case invalidReplicationFactor = 38
    case invalidReplicaAssignment = 39
    case invalidConfig = 40
    case notController = 41
    case invalidRequest = 42
    case unsupportedForMessageFormat = 43
    case policyViolation = 44
    case outOfOrderSequenceNumber = 45
    case duplicateSequenceNumber = 46
    case invalidProducerEpoch = 47
    case invalidTxnState = 48
    case invalidProducerIdMapping = 49
    case invalidTransactionTimeout = 50
    case concurrentTransactions = 51
    case transactionCoordinatorFenced = 52
    case transactionalIdAuthorizationFailed = 53
    case securityDisabled = 54
    case operationNotAttempted = 55
    case kafkaStorageError = 56
    case logDirNotFound = 57
    case saslAuthenticationFailed = 58
    case unknownProducerId = 59
    case reassignmentInProgress = 60
    case delegationTokenAuthDisabled = 61
    case delegationTokenNotFound = 62
    case delegationTokenOwnerMismatch = 63
    case delegationTokenRequestNotAllowed = 64
    case delegationTokenAuthorizationFailed = 65
    case delegationTokenExpired = 66
    case invalidPrincipalType = 67
    case nonEmptyGroup = 68
    case groupIdNotFound = 69
    case fetchSessionIdNotFound = 70
    case invalidFetchSessionEpoch = 71
    case listenerNotFound = 72
    case topicDeletionDisabled = 73
    case fencedLeaderEpoch = 74
    case unknownLeaderEpoch = 75
    case unsupportedCompressionType = 76
    case staleBrokerEpoch = 77
    case offsetNotAvailable = 78
    case memberIdRequired = 79
    case preferredLeaderNotAvailable = 80
    case groupMaxSizeReached = 81
    case fencedInstanceId = 82
    case eligibleLeadersNotAvailable = 83
    case electionNotNeeded = 84
    case noReassignmentInProgress = 85
    case groupSubscribedToTopic = 86
    case invalidRecord = 87
    case unstableOffsetCommit = 88
    case throttlingQuotaExceeded = 89
    case producerFenced = 90
    case resourceNotFound = 91
    case duplicateResource = 92
    case unacceptableCredential = 93
    case inconsistentVoterSet = 94
    case invalidUpdateVersion = 95
    case featureUpdateFailed = 96
    case principalDeserializationFailure = 97
    case snapshotNotFound = 98
    case positionOutOfRange = 99
    case unknownTopicId = 100
    case duplicateBrokerRegistration = 101
    case brokerIdNotRegistered = 102
    case inconsistentTopicId = 103
    case inconsistentClusterId = 104
    case transactionalIdNotFound = 105
    case fetchSessionTopicIdError = 106
    case ineligibleReplica = 107
    case newLeaderElected = 108
    case offsetMovedToTieredStorage = 109
    case fencedMemberEpoch = 110
    case unreleasedInstanceId = 111
    case unsupportedAssignor = 112
    case staleMemberEpoch = 113
    case mismatchedEndpointType = 114
    case unsupportedEndpointType = 115
    case unknownControllerId = 116
    case unknownSubscriptionId = 117
    case telemetryTooLarge = 118
    case invalidRegistration = 119
    case transactionAbortable = 120
    case invalidRecordState = 121
    case shareSessionNotFound = 122
    case invalidShareSessionEpoch = 123
    case fencedStateEpoch = 124
    case invalidVoterKey = 125
    case duplicateVoter = 126
    case voterNotFound = 127
    case invalidRegularExpression = 128
    case rebootstrapRequired = 129
    case streamsInvalidTopology = 130
    case streamsInvalidTopologyEpoch = 131
    case streamsTopologyFenced = 132
    case shareSessionLimitReached = 133

    public init?(code: Int16) { self.init(rawValue: code) }

    /// The name Kafka uses, e.g. "NOT_LEADER_OR_FOLLOWER".
    public var name: String {
        switch self {
        case .unknownServerError: return "UNKNOWN_SERVER_ERROR"
        case .noError: return "NONE"
        case .offsetOutOfRange: return "OFFSET_OUT_OF_RANGE"
        case .corruptMessage: return "CORRUPT_MESSAGE"
        case .unknownTopicOrPartition: return "UNKNOWN_TOPIC_OR_PARTITION"
        case .invalidFetchSize: return "INVALID_FETCH_SIZE"
        case .leaderNotAvailable: return "LEADER_NOT_AVAILABLE"
        case .notLeaderOrFollower: return "NOT_LEADER_OR_FOLLOWER"
        case .requestTimedOut: return "REQUEST_TIMED_OUT"
        case .brokerNotAvailable: return "BROKER_NOT_AVAILABLE"
        case .replicaNotAvailable: return "REPLICA_NOT_AVAILABLE"
        case .messageTooLarge: return "MESSAGE_TOO_LARGE"
        case .staleControllerEpoch: return "STALE_CONTROLLER_EPOCH"
        case .offsetMetadataTooLarge: return "OFFSET_METADATA_TOO_LARGE"
        case .networkException: return "NETWORK_EXCEPTION"
        case .coordinatorLoadInProgress: return "COORDINATOR_LOAD_IN_PROGRESS"
        case .coordinatorNotAvailable: return "COORDINATOR_NOT_AVAILABLE"
        case .notCoordinator: return "NOT_COORDINATOR"
        case .invalidTopicException: return "INVALID_TOPIC_EXCEPTION"
        case .recordListTooLarge: return "RECORD_LIST_TOO_LARGE"
        case .notEnoughReplicas: return "NOT_ENOUGH_REPLICAS"
        case .notEnoughReplicasAfterAppend: return "NOT_ENOUGH_REPLICAS_AFTER_APPEND"
        case .invalidRequiredAcks: return "INVALID_REQUIRED_ACKS"
        case .illegalGeneration: return "ILLEGAL_GENERATION"
        case .inconsistentGroupProtocol: return "INCONSISTENT_GROUP_PROTOCOL"
        case .invalidGroupId: return "INVALID_GROUP_ID"
        case .unknownMemberId: return "UNKNOWN_MEMBER_ID"
        case .invalidSessionTimeout: return "INVALID_SESSION_TIMEOUT"
        case .rebalanceInProgress: return "REBALANCE_IN_PROGRESS"
        case .invalidCommitOffsetSize: return "INVALID_COMMIT_OFFSET_SIZE"
        case .topicAuthorizationFailed: return "TOPIC_AUTHORIZATION_FAILED"
        case .groupAuthorizationFailed: return "GROUP_AUTHORIZATION_FAILED"
        case .clusterAuthorizationFailed: return "CLUSTER_AUTHORIZATION_FAILED"
        case .invalidTimestamp: return "INVALID_TIMESTAMP"
        case .unsupportedSaslMechanism: return "UNSUPPORTED_SASL_MECHANISM"
        case .illegalSaslState: return "ILLEGAL_SASL_STATE"
        case .unsupportedVersion: return "UNSUPPORTED_VERSION"
        case .topicAlreadyExists: return "TOPIC_ALREADY_EXISTS"
        case .invalidPartitions: return "INVALID_PARTITIONS"
        case .invalidReplicationFactor: return "INVALID_REPLICATION_FACTOR"
        case .invalidReplicaAssignment: return "INVALID_REPLICA_ASSIGNMENT"
        case .invalidConfig: return "INVALID_CONFIG"
        case .notController: return "NOT_CONTROLLER"
        case .invalidRequest: return "INVALID_REQUEST"
        case .unsupportedForMessageFormat: return "UNSUPPORTED_FOR_MESSAGE_FORMAT"
        case .policyViolation: return "POLICY_VIOLATION"
        case .outOfOrderSequenceNumber: return "OUT_OF_ORDER_SEQUENCE_NUMBER"
        case .duplicateSequenceNumber: return "DUPLICATE_SEQUENCE_NUMBER"
        case .invalidProducerEpoch: return "INVALID_PRODUCER_EPOCH"
        case .invalidTxnState: return "INVALID_TXN_STATE"
        case .invalidProducerIdMapping: return "INVALID_PRODUCER_ID_MAPPING"
        case .invalidTransactionTimeout: return "INVALID_TRANSACTION_TIMEOUT"
        case .concurrentTransactions: return "CONCURRENT_TRANSACTIONS"
        case .transactionCoordinatorFenced: return "TRANSACTION_COORDINATOR_FENCED"
        case .transactionalIdAuthorizationFailed: return "TRANSACTIONAL_ID_AUTHORIZATION_FAILED"
        case .securityDisabled: return "SECURITY_DISABLED"
        case .operationNotAttempted: return "OPERATION_NOT_ATTEMPTED"
        case .kafkaStorageError: return "KAFKA_STORAGE_ERROR"
        case .logDirNotFound: return "LOG_DIR_NOT_FOUND"
        case .saslAuthenticationFailed: return "SASL_AUTHENTICATION_FAILED"
        case .unknownProducerId: return "UNKNOWN_PRODUCER_ID"
        case .reassignmentInProgress: return "REASSIGNMENT_IN_PROGRESS"
        case .delegationTokenAuthDisabled: return "DELEGATION_TOKEN_AUTH_DISABLED"
        case .delegationTokenNotFound: return "DELEGATION_TOKEN_NOT_FOUND"
        case .delegationTokenOwnerMismatch: return "DELEGATION_TOKEN_OWNER_MISMATCH"
        case .delegationTokenRequestNotAllowed: return "DELEGATION_TOKEN_REQUEST_NOT_ALLOWED"
        case .delegationTokenAuthorizationFailed: return "DELEGATION_TOKEN_AUTHORIZATION_FAILED"
        case .delegationTokenExpired: return "DELEGATION_TOKEN_EXPIRED"
        case .invalidPrincipalType: return "INVALID_PRINCIPAL_TYPE"
        case .nonEmptyGroup: return "NON_EMPTY_GROUP"
        case .groupIdNotFound: return "GROUP_ID_NOT_FOUND"
        case .fetchSessionIdNotFound: return "FETCH_SESSION_ID_NOT_FOUND"
        case .invalidFetchSessionEpoch: return "INVALID_FETCH_SESSION_EPOCH"
        case .listenerNotFound: return "LISTENER_NOT_FOUND"
        case .topicDeletionDisabled: return "TOPIC_DELETION_DISABLED"
        case .fencedLeaderEpoch: return "FENCED_LEADER_EPOCH"
        case .unknownLeaderEpoch: return "UNKNOWN_LEADER_EPOCH"
        case .unsupportedCompressionType: return "UNSUPPORTED_COMPRESSION_TYPE"
        case .staleBrokerEpoch: return "STALE_BROKER_EPOCH"
        case .offsetNotAvailable: return "OFFSET_NOT_AVAILABLE"
        case .memberIdRequired: return "MEMBER_ID_REQUIRED"
        case .preferredLeaderNotAvailable: return "PREFERRED_LEADER_NOT_AVAILABLE"
        case .groupMaxSizeReached: return "GROUP_MAX_SIZE_REACHED"
        case .fencedInstanceId: return "FENCED_INSTANCE_ID"
        case .eligibleLeadersNotAvailable: return "ELIGIBLE_LEADERS_NOT_AVAILABLE"
        case .electionNotNeeded: return "ELECTION_NOT_NEEDED"
        case .noReassignmentInProgress: return "NO_REASSIGNMENT_IN_PROGRESS"
        case .groupSubscribedToTopic: return "GROUP_SUBSCRIBED_TO_TOPIC"
        case .invalidRecord: return "INVALID_RECORD"
        case .unstableOffsetCommit: return "UNSTABLE_OFFSET_COMMIT"
        case .throttlingQuotaExceeded: return "THROTTLING_QUOTA_EXCEEDED"
        case .producerFenced: return "PRODUCER_FENCED"
        case .resourceNotFound: return "RESOURCE_NOT_FOUND"
        case .duplicateResource: return "DUPLICATE_RESOURCE"
        case .unacceptableCredential: return "UNACCEPTABLE_CREDENTIAL"
        case .inconsistentVoterSet: return "INCONSISTENT_VOTER_SET"
        case .invalidUpdateVersion: return "INVALID_UPDATE_VERSION"
        case .featureUpdateFailed: return "FEATURE_UPDATE_FAILED"
        case .principalDeserializationFailure: return "PRINCIPAL_DESERIALIZATION_FAILURE"
        case .snapshotNotFound: return "SNAPSHOT_NOT_FOUND"
        case .positionOutOfRange: return "POSITION_OUT_OF_RANGE"
        case .unknownTopicId: return "UNKNOWN_TOPIC_ID"
        case .duplicateBrokerRegistration: return "DUPLICATE_BROKER_REGISTRATION"
        case .brokerIdNotRegistered: return "BROKER_ID_NOT_REGISTERED"
        case .inconsistentTopicId: return "INCONSISTENT_TOPIC_ID"
        case .inconsistentClusterId: return "INCONSISTENT_CLUSTER_ID"
        case .transactionalIdNotFound: return "TRANSACTIONAL_ID_NOT_FOUND"
        case .fetchSessionTopicIdError: return "FETCH_SESSION_TOPIC_ID_ERROR"
        case .ineligibleReplica: return "INELIGIBLE_REPLICA"
        case .newLeaderElected: return "NEW_LEADER_ELECTED"
        case .offsetMovedToTieredStorage: return "OFFSET_MOVED_TO_TIERED_STORAGE"
        case .fencedMemberEpoch: return "FENCED_MEMBER_EPOCH"
        case .unreleasedInstanceId: return "UNRELEASED_INSTANCE_ID"
        case .unsupportedAssignor: return "UNSUPPORTED_ASSIGNOR"
        case .staleMemberEpoch: return "STALE_MEMBER_EPOCH"
        case .mismatchedEndpointType: return "MISMATCHED_ENDPOINT_TYPE"
        case .unsupportedEndpointType: return "UNSUPPORTED_ENDPOINT_TYPE"
        case .unknownControllerId: return "UNKNOWN_CONTROLLER_ID"
        case .unknownSubscriptionId: return "UNKNOWN_SUBSCRIPTION_ID"
        case .telemetryTooLarge: return "TELEMETRY_TOO_LARGE"
        case .invalidRegistration: return "INVALID_REGISTRATION"
        case .transactionAbortable: return "TRANSACTION_ABORTABLE"
        case .invalidRecordState: return "INVALID_RECORD_STATE"
        case .shareSessionNotFound: return "SHARE_SESSION_NOT_FOUND"
        case .invalidShareSessionEpoch: return "INVALID_SHARE_SESSION_EPOCH"
        case .fencedStateEpoch: return "FENCED_STATE_EPOCH"
        case .invalidVoterKey: return "INVALID_VOTER_KEY"
        case .duplicateVoter: return "DUPLICATE_VOTER"
        case .voterNotFound: return "VOTER_NOT_FOUND"
        case .invalidRegularExpression: return "INVALID_REGULAR_EXPRESSION"
        case .rebootstrapRequired: return "REBOOTSTRAP_REQUIRED"
        case .streamsInvalidTopology: return "STREAMS_INVALID_TOPOLOGY"
        case .streamsInvalidTopologyEpoch: return "STREAMS_INVALID_TOPOLOGY_EPOCH"
        case .streamsTopologyFenced: return "STREAMS_TOPOLOGY_FENCED"
        case .shareSessionLimitReached: return "SHARE_SESSION_LIMIT_REACHED"
        }
    }

    /// Whether the broker may accept the same request later (Kafka's RetriableException family).
    public var isRetriable: Bool {
        switch self {
        case .corruptMessage,
             .unknownTopicOrPartition,
             .leaderNotAvailable,
             .notLeaderOrFollower,
             .requestTimedOut,
             .replicaNotAvailable,
             .networkException,
             .coordinatorLoadInProgress,
             .coordinatorNotAvailable,
             .notCoordinator,
             .notEnoughReplicas,
             .notEnoughReplicasAfterAppend,
             .notController,
             .kafkaStorageError,
             .fetchSessionIdNotFound,
             .invalidFetchSessionEpoch,
             .listenerNotFound,
             .fencedLeaderEpoch,
             .unknownLeaderEpoch,
             .offsetNotAvailable,
             .preferredLeaderNotAvailable,
             .eligibleLeadersNotAvailable,
             .electionNotNeeded,
             .unstableOffsetCommit,
             .throttlingQuotaExceeded,
             .unknownTopicId,
             .inconsistentTopicId,
             .fetchSessionTopicIdError,
             .shareSessionNotFound,
             .invalidShareSessionEpoch,
             .shareSessionLimitReached:
            return true
        default:
            return false
        }
    }

    public var isError: Bool { self != .noError }

    public var description: String { "\(name) (\(rawValue))" }
}
