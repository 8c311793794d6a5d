// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/models/operations_model.h"

#include "ui/models/model_roles.h"
#include "ui/widgets/severity_style.h"

#include <QApplication>
#include <QDateTime>

#include <algorithm>

namespace spillway::ui {

namespace ops = core::ops;

namespace {
QString qs(const std::string &s) { return QString::fromStdString(s); }
QString qs(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

bool sameEntry(const ops::JournalEntry &a, const ops::JournalEntry &b)
{
    if (a.state != b.state || a.summary != b.summary || a.updated != b.updated || a.steps.size() != b.steps.size())
        return false;
    for (std::size_t i = 0; i < a.steps.size(); ++i)
        if (a.steps[i].state != b.steps[i].state || a.steps[i].detail != b.steps[i].detail)
            return false;
    return true;
}
} // namespace

OperationsModel::OperationsModel(QObject *parent) : QAbstractTableModel(parent) {}

void OperationsModel::update(std::vector<ops::JournalEntry> entries)
{
    std::sort(entries.begin(), entries.end(), [](const auto &a, const auto &b) { return a.id > b.id; });
    // Remove rows whose id is gone (the journal only grows, but a new file may be opened).
    for (int i = static_cast<int>(m_entries.size()) - 1; i >= 0; --i) {
        const auto id = m_entries[static_cast<std::size_t>(i)].id;
        if (std::any_of(entries.begin(), entries.end(), [&](const auto &e) { return e.id == id; }))
            continue;
        beginRemoveRows({}, i, i);
        m_entries.erase(m_entries.begin() + i);
        endRemoveRows();
    }
    // Both newest first: merge, inserting new ids where they belong.
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i < m_entries.size() && m_entries[i].id == entries[i].id) {
            if (!sameEntry(m_entries[i], entries[i])) {
                m_entries[i] = std::move(entries[i]);
                Q_EMIT dataChanged(index(static_cast<int>(i), 0), index(static_cast<int>(i), ColumnCount - 1));
            }
            continue;
        }
        const int row = static_cast<int>(i);
        beginInsertRows({}, row, row);
        m_entries.insert(m_entries.begin() + row, std::move(entries[i]));
        endInsertRows();
    }
}

void OperationsModel::setProgress(qint64 journalId, double fraction, const QString &message)
{
    m_progress[journalId] = {std::clamp(fraction, 0.0, 1.0), message};
    for (std::size_t i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].id == journalId)
            Q_EMIT dataChanged(index(static_cast<int>(i), ProgressColumn), index(static_cast<int>(i), ProgressColumn));
}

const ops::JournalEntry *OperationsModel::entry(int row) const
{
    if (row < 0 || row >= static_cast<int>(m_entries.size()))
        return nullptr;
    return &m_entries[static_cast<std::size_t>(row)];
}

int OperationsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int OperationsModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant OperationsModel::data(const QModelIndex &idx, int role) const
{
    const ops::JournalEntry *e = idx.isValid() ? entry(idx.row()) : nullptr;
    if (!e)
        return {};
    if (role == KeyRole)
        return static_cast<qlonglong>(e->id);
    const auto progress = m_progress.find(e->id);
    switch (idx.column()) {
    case IdColumn:
        if (role == Qt::DisplayRole || role == RawValueRole)
            return static_cast<qlonglong>(e->id);
        break;
    case KindColumn:
        if (role == Qt::DisplayRole)
            return qs(e->kind);
        if (role == Qt::ToolTipRole)
            return e->broker.empty() ? qs(e->params) : tr("broker %1\n%2").arg(qs(e->broker), qs(e->params));
        break;
    case StateColumn:
        if (role == Qt::DisplayRole)
            return qs(ops::toString(e->state));
        if (role == Qt::ForegroundRole && (e->state == ops::OperationState::Failed))
            return severityColor(core::measure::AlertSeverity::Critical, QApplication::palette());
        if (role == Qt::ForegroundRole && e->state == ops::OperationState::Running)
            return severityColor(core::measure::AlertSeverity::Info, QApplication::palette());
        break;
    case SummaryColumn:
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
            return qs(e->summary);
        break;
    case ProgressColumn:
        if (e->state != ops::OperationState::Running) {
            if (role == Qt::DisplayRole && e->lastStep())
                return tr("%n step(s)", nullptr, static_cast<int>(e->steps.size()));
            break;
        }
        if (progress != m_progress.end()) {
            if (role == Qt::DisplayRole)
                return QStringLiteral("%1 %").arg(progress->second.fraction * 100.0, 0, 'f', 0);
            if (role == RawValueRole)
                return progress->second.fraction * 100.0;
            if (role == Qt::ToolTipRole)
                return progress->second.message;
        } else if (role == Qt::DisplayRole) {
            const ops::JournalStep *s = e->lastStep();
            return s ? tr("step %1: %2 (%3)").arg(s->seq).arg(qs(s->name), qs(s->state)) : tr("starting");
        }
        break;
    case UpdatedColumn:
        if (role == Qt::DisplayRole)
            return QDateTime::fromMSecsSinceEpoch(e->updated).toString(QStringLiteral("d MMM HH:mm:ss"));
        if (role == RawValueRole)
            return static_cast<qlonglong>(e->updated);
        break;
    default: break;
    }
    return {};
}

QVariant OperationsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn: return tr("#");
    case KindColumn: return tr("Operation");
    case StateColumn: return tr("State");
    case SummaryColumn: return tr("Summary");
    case ProgressColumn: return tr("Progress");
    case UpdatedColumn: return tr("Updated");
    default: return {};
    }
}

void JournalStepsModel::setSteps(std::vector<ops::JournalStep> steps)
{
    beginResetModel();
    m_steps = std::move(steps);
    endResetModel();
}

int JournalStepsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_steps.size());
}

int JournalStepsModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant JournalStepsModel::data(const QModelIndex &idx, int role) const
{
    if (!idx.isValid() || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    const auto &s = m_steps[static_cast<std::size_t>(idx.row())];
    switch (idx.column()) {
    case SeqColumn: return s.seq;
    case NameColumn: return qs(s.name);
    case StateColumn: return qs(s.state);
    case DetailColumn: return qs(s.detail);
    default: return {};
    }
}

QVariant JournalStepsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeqColumn: return tr("Step");
    case NameColumn: return tr("Name");
    case StateColumn: return tr("State");
    case DetailColumn: return tr("Detail");
    default: return {};
    }
}

} // namespace spillway::ui
