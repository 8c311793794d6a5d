// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/models/cluster_tree_model.h"

#include "core/measure/measure_format.h"
#include "ui/models/model_roles.h"
#include "ui/widgets/severity_style.h"

#include <QApplication>
#include <QPalette>

#include <algorithm>
#include <map>
#include <tuple>

namespace spillway::ui {

namespace measure = core::measure;

struct ClusterTreeModel::Node {
    NodeKind kind;
    int row = 0;
    explicit Node(NodeKind k) : kind(k) {}
};

struct ClusterTreeModel::PartitionRow {
    std::string topic;
    int partition = 0;
    std::int64_t bytes = 0;
    bool future = false;
    [[nodiscard]] auto key() const { return std::tie(topic, partition, future); }
};

struct ClusterTreeModel::DirNode : Node {
    DirNode() : Node(NodeKind::Dir) {}
    BrokerNode *broker = nullptr;
    std::string path;
    QString state;
    QString stateDetail;
    std::optional<measure::FilesystemUsage> usage;
    std::int64_t kafkaBytes = 0;
    std::int64_t partitionCount = 0;
    int severity = -1;
    QString alertText;
    QString growthText;
    const measure::LogDirSnapshot *source = nullptr; ///< in m_snapshot, for fetchMore
    bool fetched = false;
    std::vector<PartitionRow> partitions; ///< sorted by key; filled once fetched
};

struct ClusterTreeModel::BrokerNode : Node {
    BrokerNode() : Node(NodeKind::Broker) {}
    core::BrokerId id{0};
    QString name;
    QString state;
    QString stateDetail;
    measure::BrokerLiveness liveness = measure::BrokerLiveness::Unknown;
    std::int64_t kafkaBytes = 0;
    int severity = -1;
    QString alertText;
    std::vector<std::unique_ptr<DirNode>> dirs;
};

namespace {

QString qs(const std::string &s) { return QString::fromStdString(s); }

/// A size cell: formatted text, the raw number for sorting, right-aligned.
QVariant bytesCell(std::int64_t bytes, int role)
{
    if (role == Qt::DisplayRole)
        return qs(measure::formatByteSize(bytes));
    if (role == RawValueRole)
        return static_cast<qlonglong>(bytes);
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

/// The alert cell of a broker or dir: icon and word of its most severe
/// alert (severity -1: none), the alerts' text as tooltip.
QVariant alertCell(int severity, const QString &alertText, int role, const QPalette &pal)
{
    if (severity < 0)
        return {};
    const auto level = static_cast<measure::AlertSeverity>(severity);
    if (role == Qt::DecorationRole)
        return severityIcon(level, pal);
    if (role == Qt::DisplayRole)
        return severityText(level);
    if (role == Qt::ToolTipRole)
        return alertText;
    return {};
}

QString livenessText(measure::BrokerLiveness state)
{
    switch (state) {
    case measure::BrokerLiveness::Up: return ClusterTreeModel::tr("up");
    case measure::BrokerLiveness::Down: return ClusterTreeModel::tr("down");
    case measure::BrokerLiveness::Crashed: return ClusterTreeModel::tr("crashed");
    case measure::BrokerLiveness::Unknown: break;
    }
    return ClusterTreeModel::tr("not supervised");
}

QString dirStateText(const measure::LogDirSnapshot &dir)
{
    if (!dir.exists)
        return ClusterTreeModel::tr("missing");
    if (dir.offline)
        return ClusterTreeModel::tr("offline");
    if (dir.notMounted)
        return ClusterTreeModel::tr("not mounted");
    return ClusterTreeModel::tr("online");
}

/// The most severe alert matching `pred`: severity (or -1) and its text.
template <typename Pred>
std::pair<int, QString> worstAlert(std::span<const measure::Alert> alerts, Pred pred)
{
    int worst = -1;
    QString text;
    for (const auto &a : alerts) {
        if (!pred(a))
            continue;
        const int sev = static_cast<int>(a.severity);
        if (sev > worst) {
            worst = sev;
            text = qs(a.text);
        }
    }
    return {worst, text};
}

std::vector<ClusterTreeModel::PartitionRow> sortedPartitions(const measure::LogDirSnapshot &dir)
{
    std::vector<ClusterTreeModel::PartitionRow> rows;
    rows.reserve(dir.partitions.size());
    for (const auto &p : dir.partitions)
        rows.push_back({p.topic, p.partition.get(), p.bytes, p.isFuture});
    std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) { return a.key() < b.key(); });
    return rows;
}

// Runs of removals or insertions above this are applied as one remove-all
// plus one insert-all for the dir: the per-run vector shifting would cost
// more than the views' work on a full refill.
constexpr std::size_t kMaxRuns = 256;

} // namespace

