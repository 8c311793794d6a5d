// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/lab_status.h"

#include "core/common/json_writer.h"
#include "core/lab/lab_drills.h"
#include "core/lab/lab_state.h"
#include "core/lab/labfs_control.h"
#include "core/lab/mount_table.h"
#include "core/lab/server_properties.h"

#include <algorithm>
#include <sys/statvfs.h>

namespace spillway::lab {
namespace {

std::string processState(const std::optional<ProcessRef> &ref, bool up)
{
    if (!up || !ref)
        return "stopped";
    return isRunning(*ref) ? "running" : "exited";
}

std::int64_t fillerBytes(const std::filesystem::path &dir)
{
    std::int64_t total = 0;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto name = entry.path().filename().string();
        if (name.starts_with("spillway-filler-") && name.ends_with(".bin"))
            total += static_cast<std::int64_t>(entry.file_size(ec));
    }
    return total;
}

DiskStatus diskStatus(const LabLayout &layout, const LabConfig &config, int broker, int disk,
                      const std::vector<std::filesystem::path> &logDirs,
                      const std::optional<std::vector<BrokerLogDir>> &brokerDirs)
{
    DiskStatus s;
    s.name = LabLayout::diskName(disk);
    s.path = layout.diskPath(broker, disk);
    const bool inLogDirs = std::find(logDirs.begin(), logDirs.end(), s.path.lexically_normal()) != logDirs.end();
    s.role = inLogDirs ? "log.dirs" : "spare";
    if (config.mode == DiskMode::Labfs) {
        s.mounted = MountTable::isMountPoint(s.path);
        if (!s.mounted) {
            s.mode = "unmounted";
        } else if (auto st = LabfsControl::status(layout.controlSocket(broker, disk))) {
            s.mode = st->mode;
            s.slowMs = st->slowMs;
            s.capacity = st->capacity;
            s.used = st->used;
        } else {
            s.mode = "unreachable";
        }
    } else {
        s.mode = "plain";
        struct statvfs vfs {};
        if (::statvfs(s.path.c_str(), &vfs) == 0) {
            s.capacity = static_cast<std::int64_t>(vfs.f_blocks * vfs.f_frsize);
            s.used = static_cast<std::int64_t>((vfs.f_blocks - vfs.f_bfree) * vfs.f_frsize);
        }
    }
    if (s.mode != "failed" && s.mode != "unreachable")
        s.fillerBytes = fillerBytes(s.path);
    if (brokerDirs) {
        for (const auto &d : *brokerDirs)
            if (std::filesystem::path(d.path).lexically_normal() == s.path.lexically_normal())
                s.broker = d;
    }
    return s;
}

void writeProcess(core::JsonWriter &json, const std::optional<ProcessRef> &ref)
{
    json.key("pid");
    if (ref)
        json.value(static_cast<std::int64_t>(ref->pid));
    else
        json.null();
}

} // namespace

Result<LabStatus> readLabStatus(const std::filesystem::path &root)
{
    LabStatus status;
    status.root = root;
    const LabLayout layout(root);
    std::error_code ec;
    if (!std::filesystem::exists(layout.configFile(), ec))
        return status;
    auto config = LabConfig::read(layout.configFile());
    if (!config)
        return config.error();
    status.exists = true;
    status.config = *config;
    auto state = LabState::read(layout.stateFile());
    if (!state)
        return state.error();
    status.up = state->has_value();
    status.unavailableDrills = unavailableDrills(config->mode);
    status.healthy = status.up;
    for (int b = 1; b <= config->brokers; ++b) {
        BrokerStatus bs;
        bs.id = b;
        bs.port = config->port + b - 1;
        bs.config = layout.serverProperties(b);
        bs.log = layout.brokerLog(b);
        const BrokerRun *run = status.up ? (*state)->broker(b) : nullptr;
        if (run != nullptr) {
            bs.process = run->process;
            bs.port = run->port;
        }
        bs.state = processState(bs.process, status.up);
        std::optional<std::vector<BrokerLogDir>> dirs;
        if (bs.state == "running") {
            if (!BrokerProbe::isListening(bs.port)) {
                bs.state = "starting";
            } else if (auto d = BrokerProbe::describeLogDirs(bs.port)) {
                dirs = std::move(*d);
            } else {
                bs.probeError = d.error().describe();
            }
        }
        status.healthy = status.healthy && bs.state == "running";
        auto logDirs = ServerProperties::logDirs(bs.config);
        for (int d = 0; d < config->totalDisks(); ++d) {
            bs.disks.push_back(
                diskStatus(layout, *config, b, d, logDirs ? *logDirs : std::vector<std::filesystem::path>{}, dirs));
            const DiskStatus &disk = bs.disks.back();
            status.healthy = status.healthy && (config->mode == DiskMode::Plain || disk.mode == "healthy") &&
                             (!disk.broker || disk.broker->errorCode == 0);
        }
        status.brokers.push_back(std::move(bs));
    }
    status.loadgen.log = layout.loadgenLog();
    if (status.up)
        status.loadgen.process = (*state)->loadgen;
    status.loadgen.state = processState(status.loadgen.process, status.up);
    status.healthy = status.healthy && status.loadgen.state == "running";
    if (auto rates = LoadRates::read(layout.loadControlFile()))
        status.loadgen.rates = *rates;
    if (auto counters = LoadStatus::read(layout.loadStatusFile()))
        status.loadgen.counters = *counters;
    return status;
}

