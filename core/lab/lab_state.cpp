// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/lab_state.h"

#include "core/common/fileio.h"
#include "core/common/properties.h"

#include <algorithm>
#include <charconv>

namespace spillway::lab {
namespace {

std::optional<ProcessRef> processValue(const core::PropertiesDocument &doc, const std::string &prefix)
{
    const auto pid = doc.getInt(prefix + ".pid");
    const auto start = doc.getInt(prefix + ".start.time");
    if (!pid || !start || *pid <= 0)
        return std::nullopt;
    return ProcessRef{static_cast<pid_t>(*pid), static_cast<std::uint64_t>(*start)};
}

void setProcess(core::PropertiesDocument &doc, const std::string &prefix, const std::optional<ProcessRef> &ref)
{
    if (!ref)
        return;
    doc.set(prefix + ".pid", std::to_string(ref->pid));
    doc.set(prefix + ".start.time", std::to_string(ref->startTime));
}

/// "broker.1.disk.3" -> {1, 3}
std::optional<std::pair<int, int>> diskKey(std::string_view key)
{
    int broker = 0;
    int disk = 0;
    if (!key.starts_with("broker."))
        return std::nullopt;
    key.remove_prefix(7);
    auto [p1, e1] = std::from_chars(key.data(), key.data() + key.size(), broker);
    if (e1 != std::errc{})
        return std::nullopt;
    std::string_view rest(p1, static_cast<std::size_t>(key.data() + key.size() - p1));
    if (!rest.starts_with(".disk."))
        return std::nullopt;
    rest.remove_prefix(6);
    auto [p2, e2] = std::from_chars(rest.data(), rest.data() + rest.size(), disk);
    if (e2 != std::errc{})
        return std::nullopt;
    return std::make_pair(broker, disk);
}

} // namespace

BrokerRun *LabState::broker(int id)
{
    auto it = std::find_if(brokers.begin(), brokers.end(), [id](const BrokerRun &b) { return b.id == id; });
    return it == brokers.end() ? nullptr : &*it;
}

DiskRun *LabState::disk(int broker, int index)
{
    auto it = std::find_if(disks.begin(), disks.end(),
                           [&](const DiskRun &d) { return d.broker == broker && d.index == index; });
    return it == disks.end() ? nullptr : &*it;
}

DiskRun &LabState::ensureDisk(int broker, int index)
{
    if (DiskRun *d = disk(broker, index))
        return *d;
    disks.push_back(DiskRun{broker, index, false, false, std::nullopt});
    std::sort(disks.begin(), disks.end(), [](const DiskRun &a, const DiskRun &b) {
        return std::pair(a.broker, a.index) < std::pair(b.broker, b.index);
    });
    return *disk(broker, index);
}

BrokerRun &LabState::ensureBroker(int id)
{
    if (BrokerRun *b = broker(id))
        return *b;
    brokers.push_back(BrokerRun{id, 0, std::nullopt});
    return brokers.back();
}

Result<std::optional<LabState>> LabState::read(const std::filesystem::path &file)
{
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        return std::optional<LabState>();
    auto text = core::readFile(file);
    if (!text)
        return text.error();
    auto doc = core::PropertiesDocument::parse(*text);
    if (!doc)
        return doc.error();
    LabState state;
    state.mode = doc->get("disk.mode") == "plain" ? DiskMode::Plain : DiskMode::Labfs;
    state.loadgen = processValue(*doc, "loadgen");
    for (const auto &key : doc->keys()) {
        if (key.starts_with("broker.") && key.ends_with(".port") && key.find(".disk.") == std::string::npos) {
            const int id = std::atoi(key.c_str() + 7);
            BrokerRun &b = state.ensureBroker(id);
            b.port = static_cast<int>(doc->getInt(key).value_or(0));
            b.process = processValue(*doc, "broker." + std::to_string(id));
        } else if (auto d = diskKey(key); d && key.ends_with(".mounted")) {
            DiskRun &disk = state.ensureDisk(d->first, d->second);
            const std::string prefix = "broker." + std::to_string(d->first) + ".disk." + std::to_string(d->second);
            disk.mounted = doc->get(key) == "true";
            disk.unmountedByDrill = doc->get(prefix + ".unmounted.by.drill") == "true";
            disk.labfs = processValue(*doc, prefix + ".labfs");
        }
    }
    return std::optional<LabState>(std::move(state));
}

Status LabState::write(const std::filesystem::path &file) const
{
    auto doc = core::PropertiesDocument::parse("# What spillway-cli lab started and mounted; lab down removes it.\n"
                                               "# Processes are named by pid and start time (/proc/<pid>/stat).\n");
    doc->set("disk.mode", std::string(toString(mode)));
    for (const auto &b : brokers) {
        const std::string prefix = "broker." + std::to_string(b.id);
        doc->set(prefix + ".port", std::to_string(b.port));
        setProcess(*doc, prefix, b.process);
    }
    for (const auto &d : disks) {
        const std::string prefix = "broker." + std::to_string(d.broker) + ".disk." + std::to_string(d.index);
        doc->set(prefix + ".mounted", d.mounted ? "true" : "false");
        if (d.unmountedByDrill)
            doc->set(prefix + ".unmounted.by.drill", "true");
        setProcess(*doc, prefix + ".labfs", d.labfs);
    }
    setProcess(*doc, "loadgen", loadgen);
    return core::writeFileAtomic(file, doc->serialize());
}

} // namespace spillway::lab
