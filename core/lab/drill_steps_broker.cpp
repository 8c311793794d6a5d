// SPDX-License-Identifier: GPL-3.0-or-later
// The drills that involve the broker or the load: corrupt-index,
// slow-consumer, restart-broker and restore.
#include "core/common/fileio.h"
#include "core/lab/broker_probe.h"
#include "core/lab/disk_filler.h"
#include "core/lab/drill_steps.h"
#include "core/lab/index_corruptor.h"
#include "core/lab/lab_units.h"
#include "core/lab/labfs_control.h"
#include "core/lab/load_files.h"
#include "core/lab/mount_table.h"

#include <chrono>
#include <sstream>

namespace spillway::lab {
namespace {

constexpr auto kBrokerGrace = std::chrono::seconds(30);

std::uintmax_t sizeOfLogs(const std::filesystem::path &partitionDir)
{
    std::uintmax_t total = 0;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(partitionDir, ec))
        if (entry.path().extension() == ".log")
            total += entry.file_size(ec);
    return total;
}

std::string textSince(const std::filesystem::path &file, std::uintmax_t offset)
{
    auto text = core::readFile(file);
    if (!text || text->size() < offset)
        return {};
    return text->substr(static_cast<std::size_t>(offset));
}

} // namespace

Status DrillSteps::corruptIndex()
{
    const int b = m_r.broker;
    std::optional<std::filesystem::path> chosen;
    std::uintmax_t chosenSize = 0;
    for (int d = 0; d < m_s.config()->totalDisks(); ++d) {
        std::error_code ec;
        for (const auto &entry : std::filesystem::directory_iterator(m_s.layout().diskPath(b, d), ec)) {
            const auto name = entry.path().filename().string();
            const auto dash = name.rfind('-');
            if (dash == std::string::npos || name.substr(0, dash) != m_r.topic || !entry.is_directory(ec))
                continue;
            if (m_r.partition && name.substr(dash + 1) != std::to_string(*m_r.partition))
                continue;
            const auto size = sizeOfLogs(entry.path());
            if (!chosen || size > chosenSize) {
                chosen = entry.path();
                chosenSize = size;
            }
        }
    }
    if (!chosen)
        return makeError(Errc::NotFound,
                         "no partition " + m_r.topic +
                             (m_r.partition ? "-" + std::to_string(*m_r.partition) : std::string("-*")) +
                             " on the readable disks of broker " + std::to_string(b));
    m_s.say("corrupting an index of " + chosen->filename().string() + " (" + chosen->parent_path().string() +
            "); the broker must be stopped first");
    if (auto st = m_s.stopBroker(b, kBrokerGrace); !st)
        return st;
    auto corruption = IndexCorruptor::corrupt(*chosen);
    const auto log = m_s.layout().brokerLog(b);
    const auto offset = fileSizeOrZero(log);
    if (!corruption) {
        // Whatever happened to the index, the broker comes back.
        (void)m_s.startBroker(b);
        return corruption.error();
    }
    const auto &c = *corruption;
    m_s.say("overwrote bytes " + std::to_string(c.byteStart) + ".." + std::to_string(c.byteStart + 7) + " of " +
            c.file.string() + " (offset index entry " + std::to_string(c.entry) + " of " + std::to_string(c.entries) +
            "): " + hexBytes(c.before) + " -> " + hexBytes(c.after));
    if (!c.verifierSays.empty())
        m_s.say("spillway-cli index verify would now report: " + c.verifierSays);
    fact("partition_dir", chosen->string());
    fact("file", c.file.string());
    fact("byte_start", std::to_string(c.byteStart));
    fact("byte_end", std::to_string(c.byteStart + 7));
    fact("entry", std::to_string(c.entry));
    fact("old_bytes", hexBytes(c.before));
    fact("new_bytes", hexBytes(c.after));
    m_s.say("starting the broker on the damaged index: it must notice and rebuild it from the .log");
    if (auto started = m_s.startBroker(b); !started)
        return started.error();
    // What the broker said about this partition while starting.
    std::istringstream lines(textSince(log, offset));
    std::string line;
    std::string rebuilt;
    const std::string partition = chosen->filename().string();
    while (std::getline(lines, line)) {
        if (line.find(partition) != std::string::npos && line.find(c.file.stem().string()) != std::string::npos) {
            m_s.say("broker " + std::to_string(b) + " on restart: " + line);
            rebuilt += (rebuilt.empty() ? "" : "\n") + line;
        }
    }
    if (rebuilt.empty())
        m_s.say("broker " + std::to_string(b) + " logged nothing about " + c.file.filename().string() +
                " while starting; see " + log.string());
    fact("broker_log", rebuilt);
    return {};
}

