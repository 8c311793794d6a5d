// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/lab_report.h"

#include "app/cli/cli_command.h"
#include "core/common/json_writer.h"
#include "core/lab/lab_units.h"

#include <charconv>
#include <cstdio>

namespace spillway::app {
using namespace spillway::lab;

lab::Reporter LabOutput::reporter()
{
    return [this](const std::string &line) {
        if (m_json) {
            m_steps.push_back(line);
        } else {
            std::printf("%s\n", line.c_str());
            std::fflush(stdout);
        }
    };
}

int LabOutput::ok(const std::vector<std::pair<std::string, std::string>> &fields)
{
    if (!m_json)
        return ExitOk;
    core::JsonWriter json;
    json.beginObject();
    json.key("command").value(m_command);
    json.key("ok").value(true);
    for (const auto &[k, v] : fields)
        json.key(k).value(v);
    json.key("steps").beginArray();
    for (const auto &s : m_steps)
        json.value(s);
    json.endArray();
    json.endObject();
    std::printf("%s\n", json.str().c_str());
    return ExitOk;
}

int LabOutput::fail(const core::Error &error, int exitCode)
{
    if (m_json) {
        core::JsonWriter json;
        json.beginObject();
        json.key("command").value(m_command);
        json.key("ok").value(false);
        json.key("error").value(error.message);
        json.key("code").value(core::toString(error.code));
        json.key("hint").value(error.hint);
        json.key("steps").beginArray();
        for (const auto &s : m_steps)
            json.value(s);
        json.endArray();
        json.endObject();
        std::printf("%s\n", json.str().c_str());
    } else {
        std::fprintf(stderr, "spillway-cli lab %s: %s\n", m_command.c_str(), error.message.c_str());
        if (!error.hint.empty())
            std::fprintf(stderr, "  hint: %s\n", error.hint.c_str());
    }
    return exitCode;
}

namespace {

std::string bytesOrDash(std::int64_t v)
{
    return v < 0 ? std::string("-") : formatBytes(static_cast<std::uint64_t>(v));
}

std::string pidText(const std::optional<ProcessRef> &p) { return p ? "pid " + std::to_string(p->pid) : "no pid"; }

std::string brokerView(const DiskStatus &d)
{
    if (!d.broker)
        return d.role == "spare" ? "not in log.dirs" : "-";
    if (d.broker->errorCode != 0)
        return "OFFLINE (error " + std::to_string(d.broker->errorCode) + ")";
    return "online, " + std::to_string(d.broker->partitions) + " partitions, " +
           formatBytes(static_cast<std::uint64_t>(d.broker->kafkaBytes));
}

} // namespace

void printLabStatus(const LabStatus &s)
{
    if (!s.exists) {
        std::printf("no lab at %s (spillway-cli lab up creates one)\n", s.root.string().c_str());
        return;
    }
    const LabConfig &c = *s.config;
    std::printf("lab at %s: %s, %s disks\n", s.root.string().c_str(),
                !s.up ? "down" : (s.healthy ? "up" : "up, with problems"), std::string(toString(c.mode)).c_str());
    for (const auto &b : s.brokers) {
        std::printf("broker %d  %-8s %-10s 127.0.0.1:%d  config %s\n", b.id, b.state.c_str(),
                    pidText(b.process).c_str(), b.port, b.config.string().c_str());
        if (!b.probeError.empty())
            std::printf("  (the broker did not answer DescribeLogDirs: %s)\n", b.probeError.c_str());
        std::printf("  %-6s %-9s %-11s %-21s %-10s %s\n", "disk", "role", "state", "used / capacity", "fillers",
                    "broker view");
        for (const auto &d : b.disks) {
            std::string state = d.mode;
            if (d.mode == "slow")
                state += " " + std::to_string(d.slowMs) + "ms";
            std::string usage = bytesOrDash(d.used) + " / " + bytesOrDash(d.capacity);
            if (c.mode == DiskMode::Plain)
                usage = "(shared fs)";
            std::printf("  %-6s %-9s %-11s %-21s %-10s %s\n", d.name.c_str(), d.role.c_str(), state.c_str(),
                        usage.c_str(), d.fillerBytes > 0 ? bytesOrDash(d.fillerBytes).c_str() : "-",
                        brokerView(d).c_str());
        }
    }
    std::printf("load generator  %s  %s", s.loadgen.state.c_str(), pidText(s.loadgen.process).c_str());
    if (s.loadgen.rates)
        std::printf("  produce %s, consume %s, messages of %s",
                    formatRate(s.loadgen.rates->produceBytesPerSecond).c_str(),
                    formatRate(s.loadgen.rates->consumeBytesPerSecond).c_str(),
                    formatBytes(s.loadgen.rates->messageBytes).c_str());
    std::printf("\n");
    if (s.loadgen.counters && s.loadgen.state == "running") {
        const auto &n = *s.loadgen.counters;
        const std::string lag = n.lagMessages < 0 ? "unknown" : std::to_string(n.lagMessages) + " messages";
        std::printf("  measured: in %s/s, out %s/s; produced %lld, consumed %lld messages; group lag %s\n",
                    formatBytes(static_cast<std::uint64_t>(n.produceRateMeasured)).c_str(),
                    formatBytes(static_cast<std::uint64_t>(n.consumeRateMeasured)).c_str(),
                    static_cast<long long>(n.producedMessages), static_cast<long long>(n.consumedMessages),
                    lag.c_str());
        if (!n.lastError.empty())
            std::printf("  last error: %s\n", n.lastError.c_str());
    }
    if (!s.unavailableDrills.empty()) {
        std::printf("unavailable drills (plain directories):");
        for (const auto &[name, why] : s.unavailableDrills)
            std::printf(" %s", name.c_str());
        std::printf("\n");
    }
    std::printf("logs: %s\n", (s.root / "logs").string().c_str());
}

bool LabArgs::flag(std::string_view name) { return takeFlag(m_args, name); }

core::Result<std::optional<std::string>> LabArgs::value(std::string_view name)
{
    // Every occurrence is taken; the last one wins, as with most tools.
    std::optional<std::string> found;
    for (auto it = m_args.begin(); it != m_args.end();) {
        if (*it == name) {
            if (it + 1 == m_args.end())
                return core::makeError(core::Errc::InvalidArgument, std::string(name) + " needs a value");
            found = *(it + 1);
            it = m_args.erase(it, it + 2);
        } else if (it->size() > name.size() && it->compare(0, name.size(), name) == 0 && (*it)[name.size()] == '=') {
            found = it->substr(name.size() + 1);
            it = m_args.erase(it);
        } else {
            ++it;
        }
    }
    return found;
}

core::Result<std::optional<int>> LabArgs::integer(std::string_view name)
{
    auto v = value(name);
    if (!v)
        return v.error();
    if (!*v)
        return std::optional<int>();
    int n = 0;
    const auto &s = **v;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || ptr != s.data() + s.size())
        return core::makeError(core::Errc::InvalidArgument,
                               std::string(name) + " needs a whole number, not '" + s + "'");
    return std::optional<int>(n);
}

