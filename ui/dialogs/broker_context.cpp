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

QString BrokerContext::filesUnavailableReason() const
{
    if (filesLocal)
        return {};
    // A remote broker's name is "broker 3 (kafka3:9092)"; else its name or the address used.
    const QString plain = QObject::tr("broker %1").arg(broker);
    QString where;
    if (const qsizetype open = name.lastIndexOf(QLatin1String(" (")); open > 0 && name.endsWith(QLatin1Char(')')))
        where = name.mid(open + 2, name.size() - open - 3);
    else if (!name.isEmpty() && name != plain)
        where = name;
    else
        where = bootstrap;
    return where.isEmpty()
               ? QObject::tr("%1's log dirs are on another host: Spillway can only reach them through the Kafka "
                             "protocol")
                     .arg(plain)
               : QObject::tr("%1's log dirs are on another host (%2): Spillway can only reach them through the "
                             "Kafka protocol")
                     .arg(plain, where);
}

BrokerContext BrokerContext::fromSnapshot(const core::measure::BrokerSnapshot &broker)
{
    BrokerContext c;
    c.broker = broker.id.get();
    c.name = QString::fromStdString(broker.displayName());
    c.running = broker.state == core::measure::BrokerLiveness::Up;
    c.snapshot = broker;
    c.filesLocal = std::all_of(broker.dirs.begin(), broker.dirs.end(), [](const core::measure::LogDirSnapshot &d) {
        return !d.exists || d.source == core::measure::MeasurementSource::LocalScan;
    });
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
