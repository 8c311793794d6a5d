// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/move_dialog.h"

#include "core/measure/measure_format.h"
#include "core/ops/online_move.h"
#include "core/ops/partition_move.h"

#include <QComboBox>
#include <QFormLayout>
#include <QSpinBox>
#include <QStandardItemModel>

#include <limits>

namespace spillway::ui {
namespace {

constexpr int kTopicRole = Qt::UserRole;
constexpr int kPartitionRole = Qt::UserRole + 1;
constexpr std::size_t kMaxListed = 1000; ///< the largest; a preselected one is added

QString partitionText(const QString &topic, int partition, qint64 bytes)
{
    return bytes >= 0 ? QObject::tr("%1-%2 (%3)")
                            .arg(topic)
                            .arg(partition)
                            .arg(QString::fromStdString(core::measure::formatByteSize(bytes)))
                      : QObject::tr("%1-%2").arg(topic).arg(partition);
}

} // namespace

MoveDialog::MoveDialog(BrokerContext broker, OperationRunner *runner, QWidget *parent)
    : OperationDialog(runner, parent)
    , m_broker(std::move(broker))
    , m_source(new QComboBox)
    , m_partition(new QComboBox)
    , m_destination(new QComboBox)
    , m_mode(new QComboBox)
    , m_throttle(new QSpinBox)
{
    setWindowTitle(tr("Move a partition on %1").arg(m_broker.label()));
    setObjectName(QStringLiteral("moveDialog"));
    for (const auto &d : m_broker.dirs)
        m_source->addItem(d.path, d.path);
    m_mode->addItem(tr("Offline (broker stopped): copy, verify, switch"), static_cast<int>(Mode::Offline));
    m_mode->addItem(tr("Online (AlterReplicaLogDirs, throttled)"), static_cast<int>(Mode::Online));
    if (m_broker.bootstrap.isEmpty()) {
        // Visible but not selectable: the operator sees the option exists and why it is off.
        if (auto *model = qobject_cast<QStandardItemModel *>(m_mode->model()))
            model->item(1)->setEnabled(false);
        m_mode->setItemData(
            1, tr("Spillway knows no address of %1 to reach it over Kafka's protocol.").arg(m_broker.label()),
            Qt::ToolTipRole);
    } else if (m_broker.running || !m_broker.filesLocal) {
        m_mode->setCurrentIndex(1);
    }
    if (!m_broker.filesLocal) {
        // The offline move copies the partition's files: it needs them on this machine.
        const QString reason = m_broker.filesUnavailableReason();
        if (auto *model = qobject_cast<QStandardItemModel *>(m_mode->model()))
            model->item(0)->setEnabled(false);
        m_mode->setItemData(0, reason, Qt::ToolTipRole);
        if (onlineAvailable())
            setLimitation(tr("Offline move unavailable: %1. The online move runs through the broker.").arg(reason));
        else
            setUnavailable(
                tr("Offline move unavailable: %1, and no address of it is known for the online move.").arg(reason));
    }
    m_throttle->setRange(0, std::numeric_limits<int>::max());
    m_throttle->setSingleStep(1 << 20);
    m_throttle->setSuffix(tr(" B/s"));
    m_throttle->setSpecialValueText(tr("unthrottled"));
    m_throttle->setValue(50 << 20);
    form()->addRow(tr("From log dir:"), m_source);
    form()->addRow(tr("Partition:"), m_partition);
    form()->addRow(tr("To log dir:"), m_destination);
    form()->addRow(tr("Mode:"), m_mode);
    form()->addRow(tr("Throttle:"), m_throttle);
    fillPartitions();
    fillDestinations();
    updateIntro();
    connect(m_source, &QComboBox::currentIndexChanged, this, [this] {
        fillPartitions();
        fillDestinations();
        invalidatePlan();
    });
    for (QComboBox *box : {m_partition, m_destination, m_mode})
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            updateIntro();
            invalidatePlan();
        });
    connect(m_throttle, &QSpinBox::valueChanged, this, [this] { invalidatePlan(); });
}

bool MoveDialog::onlineAvailable() const { return !m_broker.bootstrap.isEmpty(); }

MoveDialog::Mode MoveDialog::mode() const { return static_cast<Mode>(m_mode->currentData().toInt()); }

void MoveDialog::setMode(Mode mode)
{
    const int i = m_mode->findData(static_cast<int>(mode));
    if (i >= 0 && (mode == Mode::Offline ? m_broker.filesLocal : onlineAvailable()))
        m_mode->setCurrentIndex(i);
}

void MoveDialog::setThrottle(qint64 bytesPerSecond)
{
    m_throttle->setValue(static_cast<int>(std::min<qint64>(bytesPerSecond, std::numeric_limits<int>::max())));
}

void MoveDialog::fillPartitions()
{
    const QSignalBlocker block(m_partition);
    m_partition->clear();
    const auto *dir = m_broker.dir(m_source->currentData().toString());
    if (!dir)
        return;
    const std::size_t n = std::min(kMaxListed, dir->partitions.size());
    for (std::size_t i = 0; i < n; ++i) {
        const auto &p = dir->partitions[i];
        m_partition->addItem(partitionText(p.topic, p.partition, p.bytes));
        m_partition->setItemData(m_partition->count() - 1, p.topic, kTopicRole);
        m_partition->setItemData(m_partition->count() - 1, p.partition, kPartitionRole);
    }
}

