// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/logdir/topic_name.h"

#include "core/storage/logdir/java_number.h"

#include <algorithm>

namespace spillway::core {
namespace {

bool isLegalTopicChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

bool hasWhitespace(std::string_view s)
{
    return std::any_of(s.begin(), s.end(), [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    });
}

Error badDirName(std::string_view dirName)
{
    // Kafka's own message, so an operator can match it with the broker log.
    return makeError(Errc::InvalidArgument,
                     "found directory '" + std::string(dirName) +
                         "', which is not in the form of topic-partition or topic-partition.uniqueId-delete "
                         "(if marked for deletion)",
                     "a directory that does not contain Kafka topic data should not exist in a log dir: a broker "
                     "refuses to start with it");
}

} // namespace

Status validateTopicName(std::string_view topic)
{
    if (topic.empty())
        return makeError(Errc::InvalidArgument, "Topic name is illegal, it can't be empty");
    if (topic == "." || topic == "..")
        return makeError(Errc::InvalidArgument, "Topic name cannot be \".\" or \"..\"");
    if (topic.size() > kMaxTopicNameLength)
        return makeError(Errc::InvalidArgument, "Topic name is illegal, it can't be longer than " +
                                                    std::to_string(kMaxTopicNameLength) +
                                                    " characters, Topic name: " + std::string(topic));
    if (!std::all_of(topic.begin(), topic.end(), isLegalTopicChar))
        return makeError(Errc::InvalidArgument,
                         "Topic name \"" + std::string(topic) +
                             "\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'");
    return {};
}

bool hasCollisionChars(std::string_view topic)
{
    return topic.find('.') != std::string_view::npos || topic.find('_') != std::string_view::npos;
}

std::string unifyCollisionChars(std::string_view topic)
{
    std::string out(topic);
    std::replace(out.begin(), out.end(), '.', '_');
    return out;
}

std::optional<std::string> topicCollisionWarning(std::string_view topic)
{
    if (topic.find('.') == std::string_view::npos || topic.find('_') == std::string_view::npos)
        return std::nullopt;
    return "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could "
           "collide. To avoid issues it is best to use either, but not both (topic \"" +
           std::string(topic) + "\").";
}

std::optional<std::string> findCollidingTopic(std::string_view topic, std::span<const std::string> existing)
{
    const std::string unified = unifyCollisionChars(topic);
    for (const auto &other : existing) {
        if (other != topic && unifyCollisionChars(other) == unified)
            return other;
    }
    return std::nullopt;
}

std::string_view toString(PartitionDirKind kind) noexcept
{
    switch (kind) {
    case PartitionDirKind::Live: return "live";
    case PartitionDirKind::Delete: return "delete";
    case PartitionDirKind::Future: return "future";
    case PartitionDirKind::Stray: return "stray";
    }
    return "unknown";
}

std::string PartitionDirName::toString() const
{
    std::string out = partitionDirName(topic, partition);
    if (kind != PartitionDirKind::Live) {
        out += '.';
        out += uniqueId;
        out += '-';
        out += core::toString(kind);
    }
    return out;
}

Result<PartitionDirName> parsePartitionDirName(std::string_view dirName)
{
    if (dirName.empty() || dirName.find('-') == std::string_view::npos)
        return badDirName(dirName);
    PartitionDirName out;
    std::string_view name = dirName;
    static constexpr std::pair<std::string_view, PartitionDirKind> kSuffixes[] = {
        {"-delete", PartitionDirKind::Delete},
        {"-future", PartitionDirKind::Future},
        {"-stray", PartitionDirKind::Stray},
    };
    for (const auto &[suffix, kind] : kSuffixes) {
        if (!name.ends_with(suffix))
            continue;
        // Kafka's pattern: ^(\S+)-(\S+)\.(\S+)<suffix>$
        const std::string_view stem = name.substr(0, name.size() - suffix.size());
        const auto dot = stem.rfind('.');
        if (hasWhitespace(stem) || dot == std::string_view::npos || dot + 1 == stem.size())
            return badDirName(dirName);
        const std::string_view topicPartition = stem.substr(0, dot);
        const auto dash = topicPartition.rfind('-');
        if (dash == std::string_view::npos || dash == 0 || dash + 1 == topicPartition.size())
            return badDirName(dirName);
        out.kind = kind;
        out.uniqueId = std::string(stem.substr(dot + 1));
        name = topicPartition;
        break;
    }
    const auto dash = name.rfind('-');
    const std::string_view topic = name.substr(0, dash);
    const std::string_view partition = name.substr(dash + 1);
    if (topic.empty() || partition.empty())
        return badDirName(dirName);
    const auto number = parseJavaInt32(partition);
    if (!number)
        return badDirName(dirName);
    out.topic = std::string(topic);
    out.partition = PartitionId(*number);
    return out;
}

std::string partitionDirName(std::string_view topic, PartitionId partition)
{
    return std::string(topic) + "-" + std::to_string(partition.get());
}

} // namespace spillway::core