ClusterTreeModel::ClusterTreeModel(QObject *parent) : QAbstractItemModel(parent) {}
ClusterTreeModel::~ClusterTreeModel() = default;

void ClusterTreeModel::setThresholds(double warnPercent, double criticalPercent)
{
    m_warnPercent = warnPercent;
    m_criticalPercent = criticalPercent;
}

void ClusterTreeModel::update(std::shared_ptr<const measure::ClusterSnapshot> snapshot,
                              std::span<const measure::Alert> alerts)
{
    if (!snapshot)
        return;
    std::vector<const measure::BrokerSnapshot *> wanted;
    for (const auto &b : snapshot->brokers)
        wanted.push_back(&b);
    std::sort(wanted.begin(), wanted.end(), [](auto *a, auto *b) { return a->id.get() < b->id.get(); });

    // Remove brokers that are gone (from the back, so rows stay valid).
    for (int i = static_cast<int>(m_brokers.size()) - 1; i >= 0; --i) {
        const auto id = m_brokers[static_cast<std::size_t>(i)]->id;
        const bool keep = std::any_of(wanted.begin(), wanted.end(), [&](auto *b) { return b->id == id; });
        if (keep)
            continue;
        beginRemoveRows({}, i, i);
        m_brokers.erase(m_brokers.begin() + i);
        for (std::size_t r = static_cast<std::size_t>(i); r < m_brokers.size(); ++r)
            m_brokers[r]->row = static_cast<int>(r);
        endRemoveRows();
    }
    // Insert new brokers at their sorted place; both lists are sorted by id.
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        if (i < m_brokers.size() && m_brokers[i]->id == wanted[i]->id)
            continue;
        auto node = std::make_unique<BrokerNode>();
        node->id = wanted[i]->id;
        const int row = static_cast<int>(i);
        beginInsertRows({}, row, row);
        m_brokers.insert(m_brokers.begin() + row, std::move(node));
        for (std::size_t r = i; r < m_brokers.size(); ++r)
            m_brokers[r]->row = static_cast<int>(r);
        endInsertRows();
    }
    // The new snapshot must be held before dirs point into it.
    auto previous = std::move(m_snapshot);
    m_snapshot = std::move(snapshot);
    for (std::size_t i = 0; i < wanted.size(); ++i)
        updateBroker(*m_brokers[i], *wanted[i], alerts);
}

