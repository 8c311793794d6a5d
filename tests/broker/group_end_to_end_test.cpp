// SPDX-License-Identifier: GPL-3.0-or-later
// Consumer groups over the wire: an in-process Broker serving
// groupApiEntries() on a real socket, driven by a small protocol client
// (FindCoordinator -> JoinGroup -> SyncGroup -> Heartbeat -> OffsetCommit ->
// restart -> OffsetFetch), plus the deferred-response ordering, and real
// consumer groups of kafka-python and librdkafka (kcat) on the same broker.
#include "broker/broker.h"
#include "broker/group/group_apis.h"
#include "core/protocol/message.h"
#include "core/protocol/messages/all.h"
#include "core/protocol/messages/create_topics.h"
#include "core/protocol/request_header.h"
#include "tests/broker/kafka_test_client.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <fstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

using namespace spillway;
using namespace std::chrono_literals;

namespace {

/// A Broker (with its own group coordinator, as spillway-broker runs it) on
/// a thread, with the topics the tests commit offsets for.
class GroupBroker {
public:
    GroupBroker(const test::TempDir &dir)
    {
        std::filesystem::create_directories(dir / "data0");
        auto config = broker::BrokerConfig::parse(
            "broker.id=1\nlisteners=PLAINTEXT://127.0.0.1:0\nlog.dirs=" + (dir / "data0").string() +
            "\nnum.partitions=3\ngroup.initial.rebalance.delay.ms=200\n");
        REQUIRE(config.ok());
        m_broker = std::make_unique<broker::Broker>(*config);
        auto st = m_broker->start();
        REQUIRE(st.ok());
        m_thread = std::thread([this] { m_broker->run(); });
        createTopics();
    }
    ~GroupBroker()
    {
        m_broker->stop();
        m_thread.join();
        m_broker.reset();
    }
    [[nodiscard]] int port() const { return m_broker->boundPorts().front(); }

private:
    void createTopics();

