// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/disk_swap_dialog.h"

#include "ui/lab/lab_commands.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace spillway::ui {

QStringList diskSwapArguments(const QStringList &target, const QString &from, const QString &to, bool acceptLoss,
                              bool execute)
{
    QStringList out{QStringLiteral("ops"), QStringLiteral("swap-disk")};
    out << target << QStringLiteral("--from") << from << QStringLiteral("--to") << to;
    if (acceptLoss)
        out << QStringLiteral("--accept-loss");
    if (execute)
        out << QStringLiteral("--yes");
    return out;
}

DiskSwapDialog::DiskSwapDialog(BrokerContext broker, QStringList target, QWidget *parent)
    : QDialog(parent)
    , m_broker(std::move(broker))
    , m_target(std::move(target))
    , m_from(new QComboBox)
    , m_spare(new QLineEdit)
    , m_acceptLoss(new QCheckBox(tr("Accept losing partitions that have no other replica (they come back empty)")))
    , m_confirm(new QCheckBox)
    , m_output(new QPlainTextEdit)
    , m_status(new QLabel)
    , m_limitation(new QLabel)
    , m_previewButton(new QPushButton(tr("&Preview")))
    , m_applyButton(new QPushButton(tr("&Swap disk")))
    , m_stopButton(new QPushButton(tr("S&top waiting")))
{
    setWindowTitle(tr("Swap a disk of %1").arg(m_broker.label()));
    setObjectName(QStringLiteral("diskSwapDialog"));
    auto *intro = new QLabel(tr("Replaces a failed or retiring log dir of %1 by a spare: checks the spare, stops "
                                "the broker, edits log.dirs (a backup is kept), starts it, reports which "
                                "partitions were re-created on which disk and which were lost, and follows the "
                                "re-sync until the broker is back in the ISR of its replicated partitions. Nothing "
                                "on the old disk is deleted.")
                                 .arg(m_broker.label()));
    intro->setWordWrap(true);
    for (const auto &d : m_broker.dirs)
        m_from->addItem(d.offline ? tr("%1 (offline)").arg(d.path) : d.path, d.path);
    m_spare->setPlaceholderText(tr("/data/spare: an empty directory on a disk of its own"));
    auto *browse = new QPushButton(tr("Browse…"));
    auto *spareRow = new QHBoxLayout;
    spareRow->addWidget(m_spare, 1);
    spareRow->addWidget(browse);
    auto *form = new QFormLayout;
    form->addRow(tr("Replace log dir:"), m_from);
    form->addRow(tr("By the spare:"), spareRow);
    form->addRow(QString(), m_acceptLoss);
    m_output->setReadOnly(true);
    m_output->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_output->setPlaceholderText(tr("Preview shows the plan; nothing changes until you swap."));
    m_status->setWordWrap(true);
    m_limitation->setObjectName(QStringLiteral("limitationLabel"));
    m_limitation->setWordWrap(true);
    m_limitation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_limitation->setStyleSheet(QStringLiteral("QLabel { font-weight: bold; }"));
    m_limitation->setVisible(!m_broker.filesLocal);
    if (!m_broker.filesLocal) {
        // The swap checks the spare, edits the broker's config and restarts its process: all on its host.
        const QString reason = tr("Disk swap unavailable: %1. The swap checks the spare directory, edits the "
                                  "broker's log.dirs and restarts its process on that host; run `spillway-cli ops "
                                  "swap-disk` there.")
                                   .arg(m_broker.filesUnavailableReason());
        m_limitation->setText(reason);
        m_limitation->setToolTip(reason);
        m_previewButton->setToolTip(reason);
        m_applyButton->setToolTip(reason);
    }
    auto *close = new QPushButton(tr("Close"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_previewButton);
    buttons->addStretch(1);
    buttons->addWidget(m_stopButton);
    buttons->addWidget(m_applyButton);
    buttons->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_limitation);
    layout->addLayout(form);
    layout->addWidget(m_output, 1);
    layout->addWidget(m_confirm);
    layout->addWidget(m_status);
    layout->addLayout(buttons);
    resize(760, 520);

    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_stopButton->setVisible(false);
    m_stopButton->setToolTip(tr("Stop waiting for the re-sync: the swap stays done, the report lists the partitions "
                                "still out of sync (before the config edit, the swap is cancelled and rolled back)"));
    connect(m_stopButton, &QPushButton::clicked, this, [this] {
        if (m_process.state() != QProcess::NotRunning)
            m_process.terminate(); // SIGTERM: spillway-cli ends the wait cleanly
    });
    connect(&m_process, &QProcess::readyRead, this, &DiskSwapDialog::readOutput);
    connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        readOutput();
        if (!m_pending.isEmpty())
            m_output->appendPlainText(QString::fromUtf8(m_pending));
        m_pending.clear();
        m_stopButton->setVisible(false);
        const int result = status == QProcess::CrashExit ? -1 : code;
        const bool warnings =
            result == 1 && m_output->toPlainText().contains(QStringLiteral("completed with warnings"));
        m_status->setText(result == 0 ? tr("Done.")
                          : warnings ? tr("Swapped, with warnings: some replicated partitions are not back in sync yet "
                                          "(listed above).")
                                     : tr("spillway-cli ended with status %1.").arg(result));
        m_previewButton->setEnabled(m_broker.filesLocal);
        m_applyButton->setEnabled(m_broker.filesLocal && m_previewed && m_confirm->isChecked());
        Q_EMIT finished(result);
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        m_status->setText(tr("Could not start spillway-cli: %1").arg(m_process.errorString()));
        m_previewButton->setEnabled(m_broker.filesLocal);
        Q_EMIT finished(-1);
    });
    const auto changed = [this] {
        m_previewed = false;
        m_confirm->setChecked(false);
        updateConfirmation();
    };
    connect(m_from, &QComboBox::currentIndexChanged, this, changed);
    connect(m_spare, &QLineEdit::textChanged, this, changed);
    connect(m_acceptLoss, &QCheckBox::toggled, this, changed);
    connect(m_confirm, &QCheckBox::toggled, this, [this](bool on) {
        m_applyButton->setEnabled(on && m_broker.filesLocal && m_previewed &&
                                  m_process.state() == QProcess::NotRunning);
    });
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Spare directory"), m_spare->text());
        if (!dir.isEmpty())
            m_spare->setText(dir);
    });
    connect(m_previewButton, &QPushButton::clicked, this, &DiskSwapDialog::preview);
    connect(m_applyButton, &QPushButton::clicked, this, [this] { apply(); });
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    updateConfirmation();
    m_previewButton->setEnabled(m_broker.filesLocal);
}

