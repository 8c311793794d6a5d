// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/server_properties.h"

#include "core/common/fileio.h"
#include "core/common/properties.h"

#include <algorithm>

namespace spillway::lab {
namespace {

std::string listener(int port) { return "PLAINTEXT://127.0.0.1:" + std::to_string(port); }

/// The lab broker's own key: speak only the protocol version ranges of that Apache Kafka release.
constexpr std::string_view kEmulateKey = "spillway.emulate.kafka.version";

std::string freshFile(const LabLayout &layout, const LabConfig &config, int broker, int port)
{
    std::string dirs;
    for (int d = 0; d < config.disks; ++d)
        dirs += (d ? "," : "") + layout.diskPath(broker, d).string();
    std::string spares;
    for (int d = config.disks; d < config.totalDisks(); ++d)
        spares += (spares.empty() ? "" : ", ") + layout.diskPath(broker, d).string();
    // The index preallocation is kept small so that 12 partitions' indexes
    // do not crowd a small lab disk.
    const std::uint64_t indexBytes = std::clamp<std::uint64_t>(config.segmentBytes() / 8, 64 << 10, 1 << 20);
    std::string text = "# Spillway lab broker " + std::to_string(broker) +
                       ", written by spillway-cli lab up. Apache Kafka's keys.\n"
                       "# Yours to edit: lab up only updates the listener port. Scenario C's disk swap\n"
                       "# replaces a failed disk in log.dirs by a spare (" +
                       (spares.empty() ? std::string("none in this lab") : spares) + ").\n";
    text += "broker.id=" + std::to_string(broker) + "\n";
    text += "listeners=" + listener(port) + "\n";
    text += "log.dirs=" + dirs + "\n";
    text += "num.partitions=1\n";
    text += "default.replication.factor=1\n";
    text += "log.segment.bytes=" + std::to_string(config.segmentBytes()) + "\n";
    text += "log.index.size.max.bytes=" + std::to_string(indexBytes) + "\n";
    text += "log.retention.hours=168\n";
    text += "log.retention.check.interval.ms=60000\n";
    text += "group.initial.rebalance.delay.ms=0\n";
    text += "# Topic metadata lives outside the log dirs, as KRaft's metadata log would.\n";
    text += "spillway.metadata.dir=" + layout.metadataDir(broker).string() + "\n";
    if (!config.emulateKafka.empty())
        text += std::string(kEmulateKey) + "=" + config.emulateKafka + "\n";
    return text;
}

} // namespace

Result<std::string> ServerProperties::ensure(const LabLayout &layout, const LabConfig &config, int broker, int port)
{
    const auto file = layout.serverProperties(broker);
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        if (auto st = core::writeFileAtomic(file, freshFile(layout, config, broker, port)); !st)
            return st.error();
        return "wrote " + file.string() +
               (config.emulateKafka.empty() ? std::string()
                                            : " (" + std::string(kEmulateKey) + "=" + config.emulateKafka + ")");
    }
    auto text = core::readFile(file);
    if (!text)
        return text.error();
    auto doc = core::PropertiesDocument::parse(*text);
    if (!doc)
        return Error{doc.error().code, file.string() + ": " + doc.error().message, "", 0};
    std::vector<std::string> changes;
    if (doc->get("listeners") != listener(port)) {
        doc->set("listeners", listener(port));
        changes.push_back("listeners=" + listener(port));
    }
    const auto emulated = doc->get(kEmulateKey);
    if (config.emulateKafka.empty() && emulated) {
        doc->remove(kEmulateKey);
        changes.push_back("removed " + std::string(kEmulateKey));
    } else if (!config.emulateKafka.empty() && emulated != config.emulateKafka) {
        doc->set(kEmulateKey, config.emulateKafka);
        changes.push_back(std::string(kEmulateKey) + "=" + config.emulateKafka);
    }
    if (changes.empty())
        return "kept " + file.string();
    if (auto st = core::writeFileAtomic(file, doc->serialize()); !st)
        return st.error();
    std::string what;
    for (const auto &c : changes)
        what += (what.empty() ? "" : ", ") + c;
    return "updated " + what + " in " + file.string();
}

Result<std::vector<std::filesystem::path>> ServerProperties::logDirs(const std::filesystem::path &file)
{
    auto text = core::readFile(file);
    if (!text)
        return text.error();
    auto doc = core::PropertiesDocument::parse(*text);
    if (!doc)
        return doc.error();
    auto value = doc->get("log.dirs");
    if (!value)
        value = doc->get("log.dir");
    std::vector<std::filesystem::path> dirs;
    if (!value)
        return dirs;
    std::size_t start = 0;
    while (start <= value->size()) {
        auto end = value->find(',', start);
        if (end == std::string::npos)
            end = value->size();
        std::string item = value->substr(start, end - start);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty())
            dirs.emplace_back(std::filesystem::path(item).lexically_normal());
        start = end + 1;
    }
    return dirs;
}

} // namespace spillway::lab
