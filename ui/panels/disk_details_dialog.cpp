// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/disk_details_dialog.h"

#include "core/measure/measure_format.h"
#include "ui/models/model_roles.h"
#include "ui/models/partition_list_model.h"
#include "ui/widgets/table_export.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace spillway::ui {

namespace measure = core::measure;

namespace {
const char *const kFields[] = {
    QT_TRANSLATE_NOOP("DiskDetailsDialog", "Directory"), QT_TRANSLATE_NOOP("DiskDetailsDialog", "State"),
    QT_TRANSLATE_NOOP("DiskDetailsDialog", "Device"),    QT_TRANSLATE_NOOP("DiskDetailsDialog", "Mount point"),
    QT_TRANSLATE_NOOP("DiskDetailsDialog", "Own mount"), QT_TRANSLATE_NOOP("DiskDetailsDialog", "Root filesystem"),
    QT_TRANSLATE_NOOP("DiskDetailsDialog", "Usage"),     QT_TRANSLATE_NOOP("DiskDetailsDialog", "Kafka data"),
    QT_TRANSLATE_NOOP("DiskDetailsDialog", "Growth"),    QT_TRANSLATE_NOOP("DiskDetailsDialog", "Source")};
QString qs(const std::string &s) { return QString::fromStdString(s); }
QString qs(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }
} // namespace

DiskDetailsDialog::DiskDetailsDialog(QWidget *parent)
    : QDialog(parent)
    , m_title(new QLabel)
    , m_form(new QFormLayout)
    , m_partitions(new PartitionListModel(this))
    , m_table(new QTableView)
{
    setWindowTitle(tr("Disk details"));
    setObjectName(QStringLiteral("diskDetailsDialog"));
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.25);
    f.setBold(true);
    m_title->setFont(f);
    for (const char *name : kFields) {
        auto *value = new QLabel;
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setWordWrap(true);
        m_form->addRow(tr(name) + QLatin1Char(':'), value);
        m_values.push_back(value);
    }
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_partitions);
    proxy->setSortRole(RawValueRole);
    m_table->setModel(proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(PartitionListModel::SizeColumn, Qt::DescendingOrder);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(PartitionListModel::TopicColumn, QHeaderView::Stretch);
    addCsvExportMenu(m_table, QStringLiteral("spillway-partitions.csv"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addLayout(m_form);
    layout->addWidget(new QLabel(tr("Partitions on this disk:")));
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(640, 620);
}

void DiskDetailsDialog::setField(int row, const QString &value)
{
    m_values[static_cast<std::size_t>(row)]->setText(value);
}

QString DiskDetailsDialog::field(const QString &name) const
{
    for (std::size_t i = 0; i < std::size(kFields); ++i)
        if (name == QLatin1String(kFields[i]))
            return m_values[i]->text();
    return {};
}

void DiskDetailsDialog::setDir(const QString &brokerName, core::BrokerId broker, const measure::LogDirSnapshot &dir)
{
    m_broker = broker;
    m_dir = dir.path;
    m_title->setText(tr("%1 on %2").arg(qs(dir.path), brokerName));
    const QString yes = tr("yes");
    const QString no = tr("no");
    int row = 0;
    setField(row++, qs(dir.path));
    QString state = !dir.exists ? tr("missing") : dir.offline ? tr("offline") : tr("online");
    if (dir.notMounted)
        state += tr(" — not mounted: %1").arg(qs(dir.notMounted->reason));
    for (const auto &e : dir.ioErrors)
        state += QLatin1Char('\n') + qs(e);
    setField(row++, state);
    setField(row++, dir.device.empty() ? tr("unknown") : qs(dir.device));
    setField(row++, dir.mountPoint.empty() ? tr("unknown") : qs(dir.mountPoint));
    setField(row++, dir.ownMountPoint ? yes : no);
    setField(row++, dir.rootFilesystem ? tr("yes — a full log dir fills the system disk") : no);
    if (dir.usage) {
        setField(row++, tr("%1 used of %2 (%3), %4 free")
                            .arg(qs(measure::formatByteSize(dir.usage->usedBytes)),
                                 qs(measure::formatByteSize(dir.usage->capacityBytes)),
                                 qs(measure::formatPercent(dir.usage->usedPercent())),
                                 qs(measure::formatByteSize(dir.usage->freeBytes))));
    } else {
        setField(row++, tr("unknown"));
    }
    setField(row++, tr("%1 in %2 partitions").arg(qs(measure::formatByteSize(dir.kafkaBytes))).arg(dir.partitionCount));
    if (dir.growth) {
        QString growth = tr("%1 (%2, %3 samples over %4)")
                             .arg(qs(measure::formatByteRatePerHour(dir.growth->perSecond)),
                                  qs(measure::toString(dir.growth->trend)))
                             .arg(dir.growth->samples)
                             .arg(qs(measure::formatDuration(static_cast<double>(dir.growth->spanMs) / 1000.0)));
        if (dir.growth->retentionActive)
            growth += tr("; retention is deleting segments");
        if (dir.usage)
            if (auto s = measure::secondsToFull(dir.usage->freeBytes, *dir.growth))
                growth += tr("\nFull in %1").arg(qs(measure::formatDuration(*s)));
        setField(row++, growth);
    } else {
        setField(row++, tr("not enough history yet"));
    }
    setField(row++, qs(measure::toString(dir.source)));
    m_partitions->setPartitions(dir.partitions);
}

} // namespace spillway::ui
