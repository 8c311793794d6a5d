// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/retention_shrink_dialog.h"

#include "core/admin/admin_client.h"
#include "core/ops/retention_remote.h"
#include "core/ops/retention_shrink.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardItemModel>

namespace spillway::ui {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

/// An admin client for an online plan or run, made on the calling (worker) thread.
core::Result<std::unique_ptr<core::admin::AdminClient>> adminFor(const std::string &bootstrap)
{
    core::admin::AdminOptions options;
    options.bootstrap = bootstrap;
    return core::admin::AdminClient::create(std::move(options));
}

std::string paramOf(const core::ops::Plan &plan, const std::string &key)
{
    const auto it = plan.params.find(key);
    return it == plan.params.end() ? std::string() : it->second;
}

} // namespace

RetentionShrinkDialog::RetentionShrinkDialog(BrokerContext broker, OperationRunner *runner, QWidget *parent)
    : OperationDialog(runner, parent)
    , m_broker(std::move(broker))
    , m_target(new QComboBox)
    , m_topics(new QLineEdit)
    , m_hours(new QDoubleSpinBox)
    , m_dir(new QComboBox)
    , m_freeGiB(new QDoubleSpinBox)
    , m_mode(new QComboBox)
{
    setWindowTitle(tr("Shrink retention on %1").arg(m_broker.label()));
    setObjectName(QStringLiteral("retentionShrinkDialog"));
    setIntro(tr("Frees space now by letting Kafka's own retention delete older closed segments (never the active "
                "one, never anything a consumer could still need beyond the high watermark). Online the topic "
                "settings change and can be restored later; offline the broker must be stopped."));
    m_target->addItem(tr("Free space on a disk"), QStringLiteral("free"));
    m_target->addItem(tr("Shorter retention for topics"), QStringLiteral("topics"));
    m_topics->setPlaceholderText(tr("orders, clicks (free space: empty = every topic on the disk)"));
    m_hours->setRange(0, 24 * 365);
    m_hours->setDecimals(1);
    m_hours->setValue(24);
    m_hours->setSuffix(tr(" h"));
    for (const auto &d : m_broker.dirs)
        m_dir->addItem(d.path, d.path);
    m_freeGiB->setRange(0.001, 1 << 20);
    m_freeGiB->setDecimals(3);
    m_freeGiB->setValue(1);
    m_freeGiB->setSuffix(tr(" GiB"));
    m_mode->addItem(tr("Online (topic configs; restorable)"), false);
    m_mode->addItem(tr("Offline (broker stopped: delete segments)"), true);
    if (m_broker.bootstrap.isEmpty()) {
        if (auto *model = qobject_cast<QStandardItemModel *>(m_mode->model()))
            model->item(0)->setEnabled(false);
        m_mode->setCurrentIndex(1);
    }
    if (!m_broker.filesLocal) {
        // The offline shrink deletes segment files here; online, the plan comes from the protocol only
        // (core/ops/retention_remote.h): an estimate from offsets instead of the segments' exact figure.
        if (auto *model = qobject_cast<QStandardItemModel *>(m_mode->model()))
            model->item(1)->setEnabled(false);
        m_mode->setItemData(1, m_broker.filesUnavailableReason(), Qt::ToolTipRole);
        m_mode->setCurrentIndex(0);
        if (m_broker.bootstrap.isEmpty())
            setUnavailable(tr("Retention shrink unavailable: %1, and no address of it is known for the online "
                              "shrink.")
                               .arg(m_broker.filesUnavailableReason()));
        else
            setLimitation(tr("Offline shrink unavailable: %1. The online shrink is planned from the Kafka protocol "
                             "only: an estimate from offsets (DescribeLogDirs sizes, ListOffsets by timestamp), "
                             "segment granularity unknown. Kafka deletes only whole closed segments (never the "
                             "active one), so it frees at most the estimate; the exact figure is measured after "
                             "apply.")
                              .arg(m_broker.filesUnavailableReason()));
    }
    auto *restore = new QPushButton(tr("Restore an earlier shrink…"));
    form()->addRow(tr("Goal:"), m_target);
    form()->addRow(tr("Topics:"), m_topics);
    form()->addRow(tr("Keep (retention.ms):"), m_hours);
    form()->addRow(tr("Disk:"), m_dir);
    form()->addRow(tr("Free at least:"), m_freeGiB);
    form()->addRow(tr("Mode:"), m_mode);
    form()->addRow(QString(), restore);
    const auto refresh = [this] {
        const bool free = m_target->currentData().toString() == QLatin1String("free");
        m_hours->setEnabled(!free);
        m_dir->setEnabled(free);
        m_freeGiB->setEnabled(free);
        invalidatePlan();
    };
    refresh();
    connect(m_target, &QComboBox::currentIndexChanged, this, refresh);
    connect(m_topics, &QLineEdit::textChanged, this, [this] { invalidatePlan(); });
    connect(m_hours, &QDoubleSpinBox::valueChanged, this, [this] { invalidatePlan(); });
    connect(m_dir, &QComboBox::currentIndexChanged, this, [this] { invalidatePlan(); });
    connect(m_freeGiB, &QDoubleSpinBox::valueChanged, this, [this] { invalidatePlan(); });
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] { invalidatePlan(); });
    connect(restore, &QPushButton::clicked, this, &RetentionShrinkDialog::restoreEarlier);
}

