// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/ops/journal.h"
#include "core/ops/operation.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

class QThread;

namespace spillway::ui {

/// What an operation ended with, as a value the GUI can keep.
struct OperationOutcome {
    bool ok = false;
    qint64 journalId = 0; ///< 0 when the operation never reached the journal
    std::optional<core::ops::OperationState> state;
    QString message; ///< the journal's summary, or the error with its hint
};

/// Runs one core/ops operation at a time on a worker thread: opens the
/// Journal on that thread, calls the operation's execute (or recover) with
/// RunOptions whose progress is forwarded to the GUI thread as queued signals
/// (at most ~20 per second), cancels through the atomic flag, and reports the
/// outcome as a value. Lives on the GUI thread; its signals arrive there.
class OperationRunner : public QObject {
    Q_OBJECT
public:
    /// Work to run: gets the journal opened on the worker thread.
    using Work = std::function<core::Result<std::int64_t>(core::ops::Journal &, const core::ops::RunOptions &)>;
    using Recover = std::function<core::Result<core::ops::OperationState>(
        core::ops::Journal &, const core::ops::JournalEntry &, const core::ops::RunOptions &)>;

    explicit OperationRunner(std::filesystem::path journalFile = core::ops::Journal::defaultPath(),
                             QObject *parent = nullptr);
    /// Cancels a running operation and waits for its thread.
    ~OperationRunner() override;
    OperationRunner(const OperationRunner &) = delete;
    OperationRunner &operator=(const OperationRunner &) = delete;

    [[nodiscard]] const std::filesystem::path &journalFile() const { return m_journalFile; }
    [[nodiscard]] bool isRunning() const { return m_thread != nullptr; }

    /// Starts `work` (kind names it for the journal-id lookup); false when
    /// another operation is still running.
    bool start(const QString &title, const std::string &kind, Work work);
    /// Recovers an interrupted journal entry with the kind's recover().
    bool startRecovery(const core::ops::JournalEntry &entry, Recover recover);
    /// Asks the running operation to stop at its next check.
    void cancel();

    /// Operations left running by a crash (reads the journal; quick).
    [[nodiscard]] core::Result<std::vector<core::ops::JournalEntry>> interrupted() const;

Q_SIGNALS:
    void started(const QString &title);
    /// journalId is 0 until the operation has recorded itself.
    void progress(qint64 journalId, double fraction, const QString &message);
    void finished(const spillway::ui::OperationOutcome &outcome);

private:
    bool launch(const QString &title, const std::string &kind,
                std::function<OperationOutcome(core::ops::Journal &, const core::ops::RunOptions &, qint64 &)> body);

    std::filesystem::path m_journalFile;
    QThread *m_thread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace spillway::ui

Q_DECLARE_METATYPE(spillway::ui::OperationOutcome)
