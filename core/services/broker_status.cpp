// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/services/broker_status.h"

#include "core/common/fileio.h"
#include "core/common/properties.h"

#include <charconv>
#include <ctime>

namespace spillway::core {
namespace {

std::optional<int> parseInt(const std::optional<std::string> &text)
{
    if (!text)
        return std::nullopt;
    int v = 0;
    const auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{} || ptr != text->data() + text->size())
        return std::nullopt;
    return v;
}

} // namespace

std::string_view toString(BrokerState state) noexcept
{
    switch (state) {
    case BrokerState::Stopped: return "stopped";
    case BrokerState::Starting: return "starting";
    case BrokerState::Running: return "running";
    case BrokerState::Stopping: return "stopping";
    case BrokerState::Crashed: return "crashed";
    case BrokerState::External: return "external";
    }
    return "unknown";
}

std::string_view toString(BrokerHealth health) noexcept
{
    switch (health) {
    case BrokerHealth::Unknown: return "unknown";
    case BrokerHealth::Healthy: return "healthy";
    case BrokerHealth::Unresponsive: return "unresponsive";
    }
    return "unknown";
}

std::string BrokerStatus::describe() const
{
    const std::string pidText = pid > 0 ? "pid " + std::to_string(pid) : std::string();
    const std::string unresponsive =
        health == BrokerHealth::Unresponsive ? ", unresponsive (" + healthDetail + ")" : std::string();
    switch (state) {
    case BrokerState::Stopped: return detail.empty() ? "stopped" : "stopped (" + detail + ")";
    case BrokerState::Starting: return "starting (" + pidText + ")";
    case BrokerState::Running:
        return "running (" + pidText + (attached ? ", started by an earlier Spillway session" : "") + ")" +
               unresponsive;
    case BrokerState::Stopping: return "stopping (" + pidText + ")";
    case BrokerState::Crashed: return "crashed (" + detail + ")";
    case BrokerState::External:
        return "running (not started by Spillway" + (pidText.empty() ? "" : ", " + pidText) + ")" + unresponsive;
    }
    return "unknown";
}

std::string utcTimestamp()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::optional<LastExitRecord> LastExitRecord::read(const std::filesystem::path &file)
{
    auto text = readFile(file);
    if (!text)
        return std::nullopt;
    auto doc = PropertiesDocument::parse(*text);
    if (!doc)
        return std::nullopt;
    LastExitRecord r;
    r.detail = doc->get("detail").value_or("exit status unknown");
    r.time = doc->get("time").value_or("");
    r.exitCode = parseInt(doc->get("exit_code"));
    r.exitSignal = parseInt(doc->get("exit_signal"));
    return r;
}

Status LastExitRecord::write(const std::filesystem::path &file) const
{
    PropertiesDocument doc;
    doc.set("time", time);
    doc.set("detail", detail);
    if (exitCode)
        doc.set("exit_code", std::to_string(*exitCode));
    if (exitSignal)
        doc.set("exit_signal", std::to_string(*exitSignal));
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    return writeFileAtomic(file, doc.serialize(), ".spillway-tmp");
}

void LastExitRecord::remove(const std::filesystem::path &file)
{
    std::error_code ec;
    std::filesystem::remove(file, ec);
}

} // namespace spillway::core
