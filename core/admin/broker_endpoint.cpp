// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/admin/broker_endpoint.h"

#include <charconv>

namespace spillway::core::admin {

std::string BrokerEndpoint::address() const
{
    const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return h + ":" + std::to_string(port);
}

std::string BrokerEndpoint::describe() const
{
    if (nodeId)
        return "broker " + std::to_string(nodeId->get()) + " (" + address() + ")";
    return "bootstrap server " + address();
}

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

} // namespace

Result<BrokerEndpoint> parseEndpoint(std::string_view text)
{
    text = trim(text);
    const auto bad = [&](const char *why) {
        return makeError(Errc::InvalidArgument, "bad broker address '" + std::string(text) + "': " + why,
                         "expected host:port, e.g. 127.0.0.1:9092");
    };
    std::string_view host;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return bad("an IPv6 address needs the form [addr]:port");
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos)
            return bad("no port");
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos)
            return bad("put an IPv6 address in brackets");
    }
    if (host.empty())
        return bad("no host");
    int value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || value <= 0 || value > 65535)
        return bad("the port must be a number from 1 to 65535");
    return BrokerEndpoint{std::string(host), value, std::nullopt};
}

Result<std::vector<BrokerEndpoint>> parseBootstrap(std::string_view text)
{
    std::vector<BrokerEndpoint> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto entry =
            trim(text.substr(start, comma == std::string_view::npos ? text.size() - start : comma - start));
        if (!entry.empty()) {
            auto endpoint = parseEndpoint(entry);
            if (!endpoint)
                return endpoint.error();
            out.push_back(std::move(*endpoint));
        }
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    if (out.empty())
        return makeError(Errc::InvalidArgument, "no bootstrap server given", "expected host:port[,host:port...]");
    return out;
}

} // namespace spillway::core::admin
