// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/logdir/meta_properties.h"

#include "core/common/fileio.h"
#include "core/common/kafka_uuid.h"
#include "core/common/properties.h"
#include "core/storage/logdir/java_number.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace spillway::core {
namespace {

constexpr std::string_view kVersionKey = "version";
constexpr std::string_view kBrokerIdKey = "broker.id";
constexpr std::string_view kNodeIdKey = "node.id";
constexpr std::string_view kClusterIdKey = "cluster.id";
constexpr std::string_view kDirectoryIdKey = "directory.id";

Error metaError(std::string_view fileLabel, const std::string &what)
{
    return makeError(Errc::Corrupt, std::string(fileLabel) + ": " + what);
}

/// java.util.Date.toString in UTC: "Fri Oct 25 10:00:00 UTC 2024".
std::string javaDate(std::time_t now)
{
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    static constexpr std::array<const char *, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char *, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s %s %02d %02d:%02d:%02d UTC %d", kDays[static_cast<std::size_t>(tm.tm_wday)],
                  kMonths[static_cast<std::size_t>(tm.tm_mon)], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  tm.tm_year + 1900);
    return buf;
}

} // namespace

Result<MetaProperties> MetaProperties::parse(std::string_view text, std::string_view fileLabel)
{
    auto doc = PropertiesDocument::parse(text);
    if (!doc)
        return metaError(fileLabel, doc.error().message);
    MetaProperties meta;
    const auto version = doc->get(kVersionKey);
    const auto number = version ? parseJavaInt32(*version) : std::optional<std::int32_t>(0);
    if (!number)
        return metaError(fileLabel, "version '" + *version + "' is not a number");
    if (*number != 0 && *number != 1)
        return makeError(Errc::Unsupported,
                         std::string(fileLabel) + ": unknown meta.properties version " + std::to_string(*number),
                         "Kafka knows versions 0 (ZooKeeper mode) and 1 (KRaft)");
    meta.version = *number;

    const std::string_view idKey = meta.version == 0 ? kBrokerIdKey : kNodeIdKey;
    if (const auto id = doc->get(idKey)) {
        const auto value = parseJavaInt32(*id);
        if (!value || *value < 0)
            return metaError(fileLabel, std::string(idKey) + " '" + *id + "' is not a non-negative integer");
        meta.nodeId = BrokerId(*value);
    } else if (meta.version == 1) {
        return metaError(fileLabel, "version 1 requires node.id");
    }
    meta.clusterId = doc->get(kClusterIdKey);
    if (meta.version == 1 && !meta.clusterId)
        return metaError(fileLabel, "version 1 requires cluster.id");
    meta.directoryId = doc->get(kDirectoryIdKey);
    if (meta.directoryId) {
        if (auto id = KafkaUuid::fromString(*meta.directoryId); !id)
            return metaError(fileLabel, "directory.id: " + id.error().message);
    }
    for (const auto &key : doc->keys()) {
        if (key != kVersionKey && key != idKey && key != kClusterIdKey && key != kDirectoryIdKey)
            meta.otherKeys.emplace_back(key, *doc->get(key));
    }
    return meta;
}

Result<MetaProperties> MetaProperties::read(const std::filesystem::path &file)
{
    auto text = readFile(file);
    if (!text)
        return text.error();
    return parse(*text, file.string());
}

std::string MetaProperties::serialize(std::time_t now) const
{
    PropertiesDocument doc;
    if (clusterId)
        doc.set(kClusterIdKey, *clusterId);
    if (directoryId)
        doc.set(kDirectoryIdKey, *directoryId);
    if (nodeId)
        doc.set(version == 0 ? kBrokerIdKey : kNodeIdKey, std::to_string(nodeId->get()));
    for (const auto &[key, value] : otherKeys)
        doc.set(key, value);
    doc.set(kVersionKey, std::to_string(version));
    // Kafka stores with an empty comment: Properties.store writes "#" for it,
    // then the date line.
    return "#\n#" + javaDate(now) + "\n" + doc.serialize();
}

Status MetaProperties::write(const std::filesystem::path &file) const
{
    return writeFileAtomic(file, serialize(std::time(nullptr)), ".tmp");
}

} // namespace spillway::core
