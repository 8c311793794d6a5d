// SPDX-License-Identifier: GPL-3.0-or-later
#include "labfs/control_protocol.h"

#include "core/common/json_writer.h"

#include <cctype>
#include <charconv>

namespace spillway::labfs {

using core::Errc;
using core::makeError;

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

} // namespace

core::Result<ControlRequest> parseControlRequest(std::string_view line)
{
    const std::string_view text = trim(line);
    const auto space = text.find(' ');
    const std::string_view verb = text.substr(0, space);
    const std::string_view rest = space == std::string_view::npos ? std::string_view{} : trim(text.substr(space));
    const auto bad = [&](std::string why) {
        return makeError(Errc::InvalidArgument, std::move(why),
                         "send one of: healthy, fail, readonly, slow <ms>, status");
    };

    ControlRequest req;
    if (verb == "slow") {
        int ms = -1;
        const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), ms);
        if (rest.empty() || ec != std::errc() || ptr != rest.data() + rest.size() || ms < 0 ||
            ms > FaultState::kMaxSlowMs)
            return bad("slow needs a latency in ms from 0 to " + std::to_string(FaultState::kMaxSlowMs) + ", got '" +
                       std::string(rest) + "'");
        req.kind = ControlRequest::Kind::SetFault;
        req.mode = ms == 0 ? FaultMode::Healthy : FaultMode::Slow;
        req.slowMs = ms;
        return req;
    }
    if (!rest.empty())
        return bad("'" + std::string(verb) + "' takes no argument");
    if (verb == "status")
        return req;
    req.kind = ControlRequest::Kind::SetFault;
    if (verb == "healthy")
        req.mode = FaultMode::Healthy;
    else if (verb == "fail" || verb == "failed")
        req.mode = FaultMode::Failed;
    else if (verb == "readonly")
        req.mode = FaultMode::ReadOnly;
    else
        return bad("unknown request '" + std::string(text) + "'");
    return req;
}

std::string statusReply(const DiskStatus &status)
{
    core::JsonWriter w;
    w.beginObject();
    w.key("ok").value(true);
    w.key("name").value(status.name);
    w.key("mode").value(toString(status.mode));
    w.key("slow_ms").value(status.slowMs);
    w.key("capacity").value(status.capacity);
    w.key("used").value(status.used);
    w.key("free").value(status.free);
    w.key("mountpoint").value(status.mountpoint);
    w.key("backing").value(status.backing);
    w.key("pid").value(status.pid);
    w.endObject();
    return w.str();
}

std::string errorReply(std::string_view message)
{
    core::JsonWriter w;
    w.beginObject();
    w.key("ok").value(false);
    w.key("error").value(message);
    w.endObject();
    return w.str();
}

} // namespace spillway::labfs
