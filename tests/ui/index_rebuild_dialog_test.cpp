// SPDX-License-Identifier: GPL-3.0-or-later
// The index rebuild dialog on a running lab broker, offscreen, end to end:
// a real lab (spillway-cli lab up), 30000 messages produced with kcat, a
// closed segment's offset index corrupted by the lab's own IndexCorruptor
// while the broker runs; Preview verifies while it runs and names the bad
// segment; the confirmation says the broker will be stopped and started
// again; Apply runs `spillway-cli ops rebuild-index --lab ... --yes` as a
// child process in the runner (progress from the journal it writes): the
// broker is a new process, the index verifies, the bad one is kept, and
// every message reads back.
#include "core/lab/index_corruptor.h"
#include "core/ops/disk_swap.h"
#include "core/ops/journal.h"
#include "core/storage/index/index_verifier.h"
#include "tests/lab/lab_test_support.h"
#include "tests/ops/lab_rebuild_support.h"
#include "tests/ops/ops_test_support.h"
#include "ui/dialogs/broker_context.h"
#include "ui/dialogs/index_rebuild_dialog.h"
#include "ui/operations/operation_runner.h"

#include <catch2/catch.hpp>

#include <QCheckBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTest>

using namespace spillway;
using namespace spillway::ui;
using namespace spillway::test;
namespace fs = std::filesystem;

namespace {

template <class Pred>
bool waitFor(Pred pred, int ms)
{
    for (int waited = 0; waited < ms && !pred(); waited += 20)
        QTest::qWait(20);
    return pred();
}

/// The lab's broker 1 as the console's snapshot sees it: up, its log dirs scanned locally.
BrokerContext labContext(const TestLab &lab)
{
    core::measure::BrokerSnapshot b;
    b.id = core::BrokerId{1};
    b.name = "broker 1";
    b.state = core::measure::BrokerLiveness::Up;
    auto setting = core::ops::swapfiles::readLogDirs(slurp((lab.root() / "broker-1" / "server.properties").string()));
    REQUIRE(setting.ok());
    for (const auto &d : setting->dirs) {
        core::measure::LogDirSnapshot dir;
        dir.path = d.string();
        dir.exists = true;
        dir.source = core::measure::MeasurementSource::LocalScan;
        b.dirs.push_back(dir);
    }
    return BrokerContext::fromSnapshot(b);
}

} // namespace