    std::unique_ptr<broker::Broker> m_broker;
    std::thread m_thread;
};

/// A blocking Kafka protocol client over one connection.
class Client {
public:
    explicit Client(int port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
        timeval tv{10, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~Client() { ::close(m_fd); }

    template <class Req>
    std::int32_t send(const Req &request, std::int16_t version)
    {
        auto body = core::encodeMessage(request, version);
        REQUIRE(body.ok());
        const std::int32_t correlation = m_next++;
        const auto frame =
            core::frameRequest(static_cast<std::int16_t>(Req::kApiKey), version, correlation, std::string("e2e"),
                               core::requestHeaderIsFlexible(Req::kFirstFlexibleVersion, version), *body);
        REQUIRE(::send(m_fd, frame.data(), frame.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(frame.size()));
        return correlation;
    }

    /// Reads one response; checks its correlation id.
    template <class Resp>
    Resp receive(std::int16_t version, std::int32_t correlation)
    {
        std::byte sizeBytes[4];
        REQUIRE(::recv(m_fd, sizeBytes, 4, MSG_WAITALL) == 4);
        core::WireReader sizeReader(sizeBytes);
        const auto size = static_cast<std::size_t>(sizeReader.i32());
        std::vector<std::byte> frame(size);
        REQUIRE(::recv(m_fd, frame.data(), size, MSG_WAITALL) == static_cast<ssize_t>(size));
        core::WireReader r(frame);
        CHECK(r.i32() == correlation);
        if (core::responseHeaderIsFlexible(Resp::kApiKey, Resp::kFirstFlexibleVersion, version))
            r.uvarint(); // no tagged fields in the header
        auto decoded = core::decodeMessage<Resp>(std::span(frame).subspan(r.position()), version);
        REQUIRE(decoded.ok());
        return *decoded;
    }

    template <class Req, class Resp = void>
    auto call(const Req &request, std::int16_t version)
    {
        using R = std::conditional_t<std::is_void_v<Resp>, typename ResponseOf<Req>::type, Resp>;
        const auto c = send(request, version);
        return receive<R>(version, c);
    }

    template <class Req>
    struct ResponseOf;

private:
    int m_fd = -1;
    std::int32_t m_next = 1;
};

#define SPILLWAY_RESPONSE_OF(Name)                                                                                     \
    template <>                                                                                                        \
    struct Client::ResponseOf<core::Name##Request> {                                                                   \
        using type = core::Name##Response;                                                                             \
    };
SPILLWAY_RESPONSE_OF(FindCoordinator)
SPILLWAY_RESPONSE_OF(JoinGroup)
SPILLWAY_RESPONSE_OF(SyncGroup)
SPILLWAY_RESPONSE_OF(Heartbeat)
SPILLWAY_RESPONSE_OF(OffsetCommit)
SPILLWAY_RESPONSE_OF(OffsetFetch)
SPILLWAY_RESPONSE_OF(ListGroups)
SPILLWAY_RESPONSE_OF(DescribeGroups)
SPILLWAY_RESPONSE_OF(LeaveGroup)

void GroupBroker::createTopics()
{
    // Through the protocol, as a client would; a second start finds them in the registry.
    test::KafkaTestClient admin(port());
    core::CreateTopicsRequest create;
    for (const char *name : {"orders"}) {
        core::CreateTopicsRequest::CreatableTopic t;
        t.Name = name;
        t.NumPartitions = 3;
        t.ReplicationFactor = 1;
        create.Topics.push_back(t);
    }
    REQUIRE(admin.call<core::CreateTopicsResponse>(create, 4).has_value());
}

core::JoinGroupRequest joinRequest(const std::string &memberId)
{
    core::JoinGroupRequest j;
    j.GroupId = "e2e-group";
    j.SessionTimeoutMs = 10000;
    j.RebalanceTimeoutMs = 10000;
    j.MemberId = memberId;
    j.ProtocolType = "consumer";
    j.Protocols = {{"range", core::Bytes{std::byte{1}, std::byte{2}}}};
    return j;
}

} // namespace

TEST_CASE("Group end to end over a socket and committed offsets survive a broker restart")
{
    test::TempDir dir;
    std::int32_t generation = -1;
    std::string memberId;
    {
        GroupBroker b(dir);
        Client c(b.port());

        core::FindCoordinatorRequest find;
        find.Key = "e2e-group";
        auto coordinator = c.call(find, 2);
        CHECK(coordinator.ErrorCode == 0);
        CHECK(coordinator.NodeId == 1);
        CHECK(coordinator.Port == b.port());
        core::FindCoordinatorRequest batch;
        batch.CoordinatorKeys = {"a", "b"};
        auto batched = c.call(batch, 4);
        REQUIRE(batched.Coordinators.size() == 2);
        CHECK(batched.Coordinators[1].Key == "b");
        CHECK(batched.Coordinators[1].Port == b.port());

        auto first = c.call(joinRequest(""), 5);
        REQUIRE(first.ErrorCode == static_cast<std::int16_t>(core::KafkaError::MemberIdRequired));
        // JoinGroup v6+ is flexible: exercise that encoding too.
        const auto started = std::chrono::steady_clock::now();
        auto joined = c.call(joinRequest(first.MemberId), 7);
        CHECK(std::chrono::steady_clock::now() - started >= 150ms); // held for the initial delay
        REQUIRE(joined.ErrorCode == 0);
        CHECK(joined.Leader == first.MemberId);
        CHECK(joined.ProtocolName == std::optional<std::string>("range"));
        REQUIRE(joined.Members.size() == 1);
        generation = joined.GenerationId;
        memberId = joined.MemberId;

        core::SyncGroupRequest sync;
        sync.GroupId = "e2e-group";
        sync.GenerationId = generation;
        sync.MemberId = memberId;
        sync.Assignments = {{memberId, core::Bytes{std::byte{9}}}};
        auto synced = c.call(sync, 3);
        CHECK(synced.ErrorCode == 0);
        CHECK(synced.Assignment == core::Bytes{std::byte{9}});

        core::HeartbeatRequest hb;
        hb.GroupId = "e2e-group";
        hb.GenerationId = generation;
        hb.MemberId = memberId;
        CHECK(c.call(hb, 3).ErrorCode == 0);

        core::OffsetCommitRequest commit;
        commit.GroupId = "e2e-group";
        commit.GenerationIdOrMemberEpoch = generation;
        commit.MemberId = memberId;
        commit.Topics = {{"orders", {{0, 1234, 3, -1, std::string("resume-here")}, {5, 1, -1, -1, std::nullopt}}}};
        auto committed = c.call(commit, 7);
        REQUIRE(committed.Topics.size() == 1);
        CHECK(committed.Topics[0].Partitions[0].ErrorCode == 0);
        CHECK(committed.Topics[0].Partitions[1].ErrorCode ==
              static_cast<std::int16_t>(core::KafkaError::UnknownTopicOrPartition));

        core::DescribeGroupsRequest describe;
        describe.Groups = {"e2e-group"};
        auto described = c.call(describe, 4);
        REQUIRE(described.Groups.size() == 1);
        CHECK(described.Groups[0].GroupState == "Stable");
        REQUIRE(described.Groups[0].Members.size() == 1);
        CHECK(described.Groups[0].Members[0].ClientId == "e2e");
        CHECK(described.Groups[0].Members[0].MemberAssignment == core::Bytes{std::byte{9}});
    }
    GroupBroker restarted(dir);
    Client c(restarted.port());
    core::OffsetFetchRequest fetch;
    fetch.GroupId = "e2e-group";
    fetch.Topics = std::vector<core::OffsetFetchRequest::OffsetFetchRequestTopic>{{"orders", {0, 1}}};
    auto fetched = c.call(fetch, 7);
    CHECK(fetched.ErrorCode == 0);
    REQUIRE(fetched.Topics.size() == 1);
    REQUIRE(fetched.Topics[0].Partitions.size() == 2);
    CHECK(fetched.Topics[0].Partitions[0].CommittedOffset == 1234);
    CHECK(fetched.Topics[0].Partitions[0].CommittedLeaderEpoch == 3);
    CHECK(fetched.Topics[0].Partitions[0].Metadata == std::optional<std::string>("resume-here"));
    CHECK(fetched.Topics[0].Partitions[1].CommittedOffset == -1);

    // The group is back as Empty with its generation; the old member is gone.
    core::ListGroupsRequest list;
    auto listed = c.call(list, 4); // GroupState is in v4+
    REQUIRE(listed.Groups.size() == 1);
    CHECK(listed.Groups[0].GroupState == "Empty");
    CHECK(listed.Groups[0].ProtocolType == "consumer");
    core::HeartbeatRequest hb;
    hb.GroupId = "e2e-group";
    hb.GenerationId = generation;
    hb.MemberId = memberId;
    CHECK(c.call(hb, 3).ErrorCode == static_cast<std::int16_t>(core::KafkaError::UnknownMemberId));
}

TEST_CASE("Group held JoinGroup keeps later responses on the same connection in request order")
{
    test::TempDir dir;
    GroupBroker b(dir);
    Client c(b.port());
    // v3: no MEMBER_ID_REQUIRED round trip, so this JoinGroup is held for the
    // initial delay; the ListGroups pipelined behind it must come second.
    const auto joinId = c.send(joinRequest(""), 3);
    const auto listId = c.send(core::ListGroupsRequest{}, 4);
    auto joined = c.receive<core::JoinGroupResponse>(3, joinId);
    CHECK(joined.ErrorCode == 0);
    CHECK(joined.GenerationId == 1);
    auto listed = c.receive<core::ListGroupsResponse>(4, listId);
    REQUIRE(listed.Groups.size() == 1);
    // Handled after the join completed, as Kafka handles one request per
    // connection at a time.
    CHECK(listed.Groups[0].GroupState == "CompletingRebalance");

    // Another connection is not blocked by a held JoinGroup.
    Client other(b.port());
    core::JoinGroupRequest second = joinRequest("");
    const auto heldId = other.send(second, 3);
    Client third(b.port());
    auto described = third.call(core::DescribeGroupsRequest{{"e2e-group"}, false}, 1);
    REQUIRE(described.Groups.size() == 1);
    CHECK(described.Groups[0].GroupState == "PreparingRebalance");
    // The first member rejoins; the rebalance completes and answers both.
    auto rejoined = c.call(joinRequest(joined.MemberId), 3);
    CHECK(rejoined.GenerationId == 2);
    auto held = other.receive<core::JoinGroupResponse>(3, heldId);
    CHECK(held.ErrorCode == 0);
    CHECK(held.GenerationId == 2);
}

namespace {

// kafka-python 2.0: create a 3-partition topic, produce 30 messages, consume
// 10 in a group and commit, then a second consumer of the group resumes.
const char *kPythonGroupScript = R"PY(
import sys, time
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
bootstrap = sys.argv[1]
admin = KafkaAdminClient(bootstrap_servers=bootstrap)
admin.create_topics([NewTopic("clients-topic", 3, 1)])
admin.close()
producer = KafkaProducer(bootstrap_servers=bootstrap)
for i in range(30):
    producer.send("clients-topic", value=b"m%d" % i, partition=i % 3)
producer.flush()
producer.close()

def consumer():
    return KafkaConsumer("clients-topic", bootstrap_servers=bootstrap, group_id="py-group",
                         auto_offset_reset="earliest", enable_auto_commit=False,
                         consumer_timeout_ms=4000, session_timeout_ms=10000)

first = consumer()
seen = []
for msg in first:
    seen.append(msg.value)
    if len(seen) == 10:
        break
first.commit()
committed = sum(first.committed(TopicPartition("clients-topic", p)) or 0 for p in range(3))
first.close()
second = consumer()
rest = [msg.value for msg in second]
second.close()
print("first=%d committed=%d rest=%d overlap=%d" % (len(seen), committed, len(rest), len(set(seen) & set(rest))))
)PY";

} // namespace

TEST_CASE("Group kafka-python and kcat consumer groups join, commit and resume")
{
    test::TempDir dir;
    GroupBroker b(dir);
    const std::string bootstrap = "127.0.0.1:" + std::to_string(b.port());
    std::ofstream(dir / "group.py") << kPythonGroupScript;
    const auto py =
        test::runProcess({"/usr/bin/python3", (dir / "group.py").string(), bootstrap}, std::chrono::seconds(90));
    INFO(py.out);
    REQUIRE(py.exitCode == 0);
    CHECK(py.out.find("first=10 committed=10 rest=20 overlap=0") != std::string::npos);

    // librdkafka: a balanced consumer that reads to the end and commits on close.
    const auto kcat = test::runProcess({"kcat", "-b", bootstrap, "-G", "kcat-group", "-o", "beginning", "-e", "-q",
                                        "-X", "auto.commit.interval.ms=100", "-f", "%s\n", "clients-topic"},
                                       std::chrono::seconds(90));
    INFO(kcat.out);
    CHECK(kcat.exitCode == 0);
    std::size_t lines = 0;
    for (char ch : kcat.out)
        lines += ch == '\n' ? 1 : 0;
    CHECK(lines == 30);

    Client c(b.port());
    core::OffsetFetchRequest fetch;
    fetch.GroupId = "kcat-group";
    fetch.Topics = std::nullopt;
    auto fetched = c.call(fetch, 7);
    std::int64_t total = 0;
    for (const auto &t : fetched.Topics)
        for (const auto &p : t.Partitions)
            total += p.CommittedOffset;
    CHECK(total == 30);
}
