// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/measure/mount_table.h"

#include "core/common/fileio.h"

#include <charconv>
#include <sys/sysmacros.h>

namespace spillway::core::measure {
namespace {

std::vector<std::string_view> splitFields(std::string_view line)
{
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < line.size()) {
        while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t'))
            ++pos;
        if (pos >= line.size())
            break;
        std::size_t end = pos;
        while (end < line.size() && line[end] != ' ' && line[end] != '\t')
            ++end;
        out.push_back(line.substr(pos, end - pos));
        pos = end;
    }
    return out;
}

template <class T>
bool parseNumber(std::string_view text, T &out)
{
    const auto *end = text.data() + text.size();
    const auto r = std::from_chars(text.data(), end, out);
    return r.ec == std::errc() && r.ptr == end;
}

bool parseDevice(std::string_view text, DeviceId &out)
{
    const auto colon = text.find(':');
    return colon != std::string_view::npos && parseNumber(text.substr(0, colon), out.major) &&
           parseNumber(text.substr(colon + 1), out.minor);
}

bool isOctal(char c) { return c >= '0' && c <= '7'; }

} // namespace

DeviceId DeviceId::fromDev(std::uint64_t dev)
{
    return DeviceId{static_cast<std::uint32_t>(major(dev)), static_cast<std::uint32_t>(minor(dev))};
}

std::string DeviceId::toString() const { return std::to_string(major) + ':' + std::to_string(minor); }

std::string unescapeMountField(std::string_view field)
{
    std::string out;
    out.reserve(field.size());
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size() && isOctal(field[i + 1]) && isOctal(field[i + 2]) &&
            isOctal(field[i + 3])) {
            const int value = (field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0');
            if (value < 256) {
                out.push_back(static_cast<char>(value));
                i += 3;
                continue;
            }
        }
        out.push_back(field[i]);
    }
    return out;
}

Result<MountTable> MountTable::parse(std::string_view text)
{
    std::vector<MountEntry> entries;
    std::size_t lineNo = 0;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++lineNo;
        const auto fields = splitFields(line);
        if (fields.empty())
            continue;
        // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
        std::size_t sep = 6;
        while (sep < fields.size() && fields[sep] != "-")
            ++sep;
        MountEntry e;
        if (fields.size() < 8 || sep + 1 >= fields.size() || !parseNumber(fields[0], e.mountId) ||
            !parseNumber(fields[1], e.parentId) || !parseDevice(fields[2], e.device))
            return makeError(Errc::Corrupt,
                             "mountinfo line " + std::to_string(lineNo) + " is malformed: " + std::string(line));
        e.root = unescapeMountField(fields[3]);
        e.mountPoint = unescapeMountField(fields[4]);
        e.options = std::string(fields[5]);
        e.fsType = std::string(fields[sep + 1]);
        if (sep + 2 < fields.size())
            e.source = unescapeMountField(fields[sep + 2]);
        entries.push_back(std::move(e));
    }
    return MountTable(std::move(entries));
}

Result<MountTable> MountTable::readSelf()
{
    auto text = readFile("/proc/self/mountinfo");
    if (!text)
        return text.error();
    return parse(*text);
}

bool isPathPrefix(std::string_view prefix, std::string_view path)
{
    if (prefix == "/")
        return path.starts_with('/');
    while (prefix.size() > 1 && prefix.ends_with('/'))
        prefix.remove_suffix(1);
    if (!path.starts_with(prefix))
        return false;
    return path.size() == prefix.size() || path[prefix.size()] == '/';
}

const MountEntry *MountTable::mountFor(const std::filesystem::path &canonicalPath, const DeviceId *device) const
{
    const std::string path = canonicalPath.string();
    const MountEntry *best = nullptr;
    bool bestMatchesDevice = false;
    for (const auto &e : m_entries) {
        if (!isPathPrefix(e.mountPoint, path))
            continue;
        const bool matchesDevice = device != nullptr && e.device == *device;
        if (best == nullptr || e.mountPoint.size() > best->mountPoint.size()) {
            best = &e;
            bestMatchesDevice = matchesDevice;
        } else if (e.mountPoint.size() == best->mountPoint.size() && (matchesDevice || !bestMatchesDevice)) {
            // The same mount point mounted again: the later one is on top,
            // unless only the earlier one carries the path's device.
            best = &e;
            bestMatchesDevice = matchesDevice;
        }
    }
    return best;
}

bool MountTable::isMountPoint(const std::filesystem::path &canonicalPath) const
{
    const std::string path = canonicalPath.string();
    for (const auto &e : m_entries) {
        if (e.mountPoint == path)
            return true;
    }
    return false;
}

std::vector<std::string> parseFstabMountPoints(std::string_view text)
{
    std::vector<std::string> out;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        const auto fields = splitFields(line);
        if (fields.size() < 3 || fields[0].starts_with('#'))
            continue;
        if (fields[2] == "swap" || fields[1] == "none" || !fields[1].starts_with('/'))
            continue;
        std::string mp = unescapeMountField(fields[1]);
        while (mp.size() > 1 && mp.ends_with('/'))
            mp.pop_back();
        out.push_back(std::move(mp));
    }
    return out;
}

} // namespace spillway::core::measure
