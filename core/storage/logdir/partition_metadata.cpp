// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/logdir/partition_metadata.h"

#include "core/common/fileio.h"
#include "core/storage/logdir/java_number.h"

#include <optional>
#include <utility>

namespace spillway::core {
namespace {

/// Kafka splits a line on the regex ":\s+"; both halves must be present.
std::optional<std::pair<std::string_view, std::string_view>> splitColon(std::string_view line)
{
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    std::size_t value = colon + 1;
    while (value < line.size() && (line[value] == ' ' || line[value] == '\t'))
        ++value;
    if (value == colon + 1 || value == line.size())
        return std::nullopt;
    return std::pair{line.substr(0, colon), line.substr(value)};
}

Error lineError(std::string_view fileLabel, int line, const std::string &what)
{
    return makeError(Errc::Corrupt, std::string(fileLabel) + " line " + std::to_string(line) + ": " + what);
}

} // namespace

Result<PartitionMetadata> PartitionMetadata::parse(std::string_view text, std::string_view fileLabel)
{
    const auto nl = text.find('\n');
    const std::string_view first = text.substr(0, nl);
    const std::string_view rest = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    const std::string_view second = rest.substr(0, rest.find('\n'));
    const std::string_view after = rest.size() > second.size() ? rest.substr(second.size() + 1) : std::string_view();

    const auto version = splitColon(first);
    if (!version || version->first != "version")
        return lineError(fileLabel, 1, "expected 'version: 0', found '" + std::string(first) + "'");
    const auto number = parseJavaInt32(version->second);
    if (!number || *number != kVersion)
        return lineError(fileLabel, 1, "unrecognised version '" + std::string(version->second) + "', expected 0");
    const auto topicId = splitColon(second);
    if (!topicId || topicId->first != "topic_id")
        return lineError(fileLabel, 2, "expected 'topic_id: <topic id>', found '" + std::string(second) + "'");
    auto id = KafkaUuid::fromString(topicId->second);
    if (!id)
        return lineError(fileLabel, 2, id.error().message);
    // Kafka reads two lines and ignores the rest; anything but a stray
    // newline there was not written by Kafka, so say so.
    if (after.find_first_not_of("\r\n") != std::string_view::npos)
        return lineError(fileLabel, 3, "unexpected content after the topic id");
    return PartitionMetadata{*id};
}

Result<PartitionMetadata> PartitionMetadata::read(const std::filesystem::path &file)
{
    auto text = readFile(file);
    if (!text)
        return text.error();
    return parse(*text, file.string());
}

std::string PartitionMetadata::serialize() const
{
    return "version: " + std::to_string(kVersion) + "\ntopic_id: " + topicId.toString();
}

Status PartitionMetadata::write(const std::filesystem::path &file) const
{
    return writeFileAtomic(file, serialize(), ".tmp");
}

} // namespace spillway::core
