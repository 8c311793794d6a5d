// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/lab_layout.h"

#include "core/common/fileio.h"
#include "core/common/properties.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace spillway::lab {
namespace {} // namespace

std::string_view toString(DiskMode mode) noexcept { return mode == DiskMode::Labfs ? "labfs" : "plain"; }

std::uint64_t LabConfig::segmentBytes() const noexcept
{
    return std::clamp<std::uint64_t>(capacity / 16, 1ULL << 20, 1ULL << 30);
}

Result<LabConfig> LabConfig::read(const std::filesystem::path &file)
{
    auto text = core::readFile(file);
    if (!text)
        return text.error();
    auto doc = core::PropertiesDocument::parse(*text);
    if (!doc)
        return doc.error();
    LabConfig c;
    const auto need = [&](std::string_view key) -> Result<std::int64_t> {
        auto v = doc->getInt(key);
        if (!v || *v < 0)
            return makeError(Errc::Corrupt, file.string() + ": missing or invalid " + std::string(key),
                             "fix the file or start over with spillway-cli lab reset --yes");
        return *v;
    };
    for (const auto &[key, target] : {std::pair<const char *, int *>{"brokers", &c.brokers},
                                      {"disks", &c.disks},
                                      {"spares", &c.spares},
                                      {"port", &c.port}}) {
        auto v = need(key);
        if (!v)
            return v.error();
        *target = static_cast<int>(*v);
    }
    auto capacity = need("capacity.bytes");
    if (!capacity)
        return capacity.error();
    c.capacity = static_cast<std::uint64_t>(*capacity);
    const auto mode = doc->get("disk.mode");
    if (mode != "labfs" && mode != "plain")
        return makeError(Errc::Corrupt, file.string() + ": disk.mode must be labfs or plain");
    c.mode = *mode == "labfs" ? DiskMode::Labfs : DiskMode::Plain;
    if (auto v = doc->getInt("produce.bytes.per.second"))
        c.produceRate = static_cast<std::uint64_t>(*v);
    if (auto v = doc->getInt("consume.bytes.per.second"))
        c.consumeRate = static_cast<std::uint64_t>(*v);
    if (auto v = doc->getInt("message.bytes"); v && *v > 0)
        c.messageBytes = static_cast<std::uint32_t>(*v);
    if (auto v = doc->get("emulate.kafka.version"))
        c.emulateKafka = *v;
    return c;
}

Status LabConfig::write(const std::filesystem::path &file) const
{
    auto doc = core::PropertiesDocument::parse("# The lab's shape, written by spillway-cli lab up.\n"
                                               "# brokers, disks, spares and disk.mode are fixed until lab reset.\n");
    doc->set("brokers", std::to_string(brokers));
    doc->set("disks", std::to_string(disks));
    doc->set("spares", std::to_string(spares));
    doc->set("capacity.bytes", std::to_string(capacity));
    doc->set("port", std::to_string(port));
    doc->set("disk.mode", std::string(toString(mode)));
    doc->set("produce.bytes.per.second", std::to_string(static_cast<std::int64_t>(produceRate)));
    doc->set("consume.bytes.per.second", std::to_string(static_cast<std::int64_t>(consumeRate)));
    doc->set("message.bytes", std::to_string(messageBytes));
    if (!emulateKafka.empty())
        doc->set("emulate.kafka.version", emulateKafka);
    return core::writeFileAtomic(file, doc->serialize());
}

std::filesystem::path LabLayout::defaultRoot()
{
    const char *xdg = std::getenv("XDG_DATA_HOME");
    // The XDG spec: a relative value is invalid and ignored.
    if (xdg != nullptr && xdg[0] == '/')
        return std::filesystem::path(xdg) / "spillway" / "lab";
    const char *home = std::getenv("HOME");
    return std::filesystem::path(home != nullptr && home[0] != '\0' ? home : "/") / ".local" / "share" / "spillway" /
           "lab";
}

std::filesystem::path LabLayout::brokerDir(int broker) const { return m_root / ("broker-" + std::to_string(broker)); }

std::filesystem::path LabLayout::brokerLog(int broker) const
{
    return logsDir() / ("broker-" + std::to_string(broker) + ".log");
}

Result<int> LabLayout::parseDiskName(std::string_view name, int totalDisks)
{
    int index = -1;
    if (name.starts_with("data")) {
        const auto digits = name.substr(4);
        const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
        if (digits.empty() || ec != std::errc{} || ptr != digits.data() + digits.size())
            index = -1;
    }
    if (index < 0 || index >= totalDisks)
        return makeError(Errc::InvalidArgument, "no disk '" + std::string(name) + "' in this lab",
                         "its disks are data0..data" + std::to_string(totalDisks - 1));
    return index;
}

} // namespace spillway::lab
