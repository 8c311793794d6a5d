// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/admin/cluster_sampler.h"

#include "core/admin/admin_client.h"
#include "core/measure/consumer_lag.h"
#include "core/measure/disk_probe.h"
#include "core/measure/local_snapshot.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <map>
#include <set>
#include <utility>

namespace spillway::core::admin {
namespace {

std::int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string brokerLabel(BrokerId id, const std::string &name)
{
    return name.empty() ? "broker " + std::to_string(id.get()) : name;
}

/// The consumer groups' lag, with log start offsets for the "behind log
/// start" check (ListOffsets earliest, one call for every partition).
std::vector<measure::ConsumerGroupSnapshot> sampleGroups(AdminClient &client, std::vector<std::string> &problems)
{
    std::vector<measure::ConsumerGroupSnapshot> out;
    GroupListings listings = client.listGroups();
    for (const auto &e : listings.errors)
        problems.push_back("consumer groups: " + e.describe());
    std::vector<GroupLag> lags;
    for (const auto &g : listings.groups) {
        if (!g.protocolType.empty() && g.protocolType != "consumer")
            continue;
        auto lag = client.groupLag(g.groupId);
        if (!lag) {
            problems.push_back("consumer group " + g.groupId + ": " + lag.error().describe());
            continue;
        }
        lags.push_back(std::move(*lag));
    }
    if (lags.empty())
        return out;

    std::set<std::pair<std::string, std::int32_t>> partitions;
    for (const auto &l : lags) {
        for (const auto &p : l.partitions)
            partitions.insert({p.topic, p.partition.get()});
    }
    std::vector<OffsetQuery> queries;
    queries.reserve(partitions.size());
    for (const auto &[topic, partition] : partitions)
        queries.push_back({topic, PartitionId(partition), OffsetSpec::earliest()});
    std::map<std::pair<std::string, std::int32_t>, std::int64_t> logStart;
    auto starts = client.listOffsets(queries);
    if (starts) {
        for (const auto &s : *starts) {
            if (s.error == KafkaError::None && s.offset.get() >= 0)
                logStart[{s.topic, s.partition.get()}] = s.offset.get();
        }
    } else {
        problems.push_back("log start offsets for consumer lag: " + starts.error().describe());
    }

    for (const auto &l : lags) {
        measure::GroupOffsets offsets;
        offsets.group = l.groupId;
        for (const auto &p : l.partitions) {
            if (p.logEnd.get() < 0)
                continue; // the leader could not be asked: no lag to compute
            measure::PartitionOffsets po;
            po.topic = p.topic;
            po.partition = p.partition;
            if (p.committed.get() >= 0)
                po.committed = p.committed.get();
            po.logEndOffset = p.logEnd.get();
            const auto it = logStart.find({p.topic, p.partition.get()});
            po.logStartOffset = it != logStart.end() ? std::min(it->second, po.logEndOffset) : 0;
            offsets.partitions.push_back(std::move(po));
        }
        measure::ConsumerGroupSnapshot g;
        g.lag = measure::computeGroupLag(offsets);
        out.push_back(std::move(g));
    }
    return out;
}

/// A dir the probe found there but unreadable for another reason than an
/// I/O error (EACCES, ELOOP: toBrokerSnapshot already takes EIO, EROFS and
/// EUCLEAN offline) cannot be used by Kafka either: offline, with the error.
void markUnreadableDirs(measure::BrokerSnapshot &snapshot, const measure::LocalMeasurement &local)
{
    for (std::size_t i = 0; i < snapshot.dirs.size() && i < local.probe.dirs.size(); ++i) {
        const auto &p = local.probe.dirs[i];
        auto &d = snapshot.dirs[i];
        if (!p.unreadable || d.offline || !p.error)
            continue;
        d.offline = true;
        d.ioErrors.push_back(p.error->message);
    }
}

/// An offline dir cannot be listed any more, neither here nor by
/// DescribeLogDirs; Metadata still names the partitions whose replica on this
/// broker is offline. When exactly one offline dir of the broker has no
/// partitions listed, those not listed on another dir were on it.
void partitionsFromOfflineReplicas(measure::BrokerSnapshot &broker, const ClusterMetadata &metadata, std::int64_t nowMs)
{
    measure::LogDirSnapshot *target = nullptr;
    for (auto &d : broker.dirs) {
        if (!d.offline || !d.partitions.empty())
            continue;
        if (target != nullptr)
            return; // two candidates: which one held what is not known
        target = &d;
    }
    if (target == nullptr)
        return;
    std::set<std::pair<std::string, std::int32_t>> listed;
    for (const auto &d : broker.dirs) {
        for (const auto &p : d.partitions)
            listed.insert({p.topic, p.partition.get()});
    }
    for (const auto &t : metadata.topics) {
        for (const auto &p : t.partitions) {
            if (std::find(p.offlineReplicas.begin(), p.offlineReplicas.end(), broker.id) == p.offlineReplicas.end() ||
                listed.contains({t.name, p.partition.get()}))
                continue;
            target->partitions.push_back({t.name, p.partition, 0, false});
            ++target->partitionCount;
        }
    }
    if (!target->partitions.empty())
        target->partitionsAsOfMs = nowMs;
}

} // namespace

std::string normalDirPath(const std::string &path)
{
    std::string s = std::filesystem::path(path).lexically_normal().string();
    while (s.size() > 1 && s.back() == '/')
        s.pop_back();
    return s;
}

measure::LogDirSnapshot logDirFromDescribe(const LogDirInfo &info)
{
    measure::LogDirSnapshot d;
    d.path = info.path;
    d.source = measure::MeasurementSource::DescribeLogDirs;
    d.exists = true;
    if (info.error != KafkaError::None) {
        d.offline = true;
        d.ioErrors.push_back(info.error == KafkaError::KafkaStorageError
                                 ? "the broker reports KAFKA_STORAGE_ERROR: the log dir is offline"
                                 : "the broker reports error " + std::to_string(static_cast<int>(info.error)) +
                                       " for this log dir");
    }
    d.usage = measure::usageFromDescribeLogDirs(info.totalBytes, info.usableBytes);
    for (const auto &p : info.partitions) {
        d.partitions.push_back({p.topic, p.partition, p.sizeBytes, p.isFuture});
        d.kafkaBytes += p.sizeBytes;
        if (!p.isFuture)
            ++d.partitionCount;
    }
    return d;
}

void mergeBrokerView(measure::LogDirSnapshot &local, const measure::LogDirSnapshot &broker)
{
    if (broker.offline) {
        local.offline = true;
        for (const auto &e : broker.ioErrors) {
            if (std::find(local.ioErrors.begin(), local.ioErrors.end(), e) == local.ioErrors.end())
                local.ioErrors.push_back(e);
        }
    }
    if (!local.usage && broker.usage)
        local.usage = broker.usage;
}

std::vector<measure::TopicSnapshot> topicsFromMetadata(const ClusterMetadata &metadata)
{
    std::vector<measure::TopicSnapshot> out;
    for (const auto &t : metadata.topics) {
        if (t.error != KafkaError::None && t.partitions.empty())
            continue;
        measure::TopicSnapshot s;
        s.name = t.name;
        s.internal = t.internal || t.name.starts_with("__");
        s.partitions = static_cast<int>(t.partitions.size());
        for (const auto &p : t.partitions)
            s.replicationFactor = std::max(s.replicationFactor, static_cast<int>(p.replicas.size()));
        out.push_back(std::move(s));
    }
    return out;
}

ClusterSampler::ClusterSampler(SamplerOptions options) : m_options(std::move(options))
{
    m_bootstrap = m_options.bootstrap;
    if (m_bootstrap.empty()) {
        for (const auto &b : m_options.localBrokers) {
            if (b.bootstrap.empty())
                continue;
            if (!m_bootstrap.empty())
                m_bootstrap += ",";
            m_bootstrap += b.bootstrap;
        }
    }
}

ClusterSampler::~ClusterSampler() = default;

AdminClient *ClusterSampler::client(std::vector<std::string> &problems)
{
    if (m_client || m_bootstrap.empty())
        return m_client.get();
    AdminOptions options;
    options.bootstrap = m_bootstrap;
    options.connection.clientId = "spillway-monitor";
    options.connection.connectTimeout = m_options.connectTimeout;
    options.connection.requestTimeout = m_options.requestTimeout;
    auto created = AdminClient::create(std::move(options));
    if (!created) {
        problems.push_back("cluster " + m_bootstrap + ": " + created.error().describe());
        return nullptr;
    }
    m_client = std::move(*created);
    return m_client.get();
}

ClusterSample ClusterSampler::sample()
{
    ClusterSample out;
    out.snapshot.timeMs = nowMs();
    auto &problems = out.problems;

    // 1. The cluster, as the brokers see it.
    AdminClient *admin = client(problems);
    std::optional<ClusterMetadata> metadata;
    std::string metadataError;
    if (admin != nullptr) {
        auto md = admin->metadata();
        if (md) {
            metadata = std::move(*md);
            out.clusterId = metadata->clusterId;
        } else {
            metadataError = md.error().describe();
            problems.push_back("cluster " + m_bootstrap + ": " + metadataError);
        }
    }

    // 2. The local scans, one probe of the mount table per round (mounts come and go).
    std::map<std::int32_t, measure::BrokerSnapshot> localSnapshots;
    if (!m_options.localBrokers.empty()) {
        auto probe = measure::DiskProbe::fromSystem();
        if (!probe) {
            problems.push_back("local disks: " + probe.error().describe());
        } else {
            for (const auto &b : m_options.localBrokers) {
                const auto local = measure::measureLocalLogDirs(b.logDirs, *probe);
                auto snapshot = measure::toBrokerSnapshot(b.id, local);
                markUnreadableDirs(snapshot, local);
                localSnapshots.emplace(b.id.get(), std::move(snapshot));
            }
        }
    }

    // 3. Every broker: the cluster's, then local ones the cluster does not list.
    std::vector<std::pair<BrokerId, std::string>> ids; // id, address
    if (metadata) {
        for (const auto &b : metadata->brokers)
            ids.emplace_back(b.id, b.host + ":" + std::to_string(b.port));
    }
    for (const auto &b : m_options.localBrokers) {
        if (std::none_of(ids.begin(), ids.end(), [&](const auto &p) { return p.first == b.id; }))
            ids.emplace_back(b.id, b.bootstrap);
    }

    for (const auto &[id, address] : ids) {
        const auto target = std::find_if(m_options.localBrokers.begin(), m_options.localBrokers.end(),
                                         [&](const LocalBrokerDirs &b) { return b.id == id; });
        const bool isLocal = target != m_options.localBrokers.end();
        const bool inMetadata = metadata && std::any_of(metadata->brokers.begin(), metadata->brokers.end(),
                                                        [&](const BrokerInfo &b) { return b.id == id; });

        measure::BrokerSnapshot broker;
        broker.id = id;
        if (isLocal && !target->name.empty())
            broker.name = target->name;
        else
            broker.name = brokerLabel(id, {}) + (address.empty() ? "" : " (" + address + ")");

        SampledBroker info;
        info.id = id;
        info.address = address;
        info.local = isLocal;

        std::vector<measure::LogDirSnapshot> brokerDirs;
        if (inMetadata) {
            auto dirs = admin->describeLogDirs(id);
            if (dirs) {
                info.answered = true;
                broker.state = measure::BrokerLiveness::Up;
                for (const auto &d : *dirs)
                    brokerDirs.push_back(logDirFromDescribe(d));
            } else {
                broker.state = measure::BrokerLiveness::Down;
                broker.stateDetail = "not answering: " + dirs.error().describe();
                problems.push_back(broker.displayName() + ": " + dirs.error().describe());
            }
        } else if (metadata) {
            broker.state = measure::BrokerLiveness::Down;
            broker.stateDetail = "not registered in the cluster (Metadata from " + m_bootstrap + " does not list it)";
            problems.push_back(broker.displayName() + ": " + broker.stateDetail);
        } else if (admin != nullptr) {
            broker.state = measure::BrokerLiveness::Down;
            broker.stateDetail = "not answering: " + metadataError;
        } else {
            broker.state = measure::BrokerLiveness::Unknown;
            broker.stateDetail = "no broker address known: local files only";
        }

        const auto local = localSnapshots.find(id.get());
        if (local != localSnapshots.end()) {
            broker.dirs = std::move(local->second.dirs);
            std::vector<bool> matched(brokerDirs.size(), false);
            for (auto &dir : broker.dirs) {
                const std::string key = normalDirPath(dir.path);
                for (std::size_t i = 0; i < brokerDirs.size(); ++i) {
                    if (!matched[i] && normalDirPath(brokerDirs[i].path) == key) {
                        matched[i] = true;
                        mergeBrokerView(dir, brokerDirs[i]);
                        break;
                    }
                }
            }
            for (std::size_t i = 0; i < brokerDirs.size(); ++i) {
                if (!matched[i])
                    broker.dirs.push_back(std::move(brokerDirs[i]));
            }
        } else {
            broker.dirs = std::move(brokerDirs);
        }
        if (metadata)
            partitionsFromOfflineReplicas(broker, *metadata, out.snapshot.timeMs);
        out.snapshot.brokers.push_back(std::move(broker));
        out.brokers.push_back(std::move(info));
    }

    // 4. Topics and consumer groups (cluster-wide).
    if (metadata) {
        out.snapshot.topics = topicsFromMetadata(*metadata);
        if (m_options.consumerGroups)
            out.snapshot.groups = sampleGroups(*admin, problems);
    }
    return out;
}

} // namespace spillway::core::admin
