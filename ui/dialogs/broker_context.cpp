// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/broker_context.h"

#include <QObject>

#include <algorithm>

namespace spillway::ui {

std::vector<std::filesystem::path> BrokerContext::logDirs() const
{
    std::vector<std::filesystem::path> out;
    out.reserve(dirs.size());
    for (const auto &d : dirs)
        out.emplace_back(d.path.toStdString());
    return out;
}

const BrokerContext::Dir *BrokerContext::dir(const QString &path) const
{
    for (const auto &d : dirs)
        if (d.path == path)
            return &d;
    return nullptr;
}

QString BrokerContext::label() const
{
    return name.isEmpty() ? QObject::tr("broker %1").arg(broker) : QObject::tr("%1 (id %2)").arg(name).arg(broker);
}

BrokerContext BrokerContext::fromSnapshot(const core::measure::BrokerSnapshot &broker)
{
    BrokerContext c;
    c.broker = broker.id.get();
    c.name = QString::fromStdString(broker.displayName());
    c.running = broker.state == core::measure::BrokerLiveness::Up;
    c.snapshot = broker;
    for (const auto &d : broker.dirs) {
        Dir dir;
        dir.path = QString::fromStdString(d.path);
        dir.kafkaBytes = d.kafkaBytes;
        dir.freeBytes = d.usage ? d.usage->freeBytes : -1;
        dir.offline = d.offline || !d.exists;
        dir.partitions.reserve(d.partitions.size());
        for (const auto &p : d.partitions)
            if (!p.isFuture)
                dir.partitions.push_back({QString::fromStdString(p.topic), p.partition.get(), p.bytes});
        std::sort(dir.partitions.begin(), dir.partitions.end(),
                  [](const Partition &a, const Partition &b) { return a.bytes > b.bytes; });
        c.dirs.push_back(std::move(dir));
    }
    return c;
}

} // namespace spillway::ui