void RetentionShrinkDialog::setFreeTarget(const QString &dir, qint64 bytes)
{
    m_target->setCurrentIndex(m_target->findData(QStringLiteral("free")));
    int i = m_dir->findData(dir);
    if (i < 0 && !dir.isEmpty()) {
        m_dir->addItem(dir, dir);
        i = m_dir->count() - 1;
    }
    m_dir->setCurrentIndex(i);
    m_freeGiB->setValue(static_cast<double>(bytes) / kGiB);
}

void RetentionShrinkDialog::setTopicTarget(const QStringList &topics, qint64 retentionMs)
{
    m_target->setCurrentIndex(m_target->findData(QStringLiteral("topics")));
    m_topics->setText(topics.join(QStringLiteral(", ")));
    m_hours->setValue(static_cast<double>(retentionMs) / 3'600'000.0);
}

void RetentionShrinkDialog::setOffline(bool offline)
{
    if (offline && !m_broker.filesLocal)
        return; // the offline shrink deletes the broker's segment files here
    m_mode->setCurrentIndex(m_mode->findData(offline));
}

core::Result<std::function<core::Result<core::ops::Plan>()>> RetentionShrinkDialog::planJob()
{
    core::ops::RetentionShrinkRequest request;
    if (m_broker.filesLocal)
        request.logDirs = m_broker.logDirs();
    else
        request.source = core::ops::RetentionSource::Remote; // nothing is read here
    request.broker = m_broker.name.toStdString();
    request.brokerId = m_broker.broker;
    request.offline = m_mode->currentData().toBool();
    request.bootstrap = m_broker.bootstrap.toStdString();
    for (const QString &t : m_topics->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!t.trimmed().isEmpty())
            request.target.topics.push_back(t.trimmed().toStdString());
    if (m_target->currentData().toString() == QLatin1String("free")) {
        request.freeBytes = static_cast<std::int64_t>(m_freeGiB->value() * kGiB);
        request.freeDir = m_dir->currentData().toString().toStdString();
    } else {
        if (request.target.topics.empty())
            return core::makeError(core::Errc::InvalidArgument, "name at least one topic");
        request.target.retentionMs = static_cast<std::int64_t>(m_hours->value() * 3'600'000.0);
    }
    if (!request.offline && request.bootstrap.empty())
        return core::makeError(core::Errc::InvalidArgument, "no address of the broker is known for an online shrink",
                               "stop the broker and shrink offline");
    return std::function<core::Result<core::ops::Plan>()>([request]() -> core::Result<core::ops::Plan> {
        if (request.offline)
            return core::ops::RetentionShrink::plan(request, nullptr);
        auto admin = adminFor(request.bootstrap);
        if (!admin)
            return admin.error();
        return core::ops::RetentionShrink::plan(request, admin->get());
    });
}