void writeJson(core::JsonWriter &json, const LabStatus &s)
{
    json.beginObject();
    json.key("root").value(s.root.string());
    json.key("exists").value(s.exists);
    json.key("up").value(s.up);
    json.key("healthy").value(s.healthy);
    if (s.config) {
        json.key("disk_mode").value(std::string(toString(s.config->mode)));
        json.key("capacity").value(s.config->capacity);
        json.key("bootstrap").value("127.0.0.1:" + std::to_string(s.config->port));
        json.key("topic").value(kLabTopic);
    }
    json.key("brokers").beginArray();
    for (const auto &b : s.brokers) {
        json.beginObject();
        json.key("id").value(b.id);
        json.key("state").value(b.state);
        writeProcess(json, b.process);
        json.key("port").value(b.port);
        json.key("config").value(b.config.string());
        json.key("log").value(b.log.string());
        if (!b.probeError.empty())
            json.key("probe_error").value(b.probeError);
        json.key("disks").beginArray();
        for (const auto &d : b.disks) {
            json.beginObject();
            json.key("name").value(d.name);
            json.key("path").value(d.path.string());
            json.key("role").value(d.role);
            json.key("mounted").value(d.mounted);
            json.key("mode").value(d.mode);
            json.key("slow_ms").value(d.slowMs);
            json.key("capacity").value(d.capacity);
            json.key("used").value(d.used);
            json.key("filler_bytes").value(d.fillerBytes);
            json.key("broker_view");
            if (d.broker) {
                json.beginObject();
                json.key("online").value(d.broker->errorCode == 0);
                json.key("error_code").value(static_cast<int>(d.broker->errorCode));
                json.key("partitions").beginArray();
                for (const auto &p : d.broker->partitionNames)
                    json.value(p);
                json.endArray();
                json.key("kafka_bytes").value(d.broker->kafkaBytes);
                json.key("total_bytes").value(d.broker->totalBytes);
                json.key("usable_bytes").value(d.broker->usableBytes);
                json.endObject();
            } else {
                json.null();
            }
            json.endObject();
        }
        json.endArray();
        json.endObject();
    }
    json.endArray();
    json.key("loadgen").beginObject();
    json.key("state").value(s.loadgen.state);
    writeProcess(json, s.loadgen.process);
    json.key("log").value(s.loadgen.log.string());
    if (s.loadgen.rates) {
        const auto rate = [](std::uint64_t r) {
            return r == UINT64_MAX ? std::int64_t{-1} : static_cast<std::int64_t>(r);
        };
        json.key("produce_bytes_per_second").value(rate(s.loadgen.rates->produceBytesPerSecond));
        json.key("consume_bytes_per_second").value(rate(s.loadgen.rates->consumeBytesPerSecond));
        json.key("message_bytes").value(static_cast<std::int64_t>(s.loadgen.rates->messageBytes));
    }
    if (const auto &c = s.loadgen.counters) {
        json.key("produced_messages").value(c->producedMessages);
        json.key("produced_bytes").value(c->producedBytes);
        json.key("delivery_errors").value(c->deliveryErrors);
        json.key("consumed_messages").value(c->consumedMessages);
        json.key("consumed_bytes").value(c->consumedBytes);
        json.key("lag_messages").value(c->lagMessages);
        json.key("produce_bytes_per_second_measured").value(c->produceRateMeasured);
        json.key("consume_bytes_per_second_measured").value(c->consumeRateMeasured);
        json.key("last_error").value(c->lastError);
    }
    json.endObject();
    json.key("unavailable_drills").beginArray();
    for (const auto &[name, why] : s.unavailableDrills) {
        json.beginObject();
        json.key("drill").value(name);
        json.key("reason").value(why);
        json.endObject();
    }
    json.endArray();
    json.endObject();
}

} // namespace spillway::lab
