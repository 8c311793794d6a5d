// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/operations/operation_runner.h"

#include <QThread>

#include <chrono>

namespace spillway::ui {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kProgressInterval = std::chrono::milliseconds(50);

QString describe(const core::Error &error) { return QString::fromStdString(error.describe()); }

/// The largest id in the journal (0 if empty): the operation about to run
/// gets a larger one.
qint64 maxJournalId(core::ops::Journal &journal)
{
    auto all = journal.list();
    qint64 id = 0;
    if (all)
        for (const auto &e : *all)
            id = std::max<qint64>(id, e.id);
    return id;
}

/// The newest running entry of `kind` newer than `after`: the one this run began.
qint64 findRunningEntry(core::ops::Journal &journal, const std::string &kind, qint64 after)
{
    auto running = journal.interrupted();
    qint64 id = 0;
    if (running)
        for (const auto &e : *running)
            if (e.kind == kind && e.id > after)
                id = std::max<qint64>(id, e.id);
    return id;
}

} // namespace

OperationRunner::OperationRunner(std::filesystem::path journalFile, QObject *parent)
    : QObject(parent)
    , m_journalFile(std::move(journalFile))
{}

OperationRunner::~OperationRunner()
{
    if (m_thread) {
        m_cancel->store(true);
        m_thread->wait();
        delete m_thread;
    }
}

void OperationRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

core::Result<std::vector<core::ops::JournalEntry>> OperationRunner::interrupted() const
{
    auto journal = core::ops::Journal::open(m_journalFile);
    if (!journal)
        return journal.error();
    return journal->interrupted();
}

bool OperationRunner::start(const QString &title, const std::string &kind, Work work)
{
    return launch(
        title, kind,
        [work = std::move(work)](core::ops::Journal &journal, const core::ops::RunOptions &options, qint64 &journalId) {
            OperationOutcome out;
            auto result = work(journal, options);
            if (result)
                journalId = *result;
            out.journalId = journalId;
            if (journalId > 0) {
                if (auto entry = journal.get(journalId)) {
                    out.state = entry->state;
                    out.message = QString::fromStdString(entry->summary);
                }
            }
            out.ok = result.ok() && out.state == core::ops::OperationState::Done;
            if (!result)
                out.message = describe(result.error());
            return out;
        });
}

bool OperationRunner::startRecovery(const core::ops::JournalEntry &entry, Recover recover)
{
    return launch(tr("Recover operation %1 (%2)").arg(entry.id).arg(QString::fromStdString(entry.kind)), entry.kind,
                  [entry, recover = std::move(recover)](core::ops::Journal &journal,
                                                        const core::ops::RunOptions &options, qint64 &journalId) {
                      journalId = entry.id;
                      OperationOutcome out;
                      out.journalId = entry.id;
                      auto result = recover(journal, entry, options);
                      if (!result) {
                          out.message = describe(result.error());
                          return out;
                      }
                      out.state = *result;
                      out.ok = *result == core::ops::OperationState::Done ||
                               *result == core::ops::OperationState::RolledBack;
                      if (auto e = journal.get(entry.id))
                          out.message = QString::fromStdString(e->summary);
                      return out;
                  });
}

bool OperationRunner::launch(
    const QString &title, const std::string &kind,
    std::function<OperationOutcome(core::ops::Journal &, const core::ops::RunOptions &, qint64 &)> body)
{
    if (m_thread)
        return false;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    auto outcome = std::make_shared<OperationOutcome>();
    auto cancel = m_cancel;
    const auto file = m_journalFile;
    m_thread = QThread::create([this, file, kind, cancel, outcome, body = std::move(body)] {
        // The journal is opened, used and closed on this worker thread only.
        auto journal = core::ops::Journal::open(file);
        if (!journal) {
            outcome->message = describe(journal.error());
            return;
        }
        const qint64 before = maxJournalId(*journal);
        qint64 journalId = 0;
        auto last = Clock::now() - kProgressInterval;
        core::ops::RunOptions options;
        options.cancel = cancel.get();
        options.progress = [&](double fraction, std::string_view message) {
            if (journalId == 0)
                journalId = findRunningEntry(*journal, kind, before);
            const auto now = Clock::now();
            if (now - last < kProgressInterval && fraction < 1.0)
                return;
            last = now;
            QMetaObject::invokeMethod(
                this,
                [this, id = journalId, fraction,
                 text = QString::fromUtf8(message.data(), static_cast<qsizetype>(message.size()))] {
                    Q_EMIT progress(id, fraction, text);
                },
                Qt::QueuedConnection);
        };
        *outcome = body(*journal, options, journalId);
    });
    m_thread->setObjectName(QStringLiteral("operation-runner"));
    connect(m_thread, &QThread::finished, this, [this, outcome] {
        m_thread->deleteLater();
        m_thread = nullptr;
        Q_EMIT finished(*outcome);
    });
    Q_EMIT started(title);
    m_thread->start();
    return true;
}

} // namespace spillway::ui
