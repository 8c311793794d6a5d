// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/operation_dialog.h"

#include "ui/dialogs/disk_usage_bars.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

namespace spillway::ui {

OperationDialog::OperationDialog(OperationRunner *runner, QWidget *parent)
    : QDialog(parent)
    , m_runner(runner)
    , m_intro(new QLabel)
    , m_limitation(new QLabel)
    , m_form(new QFormLayout)
    , m_previewButton(new QPushButton(tr("&Preview")))
    , m_planText(new QPlainTextEdit)
    , m_bars(new DiskUsageBars)
    , m_confirmText(new QLabel)
    , m_confirm(new QCheckBox(tr("I have read the plan: apply it as shown")))
    , m_progress(new QProgressBar)
    , m_status(new QLabel)
    , m_applyButton(new QPushButton(tr("&Apply")))
    , m_cancelButton(new QPushButton(tr("Cancel operation")))
    , m_closeButton(new QPushButton(tr("Close")))
{
    m_intro->setWordWrap(true);
    m_limitation->setObjectName(QStringLiteral("limitationLabel"));
    m_limitation->setWordWrap(true);
    m_limitation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_limitation->setStyleSheet(QStringLiteral("QLabel { font-weight: bold; }"));
    m_limitation->setVisible(false);
    m_planText->setReadOnly(true);
    m_planText->setPlaceholderText(tr("Press Preview: the plan shows what will change before anything does."));
    m_planText->setMinimumHeight(120);
    // What the operation will do, wrapped (a check box's own text never wraps and
    // would stretch the dialog to its length); the box under it confirms.
    m_confirmText->setObjectName(QStringLiteral("confirmationLabel"));
    m_confirmText->setWordWrap(true);
    m_confirmText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_confirmText->setVisible(false);
    m_confirm->setVisible(false);
    m_progress->setRange(0, 1000);
    m_progress->setVisible(false);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_cancelButton->setVisible(false);

    auto *previewRow = new QHBoxLayout;
    previewRow->addStretch(1);
    previewRow->addWidget(m_previewButton);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_cancelButton);
    buttons->addStretch(1);
    buttons->addWidget(m_applyButton);
    buttons->addWidget(m_closeButton);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_intro);
    layout->addWidget(m_limitation);
    layout->addLayout(m_form);
    layout->addLayout(previewRow);
    layout->addWidget(m_planText, 1);
    layout->addWidget(m_bars);
    layout->addWidget(m_confirmText);
    layout->addWidget(m_confirm);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addLayout(buttons);

    connect(m_previewButton, &QPushButton::clicked, this, &OperationDialog::preview);
    connect(m_applyButton, &QPushButton::clicked, this, [this] { apply(); });
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        if (m_running && m_runner)
            m_runner->cancel();
        m_status->setText(tr("Cancelling: the operation stops at its next safe point and rolls back if it can."));
    });
    connect(m_closeButton, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_confirm, &QCheckBox::toggled, this, [this] { updateButtons(); });
    updateButtons();
}

OperationDialog::~OperationDialog()
{
    // The planning job only reads files; let it end rather than kill it.
    if (m_planThread) {
        m_planThread->wait();
        delete m_planThread;
    }
}

void OperationDialog::setIntro(const QString &text) { m_intro->setText(text); }

void OperationDialog::setLimitation(const QString &text)
{
    m_limitation->setText(text);
    m_limitation->setToolTip(text);
    m_limitation->setVisible(!text.isEmpty());
}

void OperationDialog::setUnavailable(const QString &reason)
{
    m_unavailableReason = reason;
    setLimitation(reason);
    m_previewButton->setToolTip(reason);
    m_applyButton->setToolTip(reason);
    invalidatePlan();
}

void OperationDialog::invalidatePlan()
{
    if (m_running)
        return;
    ++m_planSerial;
    m_plan.reset();
    m_planText->clear();
    m_bars->setChanges({});
    m_confirm->setChecked(false);
    m_confirm->setVisible(false);
    m_confirmText->setVisible(false);
    m_needsConfirm = false;
    m_status->clear();
    updateButtons();
}

