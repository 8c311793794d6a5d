// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/models/skew_model.h"

#include "core/measure/measure_format.h"
#include "ui/models/model_roles.h"

#include <QBrush>
#include <QColor>

#include <algorithm>
#include <cmath>

namespace spillway::ui {

namespace measure = core::measure;

namespace {
QString qs(const std::string &s) { return QString::fromStdString(s); }
/// Why BrokerSnapshot::diskLoad() leaves a dir out of the balance, or empty.
QString exclusionReason(const measure::LogDirSnapshot &d)
{
    if (d.offline)
        return QObject::tr("offline");
    if (!d.ioErrors.empty())
        return QObject::tr("I/O errors");
    if (!d.exists)
        return QObject::tr("missing");
    if (d.notMounted)
        return QObject::tr("not mounted");
    return {};
}
QString signedPercent(double p)
{
    return QStringLiteral("%1%2 %").arg(p >= 0 ? QStringLiteral("+") : QString()).arg(p, 0, 'f', 1);
}
} // namespace

SkewModel::SkewModel(QObject *parent) : QAbstractTableModel(parent) {}

void SkewModel::update(const measure::ClusterSnapshot &snapshot, const measure::SkewOptions &options)
{
    std::vector<measure::BrokerLoad> loads;
    std::vector<QString> names;
    std::vector<std::vector<ExcludedDir>> excluded;
    loads.reserve(snapshot.brokers.size());
    for (const auto &b : snapshot.brokers) {
        loads.push_back(b.diskLoad());
        names.push_back(qs(b.displayName()));
        auto &out = excluded.emplace_back();
        for (const auto &d : b.dirs) {
            if (const QString why = exclusionReason(d); !why.isEmpty())
                out.push_back({d.path, why});
        }
    }
    measure::ClusterSkew skew = measure::computeClusterSkew(loads, options);
    int diskColumns = 0;
    for (std::size_t i = 0; i < skew.brokers.size(); ++i)
        diskColumns =
            std::max(diskColumns, static_cast<int>(skew.brokers[i].disks.size() +
                                                   (i < excluded.size() ? excluded[i].size() : std::size_t{0})));

    bool sameShape = diskColumns == m_diskColumns && skew.brokers.size() == m_skew.brokers.size();
    for (std::size_t i = 0; sameShape && i < skew.brokers.size(); ++i) {
        const auto &a = skew.brokers[i];
        const auto &b = m_skew.brokers[i];
        sameShape = a.broker == b.broker && a.disks.size() == b.disks.size() &&
                    std::equal(a.disks.begin(), a.disks.end(), b.disks.begin(),
                               [](const auto &x, const auto &y) { return x.dir == y.dir; });
        sameShape = sameShape && i < excluded.size() && i < m_excluded.size() &&
                    std::equal(excluded[i].begin(), excluded[i].end(), m_excluded[i].begin(), m_excluded[i].end(),
                               [](const auto &x, const auto &y) { return x.dir == y.dir && x.reason == y.reason; });
    }
    if (!sameShape)
        beginResetModel();
    m_skew = std::move(skew);
    m_brokerNames = std::move(names);
    m_excluded = std::move(excluded);
    m_options = options;
    m_diskColumns = diskColumns;
    m_maxValue = 0;
    for (const auto &b : m_skew.brokers)
        for (const auto &d : b.disks)
            m_maxValue = std::max(m_maxValue, cellValue(d));
    if (!sameShape)
        endResetModel();
    else if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

void SkewModel::setMode(Mode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    m_maxValue = 0;
    for (const auto &b : m_skew.brokers)
        for (const auto &d : b.disks)
            m_maxValue = std::max(m_maxValue, cellValue(d));
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
}

double SkewModel::cellValue(const measure::DiskSkew &d) const
{
    return m_mode == Mode::Bytes ? static_cast<double>(d.kafkaBytes) : static_cast<double>(d.partitions);
}

bool SkewModel::outOfBalance(const measure::BrokerSkew &b, const measure::DiskSkew &d) const
{
    if (b.belowMinimum)
        return false;
    if (m_mode == Mode::Bytes)
        return !d.withinThreshold;
    return std::abs(d.partitionDeviationPercent) > m_options.thresholdPercent;
}

const measure::DiskSkew *SkewModel::disk(const QModelIndex &idx) const
{
    if (!idx.isValid() || idx.column() == kIndexColumn)
        return nullptr;
    const auto &b = m_skew.brokers[static_cast<std::size_t>(idx.row())];
    const auto col = static_cast<std::size_t>(idx.column() - 1);
    return col < b.disks.size() ? &b.disks[col] : nullptr;
}

const SkewModel::ExcludedDir *SkewModel::excluded(const QModelIndex &idx) const
{
    if (!idx.isValid() || idx.column() == kIndexColumn)
        return nullptr;
    const auto row = static_cast<std::size_t>(idx.row());
    const auto &b = m_skew.brokers[row];
    const auto col = static_cast<std::size_t>(idx.column() - 1);
    if (col < b.disks.size() || row >= m_excluded.size())
        return nullptr;
    const auto at = col - b.disks.size();
    return at < m_excluded[row].size() ? &m_excluded[row][at] : nullptr;
}

double SkewModel::heat(const QModelIndex &idx) const
{
    const auto *d = disk(idx);
    if (!d || m_maxValue <= 0)
        return 0;
    return cellValue(*d) / m_maxValue;
}

QString SkewModel::summary() const
{
    if (m_skew.brokers.empty())
        return tr("No brokers measured yet.");
    int out = 0;
    for (const auto &b : m_skew.brokers)
        for (const auto &d : b.disks)
            out += outOfBalance(b, d) ? 1 : 0;
    const double clusterIndex = m_mode == Mode::Bytes ? m_skew.skewIndexPercent : m_skew.partitionSkewIndexPercent;
    QString text =
        tr("Cluster skew index %1 (brokers vs. cluster mean). ").arg(qs(measure::formatPercent(clusterIndex)));
    text += out == 0 ? tr("Every disk is within +-%1 % of its broker's mean.").arg(m_options.thresholdPercent)
                     : tr("%n disk(s) out of balance (outside +-%1 % of the broker mean).", nullptr, out)
                           .arg(m_options.thresholdPercent);
    return text;
}

int SkewModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_skew.brokers.size());
}

int SkewModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : m_diskColumns + 1; }

QVariant SkewModel::data(const QModelIndex &idx, int role) const
{
    if (!idx.isValid())
        return {};
    const auto &b = m_skew.brokers[static_cast<std::size_t>(idx.row())];
    if (idx.column() == kIndexColumn) {
        const double index = m_mode == Mode::Bytes ? b.skewIndexPercent : b.partitionSkewIndexPercent;
        if (role == Qt::DisplayRole)
            return b.belowMinimum ? tr("%1\n(too little data)").arg(qs(measure::formatPercent(index)))
                                  : qs(measure::formatPercent(index));
        if (role == RawValueRole)
            return index;
        if (role == Qt::ToolTipRole)
            return tr("Largest deviation of a disk from the broker mean, on %1.")
                .arg(b.basis == measure::SkewBasis::Utilisation ? tr("utilisation") : tr("bytes"));
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue(Qt::AlignCenter);
        return {};
    }
    const auto *d = disk(idx);
    if (!d) {
        const auto *x = excluded(idx);
        if (!x)
            return {};
        switch (role) {
        case Qt::DisplayRole: return QStringLiteral("%1\n%2 · %3").arg(qs(x->dir), x->reason, tr("not counted"));
        case Qt::ToolTipRole:
            return tr("%1 on %2 is %3: left out of the balance (its data cannot be measured or moved there). "
                      "See the alerts for the fix.")
                .arg(qs(x->dir), m_brokerNames[static_cast<std::size_t>(idx.row())], x->reason);
        case Qt::BackgroundRole: return QBrush(QColor(180, 60, 60, 110), Qt::BDiagPattern);
        case KeyRole: return qs(x->dir);
        case Qt::TextAlignmentRole: return QVariant::fromValue(Qt::AlignCenter);
        default: return {};
        }
    }
    const double deviation = m_mode == Mode::Bytes ? d->deviationPercent : d->partitionDeviationPercent;
    const QString value = m_mode == Mode::Bytes ? qs(measure::formatByteSize(d->kafkaBytes))
                                                : tr("%n partition(s)", nullptr, static_cast<int>(d->partitions));
    switch (role) {
    case Qt::DisplayRole: return QStringLiteral("%1\n%2 · %3").arg(qs(d->dir), value, signedPercent(deviation));
    case Qt::ToolTipRole:
        return tr("%1 on %2\n%3 of Kafka data, %4 partitions\n%5 from the broker mean%6")
            .arg(qs(d->dir), m_brokerNames[static_cast<std::size_t>(idx.row())],
                 qs(measure::formatByteSize(d->kafkaBytes)))
            .arg(d->partitions)
            .arg(signedPercent(deviation))
            .arg(outOfBalance(b, *d) ? tr("\nOut of balance: move partitions off the fullest disk") : QString());
    case RawValueRole: return cellValue(*d);
    case OutOfBalanceRole: return outOfBalance(b, *d);
    case KeyRole: return qs(d->dir);
    case Qt::TextAlignmentRole: return QVariant::fromValue(Qt::AlignCenter);
    default: return {};
    }
}

QVariant SkewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section >= 0 && section < static_cast<int>(m_brokerNames.size())
                   ? m_brokerNames[static_cast<std::size_t>(section)]
                   : QVariant();
    if (section == kIndexColumn)
        return tr("Skew index");
    return tr("Disk %1").arg(section);
}

} // namespace spillway::ui