core::Result<std::optional<std::uint64_t>> LabArgs::size(std::string_view name)
{
    auto v = value(name);
    if (!v)
        return v.error();
    if (!*v)
        return std::optional<std::uint64_t>();
    auto bytes = parseSize(**v);
    if (!bytes)
        return core::makeError(core::Errc::InvalidArgument, std::string(name) + ": " + bytes.error().message);
    return std::optional<std::uint64_t>(*bytes);
}

core::Result<std::optional<std::uint64_t>> LabArgs::rate(std::string_view name, std::uint64_t messageBytes)
{
    auto v = value(name);
    if (!v)
        return v.error();
    if (!*v)
        return std::optional<std::uint64_t>();
    auto r = parseRate(**v, messageBytes);
    if (!r)
        return core::makeError(core::Errc::InvalidArgument, std::string(name) + ": " + r.error().message);
    return std::optional<std::uint64_t>(*r);
}

core::Result<std::filesystem::path> LabArgs::root()
{
    auto v = value("--root");
    if (!v)
        return v.error();
    if (!*v)
        return LabLayout::defaultRoot();
    std::error_code ec;
    auto abs = std::filesystem::absolute(**v, ec);
    if (ec)
        return core::Error::fromErrno(ec.value(), "cannot resolve --root " + **v);
    abs = abs.lexically_normal();
    if (!abs.has_filename() && abs.has_parent_path() && abs != abs.root_path())
        abs = abs.parent_path(); // "/tmp/lab/" -> "/tmp/lab"
    return abs;
}

core::Status LabArgs::finish() const
{
    if (m_args.empty())
        return {};
    const auto &a = m_args.front();
    if (!a.empty() && a[0] == '-')
        return core::makeError(core::Errc::InvalidArgument, "unknown option '" + a + "'");
    return core::makeError(core::Errc::InvalidArgument, "unexpected argument '" + a + "'");
}

std::optional<std::string> LabArgs::positional()
{
    for (auto it = m_args.begin(); it != m_args.end(); ++it) {
        if (!it->empty() && (*it)[0] != '-') {
            std::string v = *it;
            m_args.erase(it);
            return v;
        }
    }
    return std::nullopt;
}

} // namespace spillway::app