void OperationDialog::preview()
{
    if (m_planThread || m_running)
        return;
    if (unavailable()) {
        m_status->setText(tr("Cannot plan: %1").arg(m_unavailableReason));
        Q_EMIT planReady(false);
        return;
    }
    invalidatePlan();
    auto job = planJob();
    if (!job) {
        showPlan(job.error());
        return;
    }
    m_status->setText(tr("Planning…"));
    auto result = std::make_shared<std::optional<core::Result<core::ops::Plan>>>();
    m_planThread = QThread::create([job = std::move(*job), result] { result->emplace(job()); });
    m_planThread->setObjectName(QStringLiteral("operation-plan"));
    const quint64 serial = m_planSerial;
    connect(m_planThread, &QThread::finished, this, [this, result, serial] {
        m_planThread->deleteLater();
        m_planThread = nullptr;
        if (serial == m_planSerial && result->has_value())
            showPlan(std::move(**result));
        else
            updateButtons();
    });
    m_planThread->start();
    updateButtons();
}

void OperationDialog::showPlan(core::Result<core::ops::Plan> plan)
{
    if (!plan) {
        m_status->setText(tr("Cannot plan: %1").arg(QString::fromStdString(plan.error().describe())));
        updateButtons();
        Q_EMIT planReady(false);
        return;
    }
    m_plan = std::move(*plan);
    QString text = QString::fromStdString(m_plan->preview());
    if (const QString notes = planNotes(*m_plan); !notes.isEmpty())
        text += QStringLiteral("\n") + notes;
    m_planText->setPlainText(text);
    m_bars->setChanges(m_plan->disks);
    const QString confirm = confirmationText(*m_plan);
    m_confirmText->setText(confirm);
    m_confirm->setChecked(false);
    m_needsConfirm = !confirm.isEmpty();
    m_confirmText->setVisible(m_needsConfirm);
    m_confirm->setVisible(m_needsConfirm);
    m_status->setText(confirm.isEmpty() ? tr("Ready to apply.") : tr("Read the plan, then confirm to apply."));
    updateButtons();
    Q_EMIT planReady(true);
}

bool OperationDialog::apply()
{
    if (!m_plan || m_running || m_planThread || !m_runner || unavailable())
        return false;
    if (m_needsConfirm && !m_confirm->isChecked()) {
        m_status->setText(tr("Confirm first: %1").arg(m_confirmText->text()));
        return false;
    }
    auto work = executor(*m_plan);
    connect(m_runner, &OperationRunner::progress, this, [this](qint64 id, double fraction, const QString &message) {
        if (!m_running)
            return;
        m_progress->setValue(static_cast<int>(fraction * 1000));
        m_status->setText(id > 0 ? tr("Operation %1: %2").arg(id).arg(message) : message);
    });
    connect(m_runner, &OperationRunner::finished, this, &OperationDialog::onFinished, Qt::SingleShotConnection);
    if (!m_runner->start(windowTitle(), m_plan->kind, std::move(work))) {
        disconnect(m_runner, &OperationRunner::progress, this, nullptr);
        disconnect(m_runner, &OperationRunner::finished, this, nullptr);
        m_status->setText(tr("Another operation is running; wait for it to finish."));
        return false;
    }
    m_running = true;
    m_outcome.reset();
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_status->setText(tr("Running…"));
    updateButtons();
    return true;
}

void OperationDialog::onFinished(const OperationOutcome &outcome)
{
    disconnect(m_runner, &OperationRunner::progress, this, nullptr);
    m_running = false;
    m_outcome = outcome;
    m_progress->setValue(outcome.ok ? 1000 : m_progress->value());
    const QString state = outcome.state
                              ? QString::fromLatin1(core::ops::toString(*outcome.state).data(),
                                                    static_cast<qsizetype>(core::ops::toString(*outcome.state).size()))
                              : tr("not started");
    m_status->setText(outcome.journalId > 0
                          ? tr("Operation %1 %2: %3").arg(outcome.journalId).arg(state, outcome.message)
                          : tr("%1: %2").arg(state, outcome.message));
    // A finished plan is spent: the disks changed, so a new preview is needed.
    m_plan.reset();
    m_confirm->setChecked(false);
    m_confirm->setVisible(false);
    m_confirmText->setVisible(false);
    m_needsConfirm = false;
    showOutcome(outcome);
    updateButtons();
    Q_EMIT operationFinished(outcome);
}

void OperationDialog::updateButtons()
{
    m_previewButton->setEnabled(!m_running && !m_planThread && !unavailable());
    m_applyButton->setEnabled(m_plan.has_value() && !m_running && !m_planThread && !unavailable() &&
                              (!m_needsConfirm || m_confirm->isChecked()));
    m_cancelButton->setVisible(m_running);
    m_closeButton->setEnabled(!m_running);
}

} // namespace spillway::ui
