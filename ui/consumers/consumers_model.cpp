// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/consumers/consumers_model.h"

#include "core/measure/measure_format.h"

#include <string_view>
#include <unordered_map>

namespace spillway::ui {
namespace {

QString historyKey(const QString &group, const QString &topic) { return group + QLatin1Char('\n') + topic; }

QString trendText(const ConsumersModel::Row &row)
{
    if (!row.trend)
        return QObject::tr("not enough samples");
    switch (*row.trend) {
    case core::measure::Trend::Growing: return QObject::tr("growing %1 msg/s").arg(row.trendPerSecond, 0, 'f', 1);
    case core::measure::Trend::Shrinking:
        return QObject::tr("catching up %1 msg/s").arg(-row.trendPerSecond, 0, 'f', 1);
    case core::measure::Trend::Steady: return QObject::tr("steady");
    }
    return {};
}

} // namespace

ConsumersModel::ConsumersModel(QObject *parent) : QAbstractTableModel(parent) {}

void ConsumersModel::setSnapshot(const core::measure::ClusterSnapshot &snapshot)
{
    std::vector<Row> rows;
    // Which disks hold each consumed topic: one pass over every partition,
    // looking up only the topics some group reads.
    std::unordered_map<std::string_view, QStringList> disks;
    for (const auto &g : snapshot.groups)
        for (const auto &t : g.lag.topics)
            disks.try_emplace(t.topic);
    for (const auto &b : snapshot.brokers) {
        const QString broker = QString::fromStdString(b.displayName());
        for (const auto &d : b.dirs) {
            const std::string *last = nullptr;
            for (const auto &p : d.partitions) {
                if (last && *last == p.topic)
                    continue;
                auto it = disks.find(p.topic);
                if (it == disks.end())
                    continue;
                last = &p.topic;
                const QString where = broker + QLatin1Char(':') + QString::fromStdString(d.path);
                if (!it->second.contains(where))
                    it->second.push_back(where);
            }
        }
    }
    for (const auto &g : snapshot.groups) {
        const QString group = QString::fromStdString(g.lag.group);
        for (const auto &t : g.lag.topics) {
            Row row;
            row.group = group;
            row.topic = QString::fromStdString(t.topic);
            row.lag = t.lag;
            row.partitions = static_cast<int>(t.partitions);
            for (const auto &p : g.lag.partitions)
                if (p.behindLogStart && p.topic == t.topic)
                    ++row.behindLogStart;
            if (g.trend) {
                row.trend = g.trend->trend;
                row.trendPerSecond = g.trend->perSecond;
            }
            row.disks = disks[t.topic];
            rows.push_back(std::move(row));
        }
    }

    // History: append this round's lag, forget rows that are gone.
    QHash<QString, std::deque<double>> history;
    for (const auto &r : rows) {
        auto h = m_history.take(historyKey(r.group, r.topic));
        h.push_back(static_cast<double>(r.lag));
        while (h.size() > kHistory)
            h.pop_front();
        history.insert(historyKey(r.group, r.topic), std::move(h));
    }
    m_history = std::move(history);

    bool same = rows.size() == m_rows.size();
    for (std::size_t i = 0; same && i < rows.size(); ++i)
        same = rows[i].group == m_rows[i].group && rows[i].topic == m_rows[i].topic;
    if (same) {
        m_rows = std::move(rows);
        if (!m_rows.empty())
            Q_EMIT dataChanged(index(0, 0), index(static_cast<int>(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int ConsumersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ConsumersModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ConsumersModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= static_cast<int>(m_rows.size()))
        return {};
    const Row &r = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case GroupColumn: return r.group;
        case TopicColumn: return r.topic;
        case LagColumn:
            return r.behindLogStart > 0 ? tr("%L1 (%2 partitions behind log start)").arg(r.lag).arg(r.behindLogStart)
                                        : tr("%L1").arg(r.lag);
        case TrendColumn: return trendText(r);
        case PartitionsColumn: return r.partitions;
        case DisksColumn:
            return r.disks.isEmpty() ? tr("not on a disk Spillway sees") : r.disks.join(QStringLiteral(", "));
        default: return {};
        }
    case RawRole:
        switch (index.column()) {
        case GroupColumn: return r.group;
        case TopicColumn: return r.topic;
        case LagColumn: return r.lag;
        case TrendColumn: return r.trendPerSecond;
        case PartitionsColumn: return r.partitions;
        case DisksColumn: return static_cast<int>(r.disks.size());
        default: return {};
        }
    case HistoryRole: {
        QList<double> out;
        const auto it = m_history.constFind(historyKey(r.group, r.topic));
        if (it != m_history.cend())
            out = QList<double>(it->begin(), it->end());
        return QVariant::fromValue(out);
    }
    case GroupRole: return r.group;
    case TopicRole: return r.topic;
    case DisksRole: return r.disks;
    case Qt::ToolTipRole:
        if (index.column() == TrendColumn && r.trend)
            return tr("Trend of group %1's total lag over the last hour").arg(r.group);
        if (index.column() == DisksColumn)
            return tr("The lag of %1 is data kept on these disks until the group reads it.").arg(r.topic);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == LagColumn || index.column() == PartitionsColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default: return {};
    }
}

QVariant ConsumersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case GroupColumn: return tr("Group");
    case TopicColumn: return tr("Topic");
    case LagColumn: return tr("Lag (messages)");
    case TrendColumn: return tr("Trend");
    case PartitionsColumn: return tr("Partitions");
    case DisksColumn: return tr("Disks");
    case HistoryColumn: return tr("Recent lag");
    default: return {};
    }
}

} // namespace spillway::ui
