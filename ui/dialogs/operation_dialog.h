// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/ops/operation.h"
#include "ui/operations/operation_runner.h"

#include <QDialog>
#include <QPointer>

#include <functional>
#include <optional>

class QCheckBox;
class QFormLayout;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QThread;

namespace spillway::ui {

class DiskUsageBars;

/// The frame every operation dialog shares: the subclass's fields, then
/// Preview (the plan is computed on a worker thread: planning may read
/// whole segments), the plan text and per-disk before/after bars, an
/// explicit confirmation naming the broker and disks when the operation
/// stops a broker or deletes data, Apply (runs through the OperationRunner),
/// progress with Cancel, and the result. Editing a field discards the plan.
/// GUI thread; tests drive it with setters, preview() and apply().
class OperationDialog : public QDialog {
    Q_OBJECT
public:
    OperationDialog(OperationRunner *runner, QWidget *parent = nullptr);
    ~OperationDialog() override;

    [[nodiscard]] const std::optional<core::ops::Plan> &plan() const { return m_plan; }
    [[nodiscard]] const std::optional<OperationOutcome> &outcome() const { return m_outcome; }
    [[nodiscard]] QPushButton *previewButton() const { return m_previewButton; }
    [[nodiscard]] QPushButton *applyButton() const { return m_applyButton; }
    [[nodiscard]] QPushButton *cancelButton() const { return m_cancelButton; }
    /// The box that confirms the plan, and the text (what the operation will
    /// do) it confirms.
    [[nodiscard]] QCheckBox *confirmation() const { return m_confirm; }
    [[nodiscard]] QLabel *confirmationLabel() const { return m_confirmText; }
    [[nodiscard]] QPlainTextEdit *planText() const { return m_planText; }
    [[nodiscard]] DiskUsageBars *bars() const { return m_bars; }
    [[nodiscard]] QProgressBar *progressBar() const { return m_progress; }
    [[nodiscard]] QLabel *statusLabel() const { return m_status; }
    [[nodiscard]] bool planning() const { return m_planThread != nullptr; }
    [[nodiscard]] bool running() const { return m_running; }
    [[nodiscard]] bool needsConfirmation() const { return m_needsConfirm; }
    /// The line that says what this broker cannot do here (hidden when empty).
    [[nodiscard]] QLabel *limitationLabel() const { return m_limitation; }
    /// Whether Preview and Apply are off for good (setUnavailable()).
    [[nodiscard]] bool unavailable() const { return !m_unavailableReason.isEmpty(); }

public Q_SLOTS:
    /// Computes the plan from the fields (asynchronously; planReady follows).
    void preview();
    /// Runs the previewed plan if confirmed; false when it cannot start.
    bool apply();

Q_SIGNALS:
    void planReady(bool ok);
    void operationFinished(const spillway::ui::OperationOutcome &outcome);

protected:
    /// Where subclasses add their fields.
    [[nodiscard]] QFormLayout *form() const { return m_form; }
    /// A line under the title: what the operation does, what it needs.
    void setIntro(const QString &text);
    /// Shows `text` (e.g. why a mode is off for this broker) in a highlighted
    /// line under the intro, and as its tooltip; empty hides it.
    void setLimitation(const QString &text);
    /// The operation cannot run on this broker: shows `reason` as the
    /// limitation and keeps Preview and Apply disabled (tooltips say why).
    void setUnavailable(const QString &reason);
    /// Makes the planning job from the fields (on the GUI thread); the job
    /// itself runs on a worker thread. An error here is shown as is.
    virtual core::Result<std::function<core::Result<core::ops::Plan>()>> planJob() = 0;
    /// The work that executes `plan` (runs on the runner's thread).
    virtual OperationRunner::Work executor(const core::ops::Plan &plan) = 0;
    /// The confirmation sentence for `plan`, naming broker and disks; empty
    /// when the operation needs none (it neither stops a broker nor deletes).
    [[nodiscard]] virtual QString confirmationText(const core::ops::Plan &plan) const = 0;
    /// Extra text under the plan (e.g. what recovery will do); default none.
    [[nodiscard]] virtual QString planNotes(const core::ops::Plan &) const { return {}; }
    /// Called after a finished run, for subclasses that show a report.
    virtual void showOutcome(const OperationOutcome &) {}
    /// Fields changed: the plan no longer matches them.
    void invalidatePlan();
    [[nodiscard]] OperationRunner *runnerPtr() const { return m_runner; }

private:
    void showPlan(core::Result<core::ops::Plan> plan);
    void updateButtons();
    void onFinished(const OperationOutcome &outcome);

    QPointer<OperationRunner> m_runner;
    QLabel *m_intro;
    QLabel *m_limitation;
    QFormLayout *m_form;
    QPushButton *m_previewButton;
    QPlainTextEdit *m_planText;
    DiskUsageBars *m_bars;
    QLabel *m_confirmText;
    QCheckBox *m_confirm;
    QProgressBar *m_progress;
    QLabel *m_status;
    QPushButton *m_applyButton;
    QPushButton *m_cancelButton;
    QPushButton *m_closeButton;
    QThread *m_planThread = nullptr;
    quint64 m_planSerial = 0;
    std::optional<core::ops::Plan> m_plan;
    std::optional<OperationOutcome> m_outcome;
    bool m_running = false;
    bool m_needsConfirm = false;
    QString m_unavailableReason;
};

} // namespace spillway::ui
