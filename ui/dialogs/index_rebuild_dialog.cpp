// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/index_rebuild_dialog.h"

#include "core/ops/index_rebuild.h"
#include "ui/lab/lab_commands.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QFormLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QProcess>
#include <QSpinBox>

#include <algorithm>

namespace spillway::ui {
namespace {

constexpr int kCliTimeoutMs = 15 * 60 * 1000;

std::size_t countParams(const core::ops::Plan &plan, const std::string &prefix)
{
    std::size_t n = 0;
    for (const auto &[k, v] : plan.params)
        n += k.rfind(prefix, 0) == 0 ? 1 : 0;
    return n;
}

/// Segments to rebuild plus those to verify again once stopped: what needs the broker stopped.
std::size_t needsStop(const core::ops::Plan &plan)
{
    std::size_t n = countParams(plan, "segment:");
    if (auto it = plan.params.find("recheck"); it != plan.params.end())
        n += static_cast<std::size_t>(std::stoul(it->second));
    return n;
}

/// Runs `spillway-cli` with `arguments` on this (the runner's) thread; while
/// it runs, reports the steps of the index-rebuild entry it records in
/// `journal` (newer than any before it). Returns that entry's id.
core::Result<std::int64_t> runCli(core::ops::Journal &journal, const core::ops::RunOptions &options,
                                  const QStringList &arguments, std::size_t expectedSteps, const std::string &label)
{
    std::int64_t before = 0;
    if (auto all = journal.list())
        for (const auto &e : *all)
            before = std::max(before, e.id);
    QProcess child;
    child.setProcessChannelMode(QProcess::SeparateChannels);
    child.start(spillwayCliPath(), arguments);
    if (!child.waitForStarted(10000))
        return core::makeError(core::Errc::Io, "could not start " + spillwayCliPath().toStdString() + ": " +
                                                   child.errorString().toStdString());
    options.report(0.01, "spillway-cli stops " + label + ", rebuilds its bad indexes and starts it again");
    std::string last;
    bool toldCancel = false;
    QElapsedTimer clock;
    clock.start();
    while (!child.waitForFinished(250)) {
        if (clock.elapsed() > kCliTimeoutMs) {
            child.terminate();
            child.waitForFinished(30000);
            return core::makeError(core::Errc::Io, "spillway-cli ops rebuild-index did not end within 15 minutes",
                                   "see `spillway-cli ops list`; `spillway-cli ops recover` finishes it");
        }
        if (options.cancelled() && !toldCancel) {
            toldCancel = true;
            options.report(0.5, "the rebuild of a stopped broker is not cancelled halfway: it ends by itself and "
                                "starts the broker again");
        }
        auto running = journal.interrupted();
        if (!running)
            continue;
        for (const auto &e : *running) {
            if (e.kind != core::ops::IndexRebuildOperation::kKind || e.id <= before || e.steps.empty())
                continue;
            const auto &step = e.steps.back();
            const std::string text = step.name + (step.state == "done" ? " (done)" : "…");
            if (text == last)
                continue;
            last = text;
            const double done = static_cast<double>(e.steps.size()) / static_cast<double>(expectedSteps + 1);
            options.report(std::min(0.95, done), text);
        }
    }
    const QByteArray out = child.readAllStandardOutput();
    const QByteArray err = child.readAllStandardError().trimmed();
    const QJsonObject doc = QJsonDocument::fromJson(out).object();
    const auto id = static_cast<std::int64_t>(doc.value(QStringLiteral("id")).toDouble(0));
    QString problem = doc.value(QStringLiteral("error")).toString();
    if (const QString restart = doc.value(QStringLiteral("restartError")).toString(); !restart.isEmpty())
        problem += (problem.isEmpty() ? QString() : QStringLiteral("; ")) + restart;
    if (child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0 && id > 0)
        return id;
    if (problem.isEmpty())
        problem = err.isEmpty() ? QStringLiteral("spillway-cli ended with status %1").arg(child.exitCode())
                                : QString::fromUtf8(err);
    return core::makeError(core::Errc::Io, problem.toStdString(),
                           id > 0 ? "see operation " + std::to_string(id) + " in `spillway-cli ops list`"
                                  : std::string("see `spillway-cli ops list`"));
}

} // namespace

QStringList indexRebuildArguments(const QStringList &target, const QString &journal, const QString &dir,
                                  const QString &topic, int partition)
{
    QStringList out{QStringLiteral("ops"), QStringLiteral("rebuild-index"), QStringLiteral("--journal"), journal};
    out << target;
    if (!dir.isEmpty())
        out << QStringLiteral("--dir") << dir;
    if (!topic.isEmpty() && partition >= 0)
        out << QStringLiteral("--topic") << topic << QStringLiteral("--partition") << QString::number(partition);
    out << QStringLiteral("--yes") << QStringLiteral("--json");
    return out;
}

IndexRebuildDialog::IndexRebuildDialog(BrokerContext broker, OperationRunner *runner, QWidget *parent)
    : OperationDialog(runner, parent)
    , m_broker(std::move(broker))
    , m_dir(new QComboBox)
    , m_topic(new QLineEdit)
    , m_partition(new QSpinBox)
{
    setWindowTitle(tr("Verify and rebuild indexes on %1").arg(m_broker.label()));
    setObjectName(QStringLiteral("indexRebuildDialog"));
    updateIntro();
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

void IndexRebuildDialog::setCliTarget(const QStringList &target)
{
    m_target = target;
    updateIntro();
    invalidatePlan();
}

bool IndexRebuildDialog::viaCli() const { return m_broker.running && m_broker.filesLocal && !m_target.isEmpty(); }

void IndexRebuildDialog::updateIntro()
{
    if (viaCli()) {
        setIntro(tr("Preview verifies every segment in scope against its .log while %1 runs (nothing changes) "
                    "and lists the bad .index / .timeindex files. Rebuilding needs the broker stopped: "
                    "spillway-cli stops %1, rebuilds the bad indexes, starts it again and waits until it "
                    "answers, journaled step by step (an interrupted run is finished by Recover). The .log files "
                    "are never touched; old indexes are kept as .corrupt-<time>.")
                     .arg(m_broker.label()));
        return;
    }
    setIntro(tr("Preview verifies every segment in scope against its .log and lists the bad .index / .timeindex "
                "files. Rebuilding is offline: %1 must be stopped (the rebuild refuses while a running broker "
                "holds the log dir's lock). The .log files are never touched; old indexes are kept as "
                ".corrupt-<time>.")
                 .arg(m_broker.label()));
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

QStringList IndexRebuildDialog::applyArguments() const
{
    const auto *runner = runnerPtr();
    const QString journal = runner ? QString::fromStdString(runner->journalFile().string()) : QString();
    return indexRebuildArguments(m_target, journal, m_dir->currentData().toString(), m_topic->text().trimmed(),
                                 m_partition->value());
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
    if (!viaCli())
        return std::function<core::Result<core::ops::Plan>()>(
            [request] { return core::ops::IndexRebuildOperation::plan(request); });
    // The running broker: verified without its lock, nothing changed (as the CLI's plan).
    request.brokerRunning = true;
    const std::string label = m_broker.label().toStdString();
    return std::function<core::Result<core::ops::Plan>()>([request, label]() -> core::Result<core::ops::Plan> {
        auto plan = core::ops::IndexRebuildOperation::plan(request);
        if (!plan)
            return plan.error();
        plan->summary = "the running " + label + ": " + plan->summary;
        if (needsStop(*plan) == 0) {
            plan->steps = {"nothing to do: the broker keeps running"};
            return plan;
        }
        plan->steps.insert(plan->steps.begin(), "stop " + label);
        plan->steps.push_back("start " + label + " again and wait until it answers");
        return plan;
    });
}

OperationRunner::Work IndexRebuildDialog::executor(const core::ops::Plan &plan)
{
    if (!viaCli() || needsStop(plan) == 0)
        return [plan](core::ops::Journal &journal, const core::ops::RunOptions &options) {
            return core::ops::IndexRebuildOperation::execute(journal, plan, options);
        };
    // stop, a step per segment, verify, start.
    const std::size_t steps = countParams(plan, "segment:") + 3;
    return [arguments = applyArguments(), steps,
            label = m_broker.label().toStdString()](core::ops::Journal &journal, const core::ops::RunOptions &options) {
        return runCli(journal, options, arguments, steps, label);
    };
}

QString IndexRebuildDialog::confirmationText(const core::ops::Plan &plan) const
{
    const QString dir = m_dir->currentData().toString();
    const QString where = dir.isEmpty() ? tr("all its log dirs") : dir;
    if (viaCli()) {
        if (needsStop(plan) == 0)
            return {};
        return tr("%1 will be stopped, its bad indexes rebuilt, and started again (%n segment(s) in %2).", nullptr,
                  static_cast<int>(countParams(plan, "segment:")))
            .arg(m_broker.label(), where);
    }
    return tr("I confirm %1 is stopped; rebuild %n index segment(s) in %2.", nullptr,
              static_cast<int>(plan.steps.size() > 0 ? plan.steps.size() - 1 : 0))
        .arg(m_broker.label(), where);
}

} // namespace spillway::ui