Status DrillSteps::slowConsumer()
{
    const auto file = m_s.layout().loadControlFile();
    auto rates = LoadRates::read(file);
    LoadRates r =
        rates ? *rates : LoadRates{m_s.config()->produceRate, m_s.config()->consumeRate, m_s.config()->messageBytes};
    const std::uint64_t produce = r.produceBytesPerSecond;
    const std::uint64_t defaultRate =
        produce == kUnlimitedRate ? (64ULL << 10) : std::max<std::uint64_t>(1024, produce / 10);
    const std::uint64_t before = r.consumeBytesPerSecond;
    r.consumeBytesPerSecond = m_r.rate.value_or(defaultRate);
    if (auto st = r.write(file); !st)
        return st;
    fact("consume_bytes_per_second", std::to_string(r.consumeBytesPerSecond));
    fact("produce_bytes_per_second", std::to_string(produce));
    m_s.say(std::string("the consumer group ") + kLabGroup + " now reads " + formatRate(r.consumeBytesPerSecond) +
            " (was " + formatRate(before) + ") while the producer writes " + formatRate(produce));
    if (produce != kUnlimitedRate && produce > r.consumeBytesPerSecond)
        m_s.say("its lag grows by about " + formatRate(produce - r.consumeBytesPerSecond) +
                ", and the backlog stays on the disks until retention deletes it (watch: spillway-cli lab status)");
    else
        m_s.say("the producer is not faster than that: lag only grows if it writes more (lab load --produce-rate)");
    m_s.say("undo: spillway-cli lab load --consume-rate " + labfsSize(m_s.config()->consumeRate) + "/s" +
            " or lab drill restore");
    return {};
}

Status DrillSteps::restartBroker()
{
    std::string startup;
    if (auto st = m_s.restartBroker(m_r.broker, &startup); !st)
        return st;
    std::istringstream lines(startup);
    std::string line;
    while (std::getline(lines, line))
        if (line.find("offline") != std::string::npos)
            m_s.say("broker " + std::to_string(m_r.broker) + " on restart: " + line);
    return {};
}

Status DrillSteps::restore()
{
    const LabConfig &c = *m_s.config();
    const int b = m_r.broker;
    LoadRates normal{c.produceRate, c.consumeRate, c.messageBytes};
    if (auto current = LoadRates::read(m_s.layout().loadControlFile()); !current || !(*current == normal)) {
        if (auto st = normal.write(m_s.layout().loadControlFile()); !st)
            return st;
        m_s.say("load back to normal: produce " + formatRate(normal.produceBytesPerSecond) + ", consume " +
                formatRate(normal.consumeBytesPerSecond));
    }
    std::vector<int> unmounted;
    if (c.mode == DiskMode::Labfs) {
        for (int d = 0; d < c.totalDisks(); ++d) {
            const auto path = m_s.layout().diskPath(b, d);
            if (!MountTable::isMountPoint(path)) {
                unmounted.push_back(d);
                continue;
            }
            auto st = LabfsControl::status(socketOf(d));
            if (st && st->mode != "healthy") {
                if (auto healed = LabfsControl::command(socketOf(d), "healthy"); !healed)
                    return healed;
                m_s.say("healed " + diskLabel(d) + " (was " + st->mode + ")");
            } else if (!st) {
                // A mount whose daemon is gone cannot be healed, only remade.
                unmounted.push_back(d);
            }
        }
    }
    bool restart = !m_s.brokerRunning(b) || !unmounted.empty();
    if (!restart) {
        auto dirs = BrokerProbe::describeLogDirs(m_s.portOf(b));
        if (!dirs) {
            restart = true;
        } else {
            for (const auto &d : *dirs)
                if (d.errorCode != 0) {
                    m_s.say("the broker has " + d.path + " offline (error " + std::to_string(d.errorCode) +
                            "): it comes back with a restart");
                    restart = true;
                }
        }
    }
    if (restart)
        if (auto st = m_s.stopBroker(b, kBrokerGrace); !st)
            return st;
    for (int d : unmounted) {
        if (auto st = m_s.unmountDisk(b, d, false); !st) // a stale mount, or the detached daemon
            return st;
        if (auto st = m_s.mountDisk(b, d); !st)
            return st;
    }
    for (int d = 0; d < c.totalDisks(); ++d) {
        std::vector<std::filesystem::path> removed;
        auto freed = DiskFiller::removeFillers(m_s.layout().diskPath(b, d), removed);
        if (freed && !removed.empty())
            m_s.say("deleted " + std::to_string(removed.size()) + " filler file(s) on " + diskLabel(d) + ", freed " +
                    formatBytes(*freed));
    }
    if (restart)
        if (auto st = m_s.startBroker(b); !st)
            return st;
    if (!m_s.loadgenRunning())
        if (auto st = m_s.startLoadgen(); !st)
            return st;
    fact("broker_restarted", restart ? "true" : "false");
    m_s.say(restart ? "restored: every disk healthy and mounted, broker restarted with every log dir"
                    : "restored: nothing else needed");
    return {};
}

} // namespace spillway::lab
