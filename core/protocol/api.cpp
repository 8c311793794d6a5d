// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/protocol/api.h"

namespace spillway::core {

std::string_view toString(ApiKey key) noexcept
{
    switch (key) {
    case ApiKey::Produce: return "Produce";
    case ApiKey::Fetch: return "Fetch";
    case ApiKey::ListOffsets: return "ListOffsets";
    case ApiKey::Metadata: return "Metadata";
    case ApiKey::OffsetCommit: return "OffsetCommit";
    case ApiKey::OffsetFetch: return "OffsetFetch";
    case ApiKey::FindCoordinator: return "FindCoordinator";
    case ApiKey::JoinGroup: return "JoinGroup";
    case ApiKey::Heartbeat: return "Heartbeat";
    case ApiKey::LeaveGroup: return "LeaveGroup";
    case ApiKey::SyncGroup: return "SyncGroup";
    case ApiKey::DescribeGroups: return "DescribeGroups";
    case ApiKey::ListGroups: return "ListGroups";
    case ApiKey::SaslHandshake: return "SaslHandshake";
    case ApiKey::ApiVersions: return "ApiVersions";
    case ApiKey::CreateTopics: return "CreateTopics";
    case ApiKey::DeleteTopics: return "DeleteTopics";
    case ApiKey::DeleteRecords: return "DeleteRecords";
    case ApiKey::InitProducerId: return "InitProducerId";
    case ApiKey::DescribeConfigs: return "DescribeConfigs";
    case ApiKey::AlterConfigs: return "AlterConfigs";
    case ApiKey::AlterReplicaLogDirs: return "AlterReplicaLogDirs";
    case ApiKey::DescribeLogDirs: return "DescribeLogDirs";
    case ApiKey::SaslAuthenticate: return "SaslAuthenticate";
    case ApiKey::CreatePartitions: return "CreatePartitions";
    case ApiKey::IncrementalAlterConfigs: return "IncrementalAlterConfigs";
    case ApiKey::DescribeCluster: return "DescribeCluster";
    }
    return "Unknown";
}

std::string_view toString(KafkaError error) noexcept
{
    switch (error) {
    case KafkaError::UnknownServerError: return "UNKNOWN_SERVER_ERROR";
    case KafkaError::None: return "NONE";
    case KafkaError::OffsetOutOfRange: return "OFFSET_OUT_OF_RANGE";
    case KafkaError::CorruptMessage: return "CORRUPT_MESSAGE";
    case KafkaError::UnknownTopicOrPartition: return "UNKNOWN_TOPIC_OR_PARTITION";
    case KafkaError::InvalidFetchSize: return "INVALID_FETCH_SIZE";
    case KafkaError::LeaderNotAvailable: return "LEADER_NOT_AVAILABLE";
    case KafkaError::NotLeaderOrFollower: return "NOT_LEADER_OR_FOLLOWER";
    case KafkaError::RequestTimedOut: return "REQUEST_TIMED_OUT";
    case KafkaError::BrokerNotAvailable: return "BROKER_NOT_AVAILABLE";
    case KafkaError::ReplicaNotAvailable: return "REPLICA_NOT_AVAILABLE";
    case KafkaError::MessageTooLarge: return "MESSAGE_TOO_LARGE";
    case KafkaError::OffsetMetadataTooLarge: return "OFFSET_METADATA_TOO_LARGE";
    case KafkaError::NetworkException: return "NETWORK_EXCEPTION";
    case KafkaError::CoordinatorLoadInProgress: return "COORDINATOR_LOAD_IN_PROGRESS";
    case KafkaError::CoordinatorNotAvailable: return "COORDINATOR_NOT_AVAILABLE";
    case KafkaError::NotCoordinator: return "NOT_COORDINATOR";
    case KafkaError::InvalidTopicException: return "INVALID_TOPIC_EXCEPTION";
    case KafkaError::RecordListTooLarge: return "RECORD_LIST_TOO_LARGE";
    case KafkaError::NotEnoughReplicas: return "NOT_ENOUGH_REPLICAS";
    case KafkaError::NotEnoughReplicasAfterAppend: return "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
    case KafkaError::InvalidRequiredAcks: return "INVALID_REQUIRED_ACKS";
    case KafkaError::IllegalGeneration: return "ILLEGAL_GENERATION";
    case KafkaError::InconsistentGroupProtocol: return "INCONSISTENT_GROUP_PROTOCOL";
    case KafkaError::InvalidGroupId: return "INVALID_GROUP_ID";
    case KafkaError::UnknownMemberId: return "UNKNOWN_MEMBER_ID";
    case KafkaError::InvalidSessionTimeout: return "INVALID_SESSION_TIMEOUT";
    case KafkaError::RebalanceInProgress: return "REBALANCE_IN_PROGRESS";
    case KafkaError::InvalidCommitOffsetSize: return "INVALID_COMMIT_OFFSET_SIZE";
    case KafkaError::TopicAuthorizationFailed: return "TOPIC_AUTHORIZATION_FAILED";
    case KafkaError::GroupAuthorizationFailed: return "GROUP_AUTHORIZATION_FAILED";
    case KafkaError::ClusterAuthorizationFailed: return "CLUSTER_AUTHORIZATION_FAILED";
    case KafkaError::InvalidTimestamp: return "INVALID_TIMESTAMP";
    case KafkaError::UnsupportedSaslMechanism: return "UNSUPPORTED_SASL_MECHANISM";
    case KafkaError::IllegalSaslState: return "ILLEGAL_SASL_STATE";
    case KafkaError::UnsupportedVersion: return "UNSUPPORTED_VERSION";
    case KafkaError::TopicAlreadyExists: return "TOPIC_ALREADY_EXISTS";
    case KafkaError::InvalidPartitions: return "INVALID_PARTITIONS";
    case KafkaError::InvalidReplicationFactor: return "INVALID_REPLICATION_FACTOR";
    case KafkaError::InvalidReplicaAssignment: return "INVALID_REPLICA_ASSIGNMENT";
    case KafkaError::InvalidConfig: return "INVALID_CONFIG";
    case KafkaError::NotController: return "NOT_CONTROLLER";
    case KafkaError::InvalidRequest: return "INVALID_REQUEST";
    case KafkaError::UnsupportedForMessageFormat: return "UNSUPPORTED_FOR_MESSAGE_FORMAT";
    case KafkaError::PolicyViolation: return "POLICY_VIOLATION";
    case KafkaError::OutOfOrderSequenceNumber: return "OUT_OF_ORDER_SEQUENCE_NUMBER";
    case KafkaError::DuplicateSequenceNumber: return "DUPLICATE_SEQUENCE_NUMBER";
    case KafkaError::InvalidProducerEpoch: return "INVALID_PRODUCER_EPOCH";
    case KafkaError::InvalidTxnState: return "INVALID_TXN_STATE";
    case KafkaError::InvalidProducerIdMapping: return "INVALID_PRODUCER_ID_MAPPING";
    case KafkaError::InvalidTransactionTimeout: return "INVALID_TRANSACTION_TIMEOUT";
    case KafkaError::ConcurrentTransactions: return "CONCURRENT_TRANSACTIONS";
    case KafkaError::KafkaStorageError: return "KAFKA_STORAGE_ERROR";
    case KafkaError::LogDirNotFound: return "LOG_DIR_NOT_FOUND";
    case KafkaError::UnknownProducerId: return "UNKNOWN_PRODUCER_ID";
    case KafkaError::ReassignmentInProgress: return "REASSIGNMENT_IN_PROGRESS";
    case KafkaError::GroupIdNotFound: return "GROUP_ID_NOT_FOUND";
    case KafkaError::FetchSessionIdNotFound: return "FETCH_SESSION_ID_NOT_FOUND";
    case KafkaError::InvalidFetchSessionEpoch: return "INVALID_FETCH_SESSION_EPOCH";
    case KafkaError::ListenerNotFound: return "LISTENER_NOT_FOUND";
    case KafkaError::TopicDeletionDisabled: return "TOPIC_DELETION_DISABLED";
    case KafkaError::FencedLeaderEpoch: return "FENCED_LEADER_EPOCH";
    case KafkaError::UnknownLeaderEpoch: return "UNKNOWN_LEADER_EPOCH";
    case KafkaError::OffsetNotAvailable: return "OFFSET_NOT_AVAILABLE";
    case KafkaError::MemberIdRequired: return "MEMBER_ID_REQUIRED";
    case KafkaError::PreferredLeaderNotAvailable: return "PREFERRED_LEADER_NOT_AVAILABLE";
    case KafkaError::GroupMaxSizeReached: return "GROUP_MAX_SIZE_REACHED";
    case KafkaError::FencedInstanceId: return "FENCED_INSTANCE_ID";
    case KafkaError::InvalidRecord: return "INVALID_RECORD";
    case KafkaError::UnstableOffsetCommit: return "UNSTABLE_OFFSET_COMMIT";
    case KafkaError::ThrottlingQuotaExceeded: return "THROTTLING_QUOTA_EXCEEDED";
    case KafkaError::UnknownTopicId: return "UNKNOWN_TOPIC_ID";
    case KafkaError::InconsistentTopicId: return "INCONSISTENT_TOPIC_ID";
    case KafkaError::FetchSessionTopicIdError: return "FETCH_SESSION_TOPIC_ID_ERROR";
    }
    return "UNKNOWN";
}

} // namespace spillway::core
