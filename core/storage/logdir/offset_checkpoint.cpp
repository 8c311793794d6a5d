// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/logdir/offset_checkpoint.h"

#include "core/common/fileio.h"
#include "core/storage/logdir/checkpoint_text.h"
#include "core/storage/logdir/java_number.h"

#include <algorithm>

namespace spillway::core {

Result<OffsetCheckpoint> OffsetCheckpoint::parse(std::string_view text, std::string_view fileLabel)
{
    auto lines = splitCheckpointText(text, fileLabel, kVersion, 3);
    if (!lines)
        return lines.error();
    std::vector<OffsetCheckpointEntry> entries;
    entries.reserve(lines->size());
    for (const auto &line : *lines) {
        const auto partition = parseJavaInt32(line.fields[1]);
        if (!partition)
            return checkpointLineError(fileLabel, line.lineNumber,
                                       "partition '" + std::string(line.fields[1]) + "' is not a 32-bit integer");
        const auto offset = parseJavaInt64(line.fields[2]);
        if (!offset)
            return checkpointLineError(fileLabel, line.lineNumber,
                                       "offset '" + std::string(line.fields[2]) + "' is not a 64-bit integer");
        entries.push_back({std::string(line.fields[0]), PartitionId(*partition), Offset(*offset)});
    }
    return OffsetCheckpoint(std::move(entries));
}

Result<OffsetCheckpoint> OffsetCheckpoint::read(const std::filesystem::path &file)
{
    auto text = readFile(file);
    if (!text)
        return text.error();
    return parse(*text, file.string());
}

std::string OffsetCheckpoint::serialize() const
{
    std::vector<std::string> lines;
    lines.reserve(m_entries.size());
    for (const auto &e : m_entries)
        lines.push_back(e.topic + ' ' + std::to_string(e.partition.get()) + ' ' + std::to_string(e.offset.get()));
    return joinCheckpointText(kVersion, lines);
}

Status OffsetCheckpoint::write(const std::filesystem::path &file) const
{
    return writeFileAtomic(file, serialize(), ".tmp");
}

std::optional<Offset> OffsetCheckpoint::find(std::string_view topic, PartitionId partition) const
{
    // Kafka keeps the last of duplicate entries (they go into a map).
    for (auto it = m_entries.rbegin(); it != m_entries.rend(); ++it) {
        if (it->partition == partition && it->topic == topic)
            return it->offset;
    }
    return std::nullopt;
}

void OffsetCheckpoint::set(std::string_view topic, PartitionId partition, Offset offset)
{
    for (auto &e : m_entries) {
        if (e.partition == partition && e.topic == topic) {
            e.offset = offset;
            return;
        }
    }
    m_entries.push_back({std::string(topic), partition, offset});
}

bool OffsetCheckpoint::remove(std::string_view topic, PartitionId partition)
{
    return std::erase_if(m_entries, [&](const OffsetCheckpointEntry &e) {
               return e.partition == partition && e.topic == topic;
           }) > 0;
}

} // namespace spillway::core