void ClusterTreeModel::updateBroker(BrokerNode &node, const measure::BrokerSnapshot &broker,
                                    std::span<const measure::Alert> alerts)
{
    const QString name = qs(broker.displayName());
    const QString state = livenessText(broker.state);
    std::int64_t bytes = 0;
    for (const auto &d : broker.dirs)
        bytes += d.kafkaBytes;
    const auto [sev, text] = worstAlert(alerts, [&](const measure::Alert &a) { return a.broker == broker.id; });
    const QString detail = qs(broker.stateDetail);
    if (name != node.name || state != node.state || bytes != node.kafkaBytes || sev != node.severity ||
        text != node.alertText || detail != node.stateDetail) {
        node.name = name;
        node.state = state;
        node.stateDetail = detail;
        node.liveness = broker.state;
        node.kafkaBytes = bytes;
        node.severity = sev;
        node.alertText = text;
        Q_EMIT dataChanged(indexOf(&node, 0), indexOf(&node, ColumnCount - 1));
    }

    const QModelIndex parentIndex = indexOf(&node, 0);
    // Dirs: remove those gone, insert new ones at their snapshot position.
    for (int i = static_cast<int>(node.dirs.size()) - 1; i >= 0; --i) {
        const std::string &path = node.dirs[static_cast<std::size_t>(i)]->path;
        const bool keep =
            std::any_of(broker.dirs.begin(), broker.dirs.end(), [&](const auto &d) { return d.path == path; });
        if (keep)
            continue;
        beginRemoveRows(parentIndex, i, i);
        node.dirs.erase(node.dirs.begin() + i);
        for (std::size_t r = static_cast<std::size_t>(i); r < node.dirs.size(); ++r)
            node.dirs[r]->row = static_cast<int>(r);
        endRemoveRows();
    }
    for (std::size_t i = 0; i < broker.dirs.size(); ++i) {
        const auto &d = broker.dirs[i];
        auto it = std::find_if(node.dirs.begin(), node.dirs.end(), [&](const auto &n) { return n->path == d.path; });
        if (it == node.dirs.end()) {
            auto dirNode = std::make_unique<DirNode>();
            dirNode->broker = &node;
            dirNode->path = d.path;
            const int row = static_cast<int>(std::min(i, node.dirs.size()));
            beginInsertRows(parentIndex, row, row);
            node.dirs.insert(node.dirs.begin() + row, std::move(dirNode));
            for (std::size_t r = static_cast<std::size_t>(row); r < node.dirs.size(); ++r)
                node.dirs[r]->row = static_cast<int>(r);
            endInsertRows();
            it = node.dirs.begin() + row;
        }
        updateDir(**it, d, alerts, broker);
    }
}

void ClusterTreeModel::updateDir(DirNode &node, const measure::LogDirSnapshot &dir,
                                 std::span<const measure::Alert> alerts, const measure::BrokerSnapshot &broker)
{
    node.source = &dir;
    const QString state = dirStateText(dir);
    QString detail;
    if (!dir.ioErrors.empty())
        detail = qs(dir.ioErrors.front());
    else if (dir.notMounted)
        detail = qs(dir.notMounted->reason);
    const auto [sev, text] =
        worstAlert(alerts, [&](const measure::Alert &a) { return a.broker == broker.id && a.dir == dir.path; });
    QString growth;
    if (dir.growth && dir.usage) {
        growth = qs(measure::formatByteRatePerHour(dir.growth->perSecond));
        if (auto s = measure::secondsToFull(dir.usage->freeBytes, *dir.growth))
            growth += tr(", full in %1").arg(qs(measure::formatDuration(*s)));
    }
    const bool usageSame = node.usage.has_value() == dir.usage.has_value() &&
                           (!dir.usage || (node.usage->usedBytes == dir.usage->usedBytes &&
                                           node.usage->capacityBytes == dir.usage->capacityBytes &&
                                           node.usage->freeBytes == dir.usage->freeBytes));
    if (!usageSame || state != node.state || detail != node.stateDetail || dir.kafkaBytes != node.kafkaBytes ||
        dir.partitionCount != node.partitionCount || sev != node.severity || text != node.alertText ||
        growth != node.growthText) {
        node.usage = dir.usage;
        node.state = state;
        node.stateDetail = detail;
        node.kafkaBytes = dir.kafkaBytes;
        node.partitionCount = dir.partitionCount;
        node.severity = sev;
        node.alertText = text;
        node.growthText = growth;
        Q_EMIT dataChanged(indexOf(&node, 0), indexOf(&node, ColumnCount - 1));
    }
    if (node.fetched)
        syncPartitions(node, dir);
}

