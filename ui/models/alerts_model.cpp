// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/models/alerts_model.h"

#include "ui/models/model_roles.h"
#include "ui/widgets/severity_style.h"

#include <QApplication>
#include <QDateTime>

#include <algorithm>

namespace spillway::ui {

namespace measure = core::measure;

AlertsModel::AlertsModel(QObject *parent) : QAbstractTableModel(parent) {}

void AlertsModel::update(std::span<const measure::Alert> alerts)
{
    for (int i = static_cast<int>(m_alerts.size()) - 1; i >= 0; --i) {
        const auto &key = m_alerts[static_cast<std::size_t>(i)].key;
        if (std::any_of(alerts.begin(), alerts.end(), [&](const auto &a) { return a.key == key; }))
            continue;
        beginRemoveRows({}, i, i);
        m_alerts.erase(m_alerts.begin() + i);
        endRemoveRows();
    }
    std::vector<measure::Alert> added;
    for (const auto &a : alerts) {
        auto it = std::find_if(m_alerts.begin(), m_alerts.end(), [&](const auto &m) { return m.key == a.key; });
        if (it == m_alerts.end()) {
            added.push_back(a);
            continue;
        }
        const bool changed = it->severity != a.severity || it->text != a.text || it->acknowledged != a.acknowledged ||
                             it->lastSeenMs != a.lastSeenMs || it->firstSeenMs != a.firstSeenMs || !(it->fix == a.fix);
        if (changed) {
            *it = a;
            const int row = static_cast<int>(it - m_alerts.begin());
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
    if (!added.empty()) {
        const int first = static_cast<int>(m_alerts.size());
        beginInsertRows({}, first, first + static_cast<int>(added.size()) - 1);
        std::move(added.begin(), added.end(), std::back_inserter(m_alerts));
        endInsertRows();
    }
}

const measure::Alert *AlertsModel::alert(int row) const
{
    if (row < 0 || row >= static_cast<int>(m_alerts.size()))
        return nullptr;
    return &m_alerts[static_cast<std::size_t>(row)];
}

int AlertsModel::rowOfKey(const QString &key) const
{
    const std::string k = key.toStdString();
    for (std::size_t i = 0; i < m_alerts.size(); ++i)
        if (m_alerts[i].key == k)
            return static_cast<int>(i);
    return -1;
}

void AlertsModel::acknowledge(int row)
{
    if (row < 0 || row >= static_cast<int>(m_alerts.size()))
        return;
    auto &a = m_alerts[static_cast<std::size_t>(row)];
    if (!a.acknowledged) {
        a.acknowledged = true;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
    Q_EMIT acknowledgeRequested(QString::fromStdString(a.key));
}

bool AlertsModel::requestFix(int row)
{
    const measure::Alert *a = alert(row);
    if (!a || a->fix.kind == measure::FixKind::None)
        return false;
    Q_EMIT fixRequested(a->fix);
    return true;
}

QString AlertsModel::fixButtonText(const measure::FixAction &fix)
{
    switch (fix.kind) {
    case measure::FixKind::None: return {};
    case measure::FixKind::SwapDisk: return tr("Swap disk...");
    case measure::FixKind::ShrinkRetention: return tr("Shrink retention...");
    case measure::FixKind::RebuildIndex: return tr("Rebuild index...");
    case measure::FixKind::MovePartitions: return tr("Move partitions...");
    case measure::FixKind::Rebalance: return tr("Rebalance (advice)...");
    case measure::FixKind::StartBroker: return tr("Start broker...");
    case measure::FixKind::AddReplicas: return tr("Add replicas (advice)...");
    case measure::FixKind::InspectConsumer: return tr("Inspect consumer...");
    case measure::FixKind::MountDisk: return tr("Mount disk...");
    }
    return {};
}

int AlertsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_alerts.size());
}

int AlertsModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant AlertsModel::data(const QModelIndex &idx, int role) const
{
    const measure::Alert *a = idx.isValid() ? alert(idx.row()) : nullptr;
    if (!a)
        return {};
    if (role == KeyRole)
        return QString::fromStdString(a->key);
    if (role == SeverityRole)
        return static_cast<int>(a->severity);
    const QPalette pal = QApplication::palette();
    switch (idx.column()) {
    case SeverityColumn:
        if (role == Qt::DisplayRole)
            return severityText(a->severity);
        if (role == Qt::DecorationRole)
            return severityIcon(a->severity, pal);
        if (role == Qt::ForegroundRole)
            return severityColor(a->severity, pal);
        if (role == RawValueRole)
            return static_cast<int>(a->severity);
        break;
    case TimeColumn:
        if (role == Qt::DisplayRole)
            return QDateTime::fromMSecsSinceEpoch(a->firstSeenMs).toString(QStringLiteral("d MMM HH:mm:ss"));
        if (role == Qt::ToolTipRole)
            return tr("First seen %1, last seen %2")
                .arg(QDateTime::fromMSecsSinceEpoch(a->firstSeenMs).toString(Qt::ISODate),
                     QDateTime::fromMSecsSinceEpoch(a->lastSeenMs).toString(Qt::ISODate));
        if (role == RawValueRole)
            return static_cast<qlonglong>(a->firstSeenMs);
        break;
    case TextColumn:
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
            return QString::fromStdString(a->text);
        break;
    case FixColumn:
        if (role == Qt::DisplayRole && a->fix.kind != measure::FixKind::None)
            return QString::fromStdString(a->fix.describe());
        if (role == Qt::ToolTipRole && a->fix.adviceOnly)
            return tr("Spillway explains this fix but does not run it");
        break;
    case AcknowledgedColumn:
        if (role == Qt::DisplayRole)
            return a->acknowledged ? tr("yes") : tr("no");
        if (role == RawValueRole)
            return a->acknowledged;
        break;
    default: break;
    }
    return {};
}

QVariant AlertsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn: return tr("Severity");
    case TimeColumn: return tr("Since");
    case TextColumn: return tr("Alert");
    case FixColumn: return tr("Fix");
    case AcknowledgedColumn: return tr("Acknowledged");
    default: return {};
    }
}

} // namespace spillway::ui
