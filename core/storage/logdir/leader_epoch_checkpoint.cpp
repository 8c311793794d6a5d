// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/logdir/leader_epoch_checkpoint.h"

#include "core/common/fileio.h"
#include "core/storage/logdir/checkpoint_text.h"
#include "core/storage/logdir/java_number.h"

namespace spillway::core {

Result<LeaderEpochCheckpoint> LeaderEpochCheckpoint::parse(std::string_view text, std::string_view fileLabel)
{
    auto lines = splitCheckpointText(text, fileLabel, kVersion, 2);
    if (!lines)
        return lines.error();
    std::vector<LeaderEpochEntry> entries;
    entries.reserve(lines->size());
    for (const auto &line : *lines) {
        const auto epoch = parseJavaInt32(line.fields[0]);
        if (!epoch)
            return checkpointLineError(fileLabel, line.lineNumber,
                                       "leader epoch '" + std::string(line.fields[0]) + "' is not a 32-bit integer");
        const auto start = parseJavaInt64(line.fields[1]);
        if (!start)
            return checkpointLineError(fileLabel, line.lineNumber,
                                       "start offset '" + std::string(line.fields[1]) + "' is not a 64-bit integer");
        entries.push_back({LeaderEpoch(*epoch), Offset(*start)});
    }
    return LeaderEpochCheckpoint(std::move(entries));
}

Result<LeaderEpochCheckpoint> LeaderEpochCheckpoint::read(const std::filesystem::path &file)
{
    auto text = readFile(file);
    if (!text)
        return text.error();
    return parse(*text, file.string());
}

std::string LeaderEpochCheckpoint::serialize() const
{
    std::vector<std::string> lines;
    lines.reserve(m_entries.size());
    for (const auto &e : m_entries)
        lines.push_back(std::to_string(e.epoch.get()) + ' ' + std::to_string(e.startOffset.get()));
    return joinCheckpointText(kVersion, lines);
}

Status LeaderEpochCheckpoint::write(const std::filesystem::path &file) const
{
    return writeFileAtomic(file, serialize(), ".tmp");
}

Status LeaderEpochCheckpoint::checkMonotonic(std::string_view fileLabel) const
{
    for (std::size_t i = 1; i < m_entries.size(); ++i) {
        const auto &prev = m_entries[i - 1];
        const auto &cur = m_entries[i];
        if (cur.epoch <= prev.epoch || cur.startOffset < prev.startOffset)
            return checkpointLineError(fileLabel, static_cast<int>(i) + 3,
                                       "epoch " + std::to_string(cur.epoch.get()) + " from offset " +
                                           std::to_string(cur.startOffset.get()) + " does not follow epoch " +
                                           std::to_string(prev.epoch.get()) + " from offset " +
                                           std::to_string(prev.startOffset.get()));
    }
    return {};
}

} // namespace spillway::core
