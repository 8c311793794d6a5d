// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/index_rebuild_dialog.h"

#include "core/ops/index_rebuild.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QSpinBox>

namespace spillway::ui {

IndexRebuildDialog::IndexRebuildDialog(BrokerContext broker, OperationRunner *runner, QWidget *parent)
    : OperationDialog(runner, parent)
    , m_broker(std::move(broker))
    , m_dir(new QComboBox)
    , m_topic(new QLineEdit)
    , m_partition(new QSpinBox)
{
    setWindowTitle(tr("Verify and rebuild indexes on %1").arg(m_broker.label()));
    setObjectName(QStringLiteral("indexRebuildDialog"));
    setIntro(tr("Preview verifies every segment in scope against its .log and lists the bad .index / .timeindex "
                "files. Rebuilding is offline: %1 must be stopped (the rebuild refuses while a running broker "
                "holds the log dir's lock). The .log files are never touched; old indexes are kept as "
                ".corrupt-<time>.")
                 .arg(m_broker.label()));
    m_dir->addItem(tr("every log dir of the broker"), QString());
    for (const auto &d : m_broker.dirs)
        m_dir->addItem(d.path, d.path);
    m_topic->setPlaceholderText(tr("every topic"));
    m_partition->setRange(-1, 1 << 20);
    m_partition->setSpecialValueText(tr("every partition"));
    m_partition->setValue(-1);
    form()->addRow(tr("Log dir:"), m_dir);
    form()->addRow(tr("Topic:"), m_topic);
    form()->addRow(tr("Partition:"), m_partition);
    if (!m_broker.filesLocal)
        setUnavailable(tr("Index verification and rebuild unavailable: %1. Both read and rewrite the index "
                          "files on the broker's own disks; run `spillway-cli ops rebuild-index` on that host.")
                           .arg(m_broker.filesUnavailableReason()));
    connect(m_dir, &QComboBox::currentIndexChanged, this, [this] { invalidatePlan(); });
    connect(m_topic, &QLineEdit::textChanged, this, [this] { invalidatePlan(); });
    connect(m_partition, &QSpinBox::valueChanged, this, [this] { invalidatePlan(); });
}

void IndexRebuildDialog::setScope(const QString &dir, const QString &topic, int partition)
{
    int i = m_dir->findData(dir);
    if (i < 0 && !dir.isEmpty()) {
        m_dir->addItem(dir, dir);
        i = m_dir->count() - 1;
    }
    m_dir->setCurrentIndex(std::max(0, i));
    m_topic->setText(topic);
    m_partition->setValue(partition);
}

core::Result<std::function<core::Result<core::ops::Plan>()>> IndexRebuildDialog::planJob()
{
    core::ops::IndexRebuildRequest request;
    request.logDirs = m_broker.logDirs();
    request.broker = m_broker.name.toStdString();
    if (const QString dir = m_dir->currentData().toString(); !dir.isEmpty())
        request.dir = std::filesystem::path(dir.toStdString());
    const QString topic = m_topic->text().trimmed();
    if (!topic.isEmpty() || m_partition->value() >= 0) {
        if (topic.isEmpty() || m_partition->value() < 0)
            return core::makeError(core::Errc::InvalidArgument,
                                   "give both a topic and a partition, or neither (the whole dir)");
        request.topic = topic.toStdString();
        request.partition = core::PartitionId{m_partition->value()};
    }
    return std::function<core::Result<core::ops::Plan>()>(
        [request] { return core::ops::IndexRebuildOperation::plan(request); });
}

OperationRunner::Work IndexRebuildDialog::executor(const core::ops::Plan &plan)
{
    return [plan](core::ops::Journal &journal, const core::ops::RunOptions &options) {
        return core::ops::IndexRebuildOperation::execute(journal, plan, options);
    };
}

QString IndexRebuildDialog::confirmationText(const core::ops::Plan &plan) const
{
    const QString dir = m_dir->currentData().toString();
    return tr("I confirm %1 is stopped; rebuild %n index segment(s) in %2.", nullptr,
              static_cast<int>(plan.steps.size() > 0 ? plan.steps.size() - 1 : 0))
        .arg(m_broker.label(), dir.isEmpty() ? tr("all its log dirs") : dir);
}

} // namespace spillway::ui