TEST_CASE("Index rebuild dialog rebuilds a running lab broker's bad index through spillway-cli, stopping and "
          "starting it",
          "[ui][dialogs][index][broker]")
{
    qputenv("SPILLWAY_CLI", QByteArray::fromStdString(kCli));
    TestLab lab(false);
    const auto up = lab.up({"--produce-rate", "0", "--consume-rate", "0"});
    INFO(up.out);
    REQUIRE(up.exitCode == 0);
    const auto produced = produceTagged(lab, 0, 30000, "ui");
    REQUIRE(produced.size() == 30000);
    const fs::path partitionDir = labPartitionDir(lab, 0);
    REQUIRE_FALSE(partitionDir.empty());
    // The drill's own hand, on the running broker's closed segment.
    auto corruption = lab::IndexCorruptor::corrupt(partitionDir);
    INFO((corruption ? corruption->verifierSays : corruption.error().describe()));
    REQUIRE(corruption.ok());
    auto segment = core::SegmentFiles::fromPath(fs::path(corruption->file).replace_extension(".log"));
    REQUIRE(segment.ok());
    REQUIRE_FALSE(core::IndexVerifier::verifyFiles(*segment)->indexesOk());
    const auto pidsBefore = labBrokerPids(lab.root());
    REQUIRE(pidsBefore.size() == 1);

    TempDir state;
    OperationRunner runner(state / "journal.sqlite");
    IndexRebuildDialog dialog(labContext(lab), &runner);
    CHECK_FALSE(dialog.viaCli()); // no target: a running broker it cannot stop
    dialog.setCliTarget({QStringLiteral("--lab"), QString::fromStdString(lab.root().string()),
                         QStringLiteral("--broker"), QStringLiteral("1")});
    REQUIRE(dialog.viaCli());
    const QString logDir = QString::fromStdString(partitionDir.parent_path().string());
    dialog.setScope(logDir, QStringLiteral("testKafka"), 0);
    CHECK(dialog.applyArguments() ==
          QStringList{QStringLiteral("ops"), QStringLiteral("rebuild-index"), QStringLiteral("--journal"),
                      QString::fromStdString((state / "journal.sqlite").string()), QStringLiteral("--lab"),
                      QString::fromStdString(lab.root().string()), QStringLiteral("--broker"), QStringLiteral("1"),
                      QStringLiteral("--dir"), logDir, QStringLiteral("--topic"), QStringLiteral("testKafka"),
                      QStringLiteral("--partition"), QStringLiteral("0"), QStringLiteral("--yes"),
                      QStringLiteral("--json")});

    // Preview while it runs: the bad segment named, nothing stopped or changed.
    QSignalSpy planned(&dialog, &OperationDialog::planReady);
    dialog.preview();
    REQUIRE(waitFor([&] { return planned.count() == 1; }, 120000));
    INFO(dialog.statusLabel()->text().toStdString());
    REQUIRE(planned.at(0).at(0).toBool());
    const QString planText = dialog.planText()->toPlainText();
    INFO(planText.toStdString());
    CHECK(planText.contains(QString::fromStdString(segment->log().string())));
    CHECK(planText.contains(QStringLiteral("stop broker 1")));
    CHECK(planText.contains(QStringLiteral("start broker 1")));
    CHECK(labBrokerPids(lab.root()) == pidsBefore);
    CHECK(entriesStartingWith(partitionDir, segment->offsetIndex().filename().string() + ".corrupt-").empty());
    REQUIRE(dialog.needsConfirmation());
    const QString confirm = dialog.confirmationLabel()->text();
    INFO(confirm.toStdString());
    CHECK(confirm.contains(
        QStringLiteral("broker 1 (id 1) will be stopped, its bad indexes rebuilt, and started again")));
    CHECK_FALSE(dialog.apply()); // not confirmed

    dialog.confirmation()->setChecked(true);
    QSignalSpy progress(&runner, &OperationRunner::progress);
    QSignalSpy finished(&dialog, &OperationDialog::operationFinished);
    REQUIRE(dialog.apply());
    REQUIRE(waitFor([&] { return finished.count() == 1; }, 300000));
    const auto outcome = *dialog.outcome();
    INFO(outcome.message.toStdString());
    CHECK(outcome.ok);
    CHECK(outcome.state == core::ops::OperationState::Done);
    REQUIRE(outcome.journalId > 0);
    CHECK(progress.count() >= 1);

    // Journaled in the runner's journal by the child, step by step.
    auto journal = core::ops::Journal::open(state / "journal.sqlite");
    REQUIRE(journal.ok());
    auto entry = journal->get(outcome.journalId);
    REQUIRE(entry.ok());
    CHECK(entry->kind == "index-rebuild");
    CHECK(entry->state == core::ops::OperationState::Done);
    CHECK(entry->stepDone("stop-broker"));
    CHECK(entry->stepDone("rebuild " + segment->log().string()));
    CHECK(entry->stepDone("start-broker"));

    // The broker runs again (a new process), the index is good, the bad one kept, every message there.
    REQUIRE(waitForPort(lab.port(), std::chrono::seconds(30)));
    const auto pidsAfter = labBrokerPids(lab.root());
    CHECK(pidsAfter.size() == 1);
    CHECK(pidsAfter != pidsBefore);
    CHECK(core::IndexVerifier::verifyFiles(*segment)->indexesOk());
    CHECK(entriesStartingWith(partitionDir, segment->offsetIndex().filename().string() + ".corrupt-").size() == 1);
    CHECK(consumeTagged(lab, 0) == produced);
}