void ClusterTreeModel::syncPartitions(DirNode &node, const measure::LogDirSnapshot &dir)
{
    std::vector<PartitionRow> fresh = sortedPartitions(dir);
    auto &old = node.partitions;
    const QModelIndex parentIndex = indexOf(&node, 0);

    // Which rows survive and which are new (both sorted: one merge pass).
    std::vector<char> keep(old.size(), 0);
    std::vector<char> known(fresh.size(), 0);
    {
        std::size_t i = 0, j = 0;
        while (i < old.size() && j < fresh.size()) {
            if (old[i].key() < fresh[j].key()) {
                ++i;
            } else if (fresh[j].key() < old[i].key()) {
                ++j;
            } else {
                keep[i++] = 1;
                known[j++] = 1;
            }
        }
    }
    const auto runs = [](const std::vector<char> &flags) {
        std::size_t n = 0;
        for (std::size_t k = 0; k < flags.size(); ++k)
            if (!flags[k] && (k == 0 || flags[k - 1]))
                ++n;
        return n;
    };

    if (runs(keep) > kMaxRuns || runs(known) > kMaxRuns) {
        // Too scattered to apply run by run: refill the dir.
        if (!old.empty()) {
            beginRemoveRows(parentIndex, 0, static_cast<int>(old.size()) - 1);
            old.clear();
            endRemoveRows();
        }
        if (!fresh.empty()) {
            beginInsertRows(parentIndex, 0, static_cast<int>(fresh.size()) - 1);
            old = std::move(fresh);
            endInsertRows();
        }
        return;
    }

    // Removals, last run first.
    for (std::size_t end = old.size(); end > 0;) {
        if (keep[end - 1]) {
            --end;
            continue;
        }
        std::size_t begin = end - 1;
        while (begin > 0 && !keep[begin - 1])
            --begin;
        beginRemoveRows(parentIndex, static_cast<int>(begin), static_cast<int>(end) - 1);
        old.erase(old.begin() + static_cast<std::ptrdiff_t>(begin), old.begin() + static_cast<std::ptrdiff_t>(end));
        endRemoveRows();
        end = begin;
    }

    // Insertions in order; `old` is now a sorted subset of `fresh`, so row i
    // of `fresh` is row i of `old` once the runs before it are inserted.
    int firstChanged = -1;
    int lastChanged = -1;
    for (std::size_t i = 0; i < fresh.size();) {
        if (i < old.size() && old[i].key() == fresh[i].key()) {
            if (old[i].bytes != fresh[i].bytes) {
                old[i].bytes = fresh[i].bytes;
                if (firstChanged < 0)
                    firstChanged = static_cast<int>(i);
                lastChanged = static_cast<int>(i);
            }
            ++i;
            continue;
        }
        std::size_t end = i + 1;
        while (end < fresh.size() && (i >= old.size() || !(old[i].key() == fresh[end].key())))
            ++end;
        beginInsertRows(parentIndex, static_cast<int>(i), static_cast<int>(end) - 1);
        old.insert(old.begin() + static_cast<std::ptrdiff_t>(i),
                   std::make_move_iterator(fresh.begin() + static_cast<std::ptrdiff_t>(i)),
                   std::make_move_iterator(fresh.begin() + static_cast<std::ptrdiff_t>(end)));
        endInsertRows();
        i = end;
    }
    if (firstChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged, SizeColumn, parentIndex), index(lastChanged, SizeColumn, parentIndex));
}

std::optional<ClusterTreeModel::Location> ClusterTreeModel::location(const QModelIndex &idx) const
{
    if (!idx.isValid() || idx.model() != this)
        return std::nullopt;
    auto *parentNode = static_cast<Node *>(idx.internalPointer());
    if (!parentNode)
        return Location{m_brokers[static_cast<std::size_t>(idx.row())]->id, {}, {}, -1};
    if (parentNode->kind == NodeKind::Broker) {
        auto *b = static_cast<BrokerNode *>(parentNode);
        return Location{b->id, b->dirs[static_cast<std::size_t>(idx.row())]->path, {}, -1};
    }
    auto *d = static_cast<DirNode *>(parentNode);
    const auto &p = d->partitions[static_cast<std::size_t>(idx.row())];
    return Location{d->broker->id, d->path, p.topic, p.partition};
}

QModelIndex ClusterTreeModel::indexOfDir(core::BrokerId broker, const std::string &dir) const
{
    for (const auto &b : m_brokers) {
        if (b->id != broker)
            continue;
        for (const auto &d : b->dirs)
            if (d->path == dir)
                return indexOf(d.get(), 0);
    }
    return {};
}

QModelIndex ClusterTreeModel::indexOf(const Node *node, int column) const
{
    if (node->kind == NodeKind::Broker)
        return createIndex(node->row, column, nullptr);
    auto *dir = static_cast<const DirNode *>(node);
    return createIndex(node->row, column, static_cast<Node *>(dir->broker));
}

