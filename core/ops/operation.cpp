// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ops/operation.h"

#include "core/common/fileio.h"
#include "core/common/json_writer.h"
#include "core/ops/ops_text.h"

#include <cerrno>
#include <cstdio>
#include <sys/statvfs.h>

namespace spillway::core::ops {
Result<std::int64_t> freeBytes(const std::filesystem::path &dir)
{
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) != 0)
        return Error::fromErrno(errno, "cannot statvfs " + dir.string());
    return static_cast<std::int64_t>(st.f_bavail) * static_cast<std::int64_t>(st.f_frsize);
}

Status refuseIfLocked(const std::filesystem::path &logDir, std::string_view hint)
{
    auto locked = isFileLockedByOtherProcess(logDir / ".lock");
    if (!locked)
        return locked.error();
    if (*locked)
        return makeError(Errc::Locked, "a process holds " + (logDir / ".lock").string(), std::string(hint));
    return {};
}

std::string Plan::preview() const
{
    std::string out = kind + ": " + summary + "\n";
    for (const auto &d : disks)
        out += "  " + d.logDir.string() + ": kafka " + mib(d.kafkaBytesBefore) + " -> " + mib(d.kafkaBytesAfter) +
               ", free " +
               (d.freeKnown() ? mib(d.freeBytesBefore) + " -> " + mib(d.freeBytesAfter)
                              : std::string("unknown (the broker does not report it)")) +
               "\n";
    out += "steps:\n";
    int n = 1;
    for (const auto &s : steps)
        out += "  " + std::to_string(n++) + ". " + s + "\n";
    return out;
}

std::string paramsToJson(const std::map<std::string, std::string> &params)
{
    JsonWriter json;
    json.beginObject();
    for (const auto &[k, v] : params)
        json.key(k).value(v);
    json.endObject();
    return json.str();
}

std::map<std::string, std::string> paramsFromJson(std::string_view json)
{
    // Reads back exactly what paramsToJson writes: one object of string values.
    std::map<std::string, std::string> out;
    std::size_t i = 0;
    auto readString = [&](std::string &s) -> bool {
        while (i < json.size() && json[i] != '"')
            ++i;
        if (i >= json.size())
            return false;
        ++i;
        while (i < json.size() && json[i] != '"') {
            char c = json[i++];
            if (c == '\\' && i < json.size()) {
                char e = json[i++];
                switch (e) {
                case 'n': c = '\n'; break;
                case 't': c = '\t'; break;
                case 'r': c = '\r'; break;
                case 'b': c = '\b'; break;
                case 'f': c = '\f'; break;
                case 'u':
                    if (i + 4 <= json.size()) {
                        c = static_cast<char>(std::stoi(std::string(json.substr(i, 4)), nullptr, 16));
                        i += 4;
                    }
                    break;
                default: c = e;
                }
            }
            s += c;
        }
        ++i;
        return true;
    };
    while (true) {
        std::string k;
        std::string v;
        if (!readString(k) || !readString(v))
            break;
        out[k] = v;
    }
    return out;
}

} // namespace spillway::core::ops