OperationRunner::Work RetentionShrinkDialog::executor(const core::ops::Plan &plan)
{
    return [plan](core::ops::Journal &journal, const core::ops::RunOptions &options) -> core::Result<std::int64_t> {
        if (paramOf(plan, "mode") == "offline")
            return core::ops::RetentionShrink::execute(journal, plan, nullptr, options);
        auto admin = adminFor(paramOf(plan, "bootstrap"));
        if (!admin)
            return admin.error();
        return core::ops::RetentionShrink::execute(journal, plan, admin->get(), options);
    };
}

QString RetentionShrinkDialog::confirmationText(const core::ops::Plan &plan) const
{
    const QString topics = QString::fromStdString(paramOf(plan, "topics"));
    QStringList dirs;
    for (const auto &d : plan.disks)
        if (d.kafkaBytesAfter != d.kafkaBytesBefore)
            dirs << QString::fromStdString(d.logDir.string());
    const QString where = dirs.isEmpty() ? tr("its log dirs") : dirs.join(QStringLiteral(", "));
    if (paramOf(plan, "mode") == "offline")
        return tr("I confirm %1 is stopped; delete the expired segments of %2 in %3 (they cannot be restored).")
            .arg(m_broker.label(), topics, where);
    if (paramOf(plan, "source") == "remote")
        return tr("Set the shorter retention on %1 (served by %2); Kafka deletes the segments it lets go in %3, by "
                  "the estimate at most %4 MiB. The settings can be restored, the deleted segments cannot.")
            .arg(topics, m_broker.label(), where)
            .arg(static_cast<double>(QString::fromStdString(paramOf(plan, "plan.freed")).toLongLong()) /
                     (1024.0 * 1024.0),
                 0, 'f', 1);
    return tr("Set the shorter retention on %1 (served by %2); Kafka deletes the segments it lets go in %3. The "
              "settings can be restored, the deleted segments cannot.")
        .arg(topics, m_broker.label(), where);
}

QString RetentionShrinkDialog::planNotes(const core::ops::Plan &plan) const
{
    if (paramOf(plan, "source") != "remote")
        return {};
    return tr("Protocol-only plan (the broker's files are not here): %1.")
        .arg(QString::fromUtf8(core::ops::RemoteRetentionShrink::estimateNote()));
}

void RetentionShrinkDialog::restoreEarlier()
{
    bool ok = false;
    const int id = QInputDialog::getInt(this, tr("Restore retention"),
                                        tr("Journal id of the online shrink whose settings to put back:"), 1, 1,
                                        std::numeric_limits<int>::max(), 1, &ok);
    if (!ok || !runnerPtr())
        return;
    const std::int64_t shrinkId = id;
    const bool started = runnerPtr()->start(
        tr("Restore retention of operation %1").arg(id), std::string(core::ops::RetentionShrink::kRestoreKind),
        [shrinkId](core::ops::Journal &journal, const core::ops::RunOptions &options) -> core::Result<std::int64_t> {
            auto plan = core::ops::RetentionShrink::planRestore(journal, shrinkId);
            if (!plan)
                return plan.error();
            auto admin = adminFor(paramOf(*plan, "bootstrap"));
            if (!admin)
                return admin.error();
            return core::ops::RetentionShrink::executeRestore(journal, *plan, admin->get(), options);
        });
    if (!started)
        QMessageBox::information(this, tr("Restore retention"),
                                 tr("Another operation is running; try again after it."));
}

} // namespace spillway::ui