QModelIndex ClusterTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount || !hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, nullptr);
    auto *grand = static_cast<Node *>(parent.internalPointer());
    if (!grand)
        return createIndex(row, column, static_cast<Node *>(m_brokers[static_cast<std::size_t>(parent.row())].get()));
    if (grand->kind == NodeKind::Broker) {
        auto *b = static_cast<BrokerNode *>(grand);
        return createIndex(row, column, static_cast<Node *>(b->dirs[static_cast<std::size_t>(parent.row())].get()));
    }
    return {};
}

QModelIndex ClusterTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    auto *p = static_cast<Node *>(child.internalPointer());
    if (!p)
        return {};
    return indexOf(p, 0);
}

int ClusterTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_brokers.size());
    if (parent.column() != 0)
        return 0;
    auto *grand = static_cast<Node *>(parent.internalPointer());
    if (!grand)
        return static_cast<int>(m_brokers[static_cast<std::size_t>(parent.row())]->dirs.size());
    if (grand->kind == NodeKind::Broker)
        return static_cast<int>(
            static_cast<BrokerNode *>(grand)->dirs[static_cast<std::size_t>(parent.row())]->partitions.size());
    return 0;
}

int ClusterTreeModel::columnCount(const QModelIndex &) const { return ColumnCount; }

bool ClusterTreeModel::hasChildren(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return !m_brokers.empty();
    if (parent.column() != 0)
        return false;
    auto *grand = static_cast<Node *>(parent.internalPointer());
    if (!grand)
        return !m_brokers[static_cast<std::size_t>(parent.row())]->dirs.empty();
    if (grand->kind == NodeKind::Broker) {
        const auto &d = static_cast<BrokerNode *>(grand)->dirs[static_cast<std::size_t>(parent.row())];
        return d->fetched ? !d->partitions.empty() : (d->source && !d->source->partitions.empty());
    }
    return false;
}

bool ClusterTreeModel::canFetchMore(const QModelIndex &parent) const
{
    if (!parent.isValid() || parent.column() != 0)
        return false;
    auto *grand = static_cast<Node *>(parent.internalPointer());
    if (!grand || grand->kind != NodeKind::Broker)
        return false;
    const auto &d = static_cast<BrokerNode *>(grand)->dirs[static_cast<std::size_t>(parent.row())];
    return !d->fetched && d->source && !d->source->partitions.empty();
}

void ClusterTreeModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    auto *grand = static_cast<BrokerNode *>(parent.internalPointer());
    auto &d = *grand->dirs[static_cast<std::size_t>(parent.row())];
    std::vector<PartitionRow> rows = sortedPartitions(*d.source);
    d.fetched = true;
    if (rows.empty())
        return;
    beginInsertRows(parent, 0, static_cast<int>(rows.size()) - 1);
    d.partitions = std::move(rows);
    endInsertRows();
}

QVariant ClusterTreeModel::data(const QModelIndex &idx, int role) const
{
    if (!idx.isValid())
        return {};
    auto *grand = static_cast<Node *>(idx.internalPointer());
    const auto row = static_cast<std::size_t>(idx.row());
    if (!grand)
        return brokerData(*m_brokers[row], idx.column(), role);
    if (grand->kind == NodeKind::Broker)
        return dirData(*static_cast<BrokerNode *>(grand)->dirs[row], idx.column(), role);
    auto *dir = static_cast<DirNode *>(grand);
    return partitionData(*dir, dir->partitions[row], idx.column(), role);
}

