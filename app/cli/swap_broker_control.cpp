// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/swap_broker_control.h"

#include "app/cli/brokers_control.h"
#include "app/cli/cli_command.h"
#include "core/admin/admin_client.h"
#include "core/lab/lab_layout.h"
#include "core/lab/lab_session.h"
#include "core/services/app_paths.h"
#include "core/services/broker_registry.h"
#include "core/services/broker_supervisor.h"

#include <algorithm>
#include <cstdio>
#include <thread>

namespace spillway::app {
using namespace spillway::core;
using namespace spillway::core::ops;
namespace fs = std::filesystem;

Result<BrokerView> describeBrokerViaAdmin(const std::string &bootstrap, std::int32_t brokerId)
{
    admin::AdminOptions options;
    options.bootstrap = bootstrap;
    options.connection.requestTimeout = std::chrono::seconds(15);
    auto client = admin::AdminClient::create(options);
    if (!client)
        return client.error();
    auto metadata = (*client)->metadata();
    if (!metadata)
        return metadata.error();
    BrokerView view;
    view.brokerId = brokerId;
    const auto ids = [](const std::vector<BrokerId> &in) {
        std::vector<std::int32_t> out;
        for (auto id : in)
            out.push_back(id.get());
        return out;
    };
    for (const auto &t : metadata->topics)
        for (const auto &p : t.partitions) {
            const bool ours =
                std::any_of(p.replicas.begin(), p.replicas.end(), [&](BrokerId id) { return id.get() == brokerId; });
            if (ours)
                view.partitions.push_back(
                    {t.name, p.partition.get(), ids(p.replicas), ids(p.isr), ids(p.offlineReplicas), p.leader.get()});
        }
    auto dirs = (*client)->describeLogDirs(BrokerId{brokerId});
    if (!dirs)
        return dirs.error();
    for (const auto &d : *dirs) {
        BrokerLogDirView v;
        v.path = d.path;
        v.online = d.error == KafkaError::None;
        v.totalBytes = d.totalBytes;
        v.usableBytes = d.usableBytes;
        for (const auto &p : d.partitions)
            if (!p.isFuture)
                v.partitions[p.topic + "-" + std::to_string(p.partition.get())] = p.sizeBytes;
        view.dirs.push_back(std::move(v));
    }
    return view;
}

Status waitForApiVersions(const std::string &bootstrap, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    Error last = makeError(Errc::Io, "no answer");
    while (std::chrono::steady_clock::now() < deadline) {
        admin::AdminOptions options;
        options.bootstrap = bootstrap;
        options.connection.connectTimeout = std::chrono::seconds(2);
        options.connection.requestTimeout = std::chrono::seconds(5);
        auto client = admin::AdminClient::create(options);
        if (!client)
            return client.error();
        auto versions = (*client)->apiVersions();
        if (versions)
            return {};
        last = versions.error();
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return makeError(Errc::Io, "the broker at " + bootstrap + " does not answer ApiVersions: " + last.describe());
}

namespace {

constexpr auto kLabStopGrace = std::chrono::seconds(30);

class LabBrokerControl final : public BrokerControl {
public:
    LabBrokerControl(fs::path root, int broker, std::unique_ptr<lab::LabSession> session)
        : m_root(std::move(root))
        , m_broker(broker)
        , m_session(std::move(session))
    {}

    [[nodiscard]] std::string label() const override
    {
        return "lab broker " + std::to_string(m_broker) + " (" + m_root.string() + ")";
    }
    [[nodiscard]] std::map<std::string, std::string> identity() const override
    {
        return {{"control", "lab"}, {"root", m_root.string()}, {"broker", std::to_string(m_broker)}};
    }
    [[nodiscard]] fs::path serverProperties() const override { return m_session->layout().serverProperties(m_broker); }
    [[nodiscard]] bool placesByFreeSpace() const override { return true; }
    Result<bool> running() override { return m_session->brokerRunning(m_broker); }
    Status stop() override { return m_session->stopBroker(m_broker, kLabStopGrace); }
    Status start() override { return m_session->startBroker(m_broker); }
    Status waitHealthy(std::chrono::milliseconds timeout) override { return waitForApiVersions(bootstrap(), timeout); }
    Result<BrokerView> describe(std::int32_t brokerId) override
    {
        return describeBrokerViaAdmin(bootstrap(), brokerId);
    }

private:
    [[nodiscard]] std::string bootstrap() const { return "127.0.0.1:" + std::to_string(m_session->portOf(m_broker)); }

    fs::path m_root;
    int m_broker;
    std::unique_ptr<lab::LabSession> m_session;
};

class RegistryBrokerControl final : public BrokerControl {
public:
    RegistryBrokerControl(fs::path dataDir, BrokerEntry entry, fs::path stateDir, SwapSay say)
        : m_dataDir(std::move(dataDir))
        , m_entry(std::move(entry))
        , m_supervisor(m_entry, std::move(stateDir), m_options)
        , m_say(std::move(say))
    {}

    [[nodiscard]] std::string label() const override { return m_entry.id; }
    [[nodiscard]] std::map<std::string, std::string> identity() const override
    {
        return {{"control", "registry"}, {"name", m_entry.id}, {"data-dir", m_dataDir.string()}};
    }
    [[nodiscard]] fs::path serverProperties() const override { return m_entry.serverProperties; }
    [[nodiscard]] bool placesByFreeSpace() const override { return m_entry.kind == BrokerKind::Lab; }
    Result<bool> running() override
    {
        m_supervisor.refresh();
        const auto s = m_supervisor.state();
        return s == BrokerState::Running || s == BrokerState::Starting || s == BrokerState::Stopping ||
               s == BrokerState::External;
    }
    Status stop() override
    {
        if (auto st = m_supervisor.stop(); !st)
            return st;
        runUntil(
            m_supervisor,
            [&] {
                const auto s = m_supervisor.state();
                return s == BrokerState::Stopped || s == BrokerState::Crashed;
            },
            m_options.stopTimeout + std::chrono::seconds(15));
        const auto s = m_supervisor.state();
        if (s != BrokerState::Stopped && s != BrokerState::Crashed)
            return makeError(Errc::Io, m_entry.id + " does not stop: " + m_supervisor.status().describe());
        say("stopped " + m_entry.id);
        return {};
    }
    Status start() override
    {
        if (auto st = m_supervisor.start(); !st)
            return st;
        runUntil(
            m_supervisor,
            [&] {
                const auto s = m_supervisor.state();
                return s == BrokerState::Running || s == BrokerState::Crashed || s == BrokerState::Stopped;
            },
            m_options.startTimeout + std::chrono::seconds(15));
        if (m_supervisor.state() != BrokerState::Running) {
            std::string tail;
            for (const auto &l : m_supervisor.status().crashLog)
                tail += "\n  | " + l;
            return makeError(Errc::Io, m_entry.id + " did not start: " + m_supervisor.status().describe() + tail,
                             "see " + m_supervisor.logFile().string());
        }
        say("started " + m_entry.id);
        return {};
    }
    Status waitHealthy(std::chrono::milliseconds timeout) override
    {
        if (m_entry.bootstrapServers.empty())
            return makeError(Errc::InvalidArgument, m_entry.id + " has no listener Spillway can reach");
        return waitForApiVersions(m_entry.bootstrapServers.front().toString(), timeout);
    }
    Result<BrokerView> describe(std::int32_t brokerId) override
    {
        if (m_entry.bootstrapServers.empty())
            return makeError(Errc::InvalidArgument, m_entry.id + " has no listener Spillway can reach");
        return describeBrokerViaAdmin(m_entry.bootstrapServers.front().toString(), brokerId);
    }

private:
    void say(const std::string &line) const
    {
        if (m_say)
            m_say(line);
    }

    fs::path m_dataDir;
    BrokerEntry m_entry;
    SupervisorOptions m_options;
    BrokerSupervisor m_supervisor;
    SwapSay m_say;
};

} // namespace

Result<std::unique_ptr<BrokerControl>> makeLabBrokerControl(const fs::path &root, int broker, SwapSay say)
{
    auto session = lab::LabSession::open(
        root, lab::LabBinaries::locate(), say ? say : [](const std::string &) {}, false);
    if (!session)
        return session.error();
    if (!(*session)->config())
        return makeError(Errc::NotFound, "no lab under " + root.string(),
                         "spillway-cli lab up --root " + root.string());
    if (!(*session)->state())
        return makeError(Errc::InvalidArgument, "the lab under " + root.string() + " is down",
                         "spillway-cli lab up --root " + root.string());
    if (broker < 1 || broker > (*session)->config()->brokers)
        return makeError(Errc::InvalidArgument, "the lab has no broker " + std::to_string(broker));
    return std::unique_ptr<BrokerControl>(std::make_unique<LabBrokerControl>(root, broker, std::move(*session)));
}

Result<std::unique_ptr<BrokerControl>> makeRegistryBrokerControl(const std::string &name, const fs::path &dataDir,
                                                                 SwapSay say)
{
    ensureEventLoop();
    const fs::path dir = dataDir.empty() ? fs::path(AppPaths::fromEnvironment().dataDir.toStdString()) : dataDir;
    BrokerRegistry registry(dir);
    auto entry = registry.find(name);
    if (!entry)
        return entry.error();
    if (!entry->isLocal())
        return makeError(Errc::Unsupported, name + " is a remote broker",
                         "a disk swap edits server.properties and restarts the broker: it needs a local broker");
    if (!entry->facts)
        return makeError(Errc::InvalidArgument, name + ": " + entry->problem);
    const auto stateDir = registry.stateDir(entry->id);
    return std::unique_ptr<BrokerControl>(
        std::make_unique<RegistryBrokerControl>(dir, std::move(*entry), stateDir, std::move(say)));
}

namespace {

/// "--lab [ROOT]": the value is optional (the default lab root).
bool takeLab(std::vector<std::string> &args, fs::path &root)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--lab") {
            if (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) {
                root = args[i + 1];
                args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                           args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
            } else {
                root = lab::LabLayout::defaultRoot();
                args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
            }
            return true;
        }
        if (args[i].rfind("--lab=", 0) == 0) {
            root = args[i].substr(6);
            args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
            return true;
        }
    }
    return false;
}

} // namespace