void MoveDialog::fillDestinations()
{
    const QSignalBlocker block(m_destination);
    const QString keep = m_destination->currentData().toString();
    m_destination->clear();
    const QString source = m_source->currentData().toString();
    for (const auto &d : m_broker.dirs) {
        if (d.path == source)
            continue;
        m_destination->addItem(
            d.freeBytes >= 0
                ? tr("%1 (%2 free)").arg(d.path, QString::fromStdString(core::measure::formatByteSize(d.freeBytes)))
                : d.path,
            d.path);
    }
    const int i = m_destination->findData(keep);
    if (i >= 0)
        m_destination->setCurrentIndex(i);
}

void MoveDialog::setMove(const QString &topic, int partition, const QString &fromDir, const QString &toDir)
{
    int s = m_source->findData(fromDir);
    if (s < 0) {
        m_source->addItem(fromDir, fromDir);
        s = m_source->count() - 1;
    }
    m_source->setCurrentIndex(s);
    fillPartitions();
    fillDestinations();
    int p = -1;
    for (int i = 0; i < m_partition->count() && p < 0; ++i)
        if (m_partition->itemData(i, kTopicRole).toString() == topic &&
            m_partition->itemData(i, kPartitionRole).toInt() == partition)
            p = i;
    if (p < 0) {
        m_partition->addItem(partitionText(topic, partition, -1));
        p = m_partition->count() - 1;
        m_partition->setItemData(p, topic, kTopicRole);
        m_partition->setItemData(p, partition, kPartitionRole);
    }
    m_partition->setCurrentIndex(p);
    const int d = m_destination->findData(toDir);
    if (d >= 0)
        m_destination->setCurrentIndex(d);
    updateIntro();
    invalidatePlan();
}

void MoveDialog::updateIntro()
{
    if (mode() == Mode::Offline)
        setIntro(tr("Offline move on %1: the broker must be stopped first (the move refuses while a running "
                    "broker holds the log dir's lock). The partition is copied to the destination, verified file "
                    "by file (CRC32C), then switched; the source is deleted only after the copy is verified. "
                    "Every step is journaled; an interrupted move is finished or rolled back at the next start.")
                     .arg(m_broker.label()));
    else
        setIntro(tr("Online move on %1: the running broker copies the partition itself (AlterReplicaLogDirs), "
                    "throttled so producers and consumers keep their disk bandwidth.")
                     .arg(m_broker.label()));
}

core::Result<std::function<core::Result<core::ops::Plan>()>> MoveDialog::planJob()
{
    if (m_partition->currentIndex() < 0 || m_destination->currentIndex() < 0)
        return core::makeError(core::Errc::InvalidArgument, "choose a partition and a destination log dir");
    const auto topic = m_partition->currentData(kTopicRole).toString().toStdString();
    const core::PartitionId partition{m_partition->currentData(kPartitionRole).toInt()};
    const auto destination = m_destination->currentData().toString().toStdString();
    if (mode() == Mode::Online) {
        if (m_broker.bootstrap.isEmpty())
            return core::makeError(core::Errc::InvalidArgument,
                                   "no address of " + m_broker.label().toStdString() + " is known for the online move",
                                   "stop the broker and use the offline move");
        core::ops::OnlineMoveRequest online;
        online.bootstrap = m_broker.bootstrap.toStdString();
        online.broker = core::BrokerId{m_broker.broker};
        online.targets.push_back({topic, partition, destination});
        online.throttleBytesPerSecond = m_throttle->value();
        return std::function<core::Result<core::ops::Plan>()>([online] { return core::ops::OnlineMove::plan(online); });
    }
    if (!m_broker.filesLocal)
        return core::makeError(core::Errc::InvalidArgument, m_broker.filesUnavailableReason().toStdString(),
                               "use the online move");
    core::ops::MoveRequest request;
    request.logDirs = m_broker.logDirs();
    request.topic = topic;
    request.partition = partition;
    request.destination = destination;
    request.broker = m_broker.name.toStdString();
    return std::function<core::Result<core::ops::Plan>()>(
        [request] { return core::ops::PartitionMove::plan(request); });
}

OperationRunner::Work MoveDialog::executor(const core::ops::Plan &plan)
{
    if (plan.kind == core::ops::OnlineMove::kKind)
        return [plan](core::ops::Journal &journal, const core::ops::RunOptions &options) {
            return core::ops::OnlineMove::execute(journal, plan, options);
        };
    return [plan](core::ops::Journal &journal, const core::ops::RunOptions &options) {
        return core::ops::PartitionMove::execute(journal, plan, options);
    };
}

QString MoveDialog::confirmationText(const core::ops::Plan &plan) const
{
    if (plan.kind == core::ops::OnlineMove::kKind)
        return tr("Move %1-%2 on the running %3 from %4 to %5 (%6); Kafka deletes the copy in %4 once the new one "
                  "has caught up.")
            .arg(m_partition->currentData(kTopicRole).toString())
            .arg(m_partition->currentData(kPartitionRole).toInt())
            .arg(m_broker.label(), m_source->currentData().toString(), m_destination->currentData().toString(),
                 m_throttle->value() > 0
                     ? tr("throttled at %1/s")
                           .arg(QString::fromStdString(core::measure::formatByteSize(m_throttle->value())))
                     : tr("unthrottled"));
    return tr("I confirm %1 is stopped, and %2-%3 moves from %4 to %5 (the copy in %4 is deleted once the new one "
              "is verified).")
        .arg(m_broker.label(), m_partition->currentData(kTopicRole).toString())
        .arg(m_partition->currentData(kPartitionRole).toInt())
        .arg(m_source->currentData().toString(), m_destination->currentData().toString());
}

} // namespace spillway::ui
