// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/load_files.h"

#include "core/common/fileio.h"
#include "core/common/properties.h"
#include "core/lab/lab_units.h"

namespace spillway::lab {
namespace {

std::string rateText(std::uint64_t rate) { return rate == kUnlimitedRate ? std::string("-1") : std::to_string(rate); }

std::uint64_t rateValue(std::int64_t v) { return v < 0 ? kUnlimitedRate : static_cast<std::uint64_t>(v); }

Result<core::PropertiesDocument> load(const std::filesystem::path &file)
{
    auto text = core::readFile(file);
    if (!text)
        return text.error();
    return core::PropertiesDocument::parse(*text);
}

} // namespace

Result<LoadRates> LoadRates::read(const std::filesystem::path &file)
{
    auto doc = load(file);
    if (!doc)
        return doc.error();
    LoadRates r;
    if (auto v = doc->getInt("produce.bytes.per.second"))
        r.produceBytesPerSecond = rateValue(*v);
    if (auto v = doc->getInt("consume.bytes.per.second"))
        r.consumeBytesPerSecond = rateValue(*v);
    if (auto v = doc->getInt("message.bytes"); v && *v > 0 && *v <= (64 << 20))
        r.messageBytes = static_cast<std::uint32_t>(*v);
    return r;
}

Status LoadRates::write(const std::filesystem::path &file) const
{
    auto doc = core::PropertiesDocument::parse("# Rates of the lab's load generator (bytes per second; 0 pauses, -1 "
                                               "unlimited).\n# spillway-loadgen re-reads this file every second; "
                                               "change it with spillway-cli lab load.\n");
    doc->set("produce.bytes.per.second", rateText(produceBytesPerSecond));
    doc->set("consume.bytes.per.second", rateText(consumeBytesPerSecond));
    doc->set("message.bytes", std::to_string(messageBytes));
    return core::writeFileAtomic(file, doc->serialize());
}

Result<LoadStatus> LoadStatus::read(const std::filesystem::path &file)
{
    auto doc = load(file);
    if (!doc)
        return doc.error();
    LoadStatus s;
    const auto get = [&](std::string_view key, std::int64_t &target) {
        if (auto v = doc->getInt(key))
            target = *v;
    };
    get("pid", s.pid);
    get("updated.ms", s.updatedMs);
    s.topicReady = doc->get("topic.ready") == "true";
    get("produced.messages", s.producedMessages);
    get("produced.bytes", s.producedBytes);
    get("delivery.errors", s.deliveryErrors);
    get("queue.full", s.queueFull);
    get("consumed.messages", s.consumedMessages);
    get("consumed.bytes", s.consumedBytes);
    get("lag.messages", s.lagMessages);
    get("produce.bytes.per.second.measured", s.produceRateMeasured);
    get("consume.bytes.per.second.measured", s.consumeRateMeasured);
    s.lastError = doc->get("last.error").value_or("");
    return s;
}

Status LoadStatus::write(const std::filesystem::path &file) const
{
    auto doc = core::PropertiesDocument::parse("# Written by spillway-loadgen every second.\n");
    doc->set("pid", std::to_string(pid));
    doc->set("updated.ms", std::to_string(updatedMs));
    doc->set("topic.ready", topicReady ? "true" : "false");
    doc->set("produced.messages", std::to_string(producedMessages));
    doc->set("produced.bytes", std::to_string(producedBytes));
    doc->set("delivery.errors", std::to_string(deliveryErrors));
    doc->set("queue.full", std::to_string(queueFull));
    doc->set("consumed.messages", std::to_string(consumedMessages));
    doc->set("consumed.bytes", std::to_string(consumedBytes));
    doc->set("lag.messages", std::to_string(lagMessages));
    doc->set("produce.bytes.per.second.measured", std::to_string(produceRateMeasured));
    doc->set("consume.bytes.per.second.measured", std::to_string(consumeRateMeasured));
    doc->set("last.error", lastError);
    return core::writeFileAtomic(file, doc->serialize());
}

} // namespace spillway::lab