SwapSay sayOnStderr(bool json)
{
    if (json)
        return {};
    return [](const std::string &line) { std::fprintf(stderr, "  %s\n", line.c_str()); };
}

BrokerTargetArgs takeBrokerTargetArgs(std::vector<std::string> &args, bool &bad)
{
    BrokerTargetArgs target;
    target.lab = takeLab(args, target.labRoot);
    target.brokerNumber = takeValue(args, "--broker", bad);
    target.brokerName = takeValue(args, "--broker-name", bad);
    target.dataDir = takeValue(args, "--data-dir", bad);
    return target;
}

bool labBrokerNumber(const BrokerTargetArgs &target, int &number)
{
    number = 1;
    return !target.brokerNumber || (parseNumber(*target.brokerNumber, number) && number >= 1);
}

Result<std::unique_ptr<BrokerControl>> makeBrokerControl(const BrokerTargetArgs &target, int number, SwapSay say)
{
    if (target.lab)
        return makeLabBrokerControl(target.labRoot, number, std::move(say));
    return makeRegistryBrokerControl(target.brokerName.value_or(std::string()),
                                     target.dataDir ? fs::path(*target.dataDir) : fs::path(), std::move(say));
}

BrokerControlFactory brokerControlFactory(SwapSay say)
{
    return [say](const std::map<std::string, std::string> &identity) -> Result<std::unique_ptr<BrokerControl>> {
        auto get = [&](const char *k) {
            auto it = identity.find(k);
            return it == identity.end() ? std::string() : it->second;
        };
        const std::string kind = get("control");
        if (kind == "lab") {
            const std::string broker = get("broker");
            return makeLabBrokerControl(get("root"), broker.empty() ? 1 : std::stoi(broker), say);
        }
        if (kind == "registry")
            return makeRegistryBrokerControl(get("name"), get("data-dir"), say);
        return makeError(Errc::InvalidArgument, "the journal names no broker control (\"" + kind + "\")");
    };
}

} // namespace spillway::app