DiskSwapDialog::~DiskSwapDialog()
{
    // Waiting for the re-sync (the swap itself is done): SIGTERM ends the wait at once.
    if (m_process.state() != QProcess::NotRunning && m_syncing) {
        m_process.terminate();
        m_process.waitForFinished(30000);
    }
    // A swap half done is journaled and recoverable, but let it end if it can.
    if (m_process.state() != QProcess::NotRunning && !m_process.waitForFinished(120000)) {
        m_process.terminate();
        m_process.waitForFinished(10000);
    }
}

void DiskSwapDialog::setFrom(const QString &dir)
{
    int i = m_from->findData(dir);
    if (i < 0) {
        m_from->addItem(dir, dir);
        i = m_from->count() - 1;
    }
    m_from->setCurrentIndex(i);
}

void DiskSwapDialog::setSpare(const QString &dir) { m_spare->setText(dir); }

void DiskSwapDialog::readOutput()
{
    m_pending += m_process.readAll();
    qsizetype end = 0;
    while ((end = m_pending.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(m_pending.left(end));
        m_pending.remove(0, end + 1);
        // "progress: <journal id> <pct>% <message>": to the status line, not the report.
        static const QRegularExpression progressLine(QStringLiteral("^progress: (\\d+) (\\d+)% (.*)$"));
        if (const auto match = progressLine.match(line); match.hasMatch()) {
            const QString message = match.captured(3);
            m_status->setText(tr("%1%: %2").arg(match.captured(2), message));
            m_syncing = message.contains(QStringLiteral("replicated partition(s)"));
            Q_EMIT progress(match.captured(1).toLongLong(), match.captured(2).toDouble() / 100.0, message);
            continue;
        }
        m_output->appendPlainText(line);
    }
}

QStringList DiskSwapDialog::previewArguments() const
{
    return diskSwapArguments(m_target, m_from->currentData().toString(), m_spare->text().trimmed(),
                             m_acceptLoss->isChecked(), false);
}

QStringList DiskSwapDialog::applyArguments() const
{
    return diskSwapArguments(m_target, m_from->currentData().toString(), m_spare->text().trimmed(),
                             m_acceptLoss->isChecked(), true);
}

void DiskSwapDialog::updateConfirmation()
{
    m_confirm->setText(tr("Stop %1, and replace %2 by %3 in its log.dirs.")
                           .arg(m_broker.label(), m_from->currentData().toString(),
                                m_spare->text().trimmed().isEmpty() ? tr("the spare") : m_spare->text().trimmed()));
    m_confirm->setEnabled(m_previewed);
    m_applyButton->setEnabled(m_broker.filesLocal && m_previewed && m_confirm->isChecked());
}

void DiskSwapDialog::run(const QStringList &arguments)
{
    m_output->clear();
    m_pending.clear();
    m_syncing = false;
    m_previewButton->setEnabled(false);
    m_applyButton->setEnabled(false);
    m_output->appendPlainText(QStringLiteral("$ spillway-cli %1").arg(arguments.join(QLatin1Char(' '))));
    m_process.start(spillwayCliPath(), arguments);
}

void DiskSwapDialog::preview()
{
    if (m_process.state() != QProcess::NotRunning)
        return;
    if (!m_broker.filesLocal) {
        m_status->setText(m_limitation->text());
        return;
    }
    if (m_spare->text().trimmed().isEmpty()) {
        m_status->setText(tr("Name the spare directory first."));
        return;
    }
    m_previewed = true;
    updateConfirmation();
    m_status->setText(tr("Planning…"));
    run(previewArguments());
}

bool DiskSwapDialog::apply()
{
    if (!m_broker.filesLocal || !m_previewed || !m_confirm->isChecked() || m_process.state() != QProcess::NotRunning)
        return false;
    m_status->setText(tr("Swapping: the broker is stopped and started again…"));
    run(applyArguments());
    m_stopButton->setVisible(true);
    return true;
}

} // namespace spillway::ui