QVariant ClusterTreeModel::brokerData(const BrokerNode &node, int column, int role) const
{
    if (role == NodeKindRole)
        return static_cast<int>(NodeKind::Broker);
    if (role == KeyRole)
        return QStringLiteral("broker/%1").arg(node.id.get());
    if (role == SeverityRole)
        return node.severity;
    const QPalette pal = QApplication::palette();
    switch (column) {
    case NameColumn:
        if (role == Qt::DisplayRole)
            return node.name;
        if (role == Qt::ToolTipRole)
            return tr("%1: %2 log dirs, %3 of Kafka data")
                .arg(node.name)
                .arg(node.dirs.size())
                .arg(qs(measure::formatByteSize(node.kafkaBytes)));
        break;
    case SizeColumn: return bytesCell(node.kafkaBytes, role);
    case StateColumn:
        if (role == Qt::DisplayRole)
            return node.state;
        if (role == Qt::ToolTipRole && !node.stateDetail.isEmpty())
            return node.stateDetail;
        if (role == Qt::ForegroundRole && node.liveness == measure::BrokerLiveness::Crashed)
            return severityColor(measure::AlertSeverity::Critical, pal);
        if (role == Qt::ForegroundRole && node.liveness == measure::BrokerLiveness::Down)
            return severityColor(measure::AlertSeverity::Warning, pal);
        break;
    case AlertColumn: return alertCell(node.severity, node.alertText, role, pal);
    default: break;
    }
    return {};
}

QVariant ClusterTreeModel::dirData(const DirNode &node, int column, int role) const
{
    if (role == NodeKindRole)
        return static_cast<int>(NodeKind::Dir);
    if (role == KeyRole)
        return QStringLiteral("broker/%1:%2").arg(node.broker->id.get()).arg(qs(node.path));
    if (role == SeverityRole)
        return node.severity;
    const QPalette pal = QApplication::palette();
    switch (column) {
    case NameColumn:
        if (role == Qt::DisplayRole)
            return qs(node.path);
        if (role == Qt::ToolTipRole) {
            QString tip = tr("%1 on %2: %3 partitions, %4 of Kafka data")
                              .arg(qs(node.path), node.broker->name)
                              .arg(node.partitionCount)
                              .arg(qs(measure::formatByteSize(node.kafkaBytes)));
            if (!node.growthText.isEmpty())
                tip += tr("\nGrowth: %1").arg(node.growthText);
            return tip;
        }
        break;
    case UsageColumn:
        if (!node.usage)
            break;
        if (role == Qt::DisplayRole)
            return qs(measure::formatPercent(node.usage->usedPercent()));
        if (role == RawValueRole)
            return node.usage->usedPercent();
        if (role == Qt::ToolTipRole)
            return tr("%1 used of %2, %3 free")
                .arg(qs(measure::formatByteSize(node.usage->usedBytes)),
                     qs(measure::formatByteSize(node.usage->capacityBytes)),
                     qs(measure::formatByteSize(node.usage->freeBytes)));
        break;
    case SizeColumn: return bytesCell(node.kafkaBytes, role);
    case StateColumn:
        if (role == Qt::DisplayRole)
            return node.state;
        if (role == Qt::ToolTipRole && !node.stateDetail.isEmpty())
            return node.stateDetail;
        if (role == Qt::ForegroundRole && node.state != tr("online"))
            return severityColor(measure::AlertSeverity::Critical, pal);
        break;
    case AlertColumn: return alertCell(node.severity, node.alertText, role, pal);
    default: break;
    }
    return {};
}

QVariant ClusterTreeModel::partitionData(const DirNode &dir, const PartitionRow &row, int column, int role) const
{
    if (role == NodeKindRole)
        return static_cast<int>(NodeKind::Partition);
    if (role == KeyRole)
        return QStringLiteral("broker/%1:%2/%3-%4")
            .arg(dir.broker->id.get())
            .arg(qs(dir.path), qs(row.topic))
            .arg(row.partition);
    if (role == SeverityRole)
        return -1;
    switch (column) {
    case NameColumn:
        if (role == Qt::DisplayRole)
            return QStringLiteral("%1-%2").arg(qs(row.topic)).arg(row.partition);
        break;
    case SizeColumn: return bytesCell(row.bytes, role);
    case StateColumn:
        if (role == Qt::DisplayRole && row.future)
            return tr("future (copy in progress)");
        break;
    default: break;
    }
    return {};
}

QVariant ClusterTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Name");
    case UsageColumn: return tr("Used");
    case SizeColumn: return tr("Kafka data");
    case StateColumn: return tr("State");
    case AlertColumn: return tr("Alert");
    default: return {};
    }
}

} // namespace spillway::ui
