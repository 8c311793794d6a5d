// SPDX-License-Identifier: GPL-3.0-or-later
// The disk swap dialog on a real lab broker, offscreen, end to end: Preview
// runs `spillway-cli ops swap-disk` without --yes (the plan names the re-sync
// step), Apply swaps data3 for the spare data4; the CLI's progress lines
// reach the status line and the progress() signal (for the Operations dock)
// with the journal id, up to the re-sync step, which on the lab (RF 1: the
// lab cannot replicate) ends at once with 0 replicated partitions.
#include "tests/lab/lab_test_support.h"
#include "ui/dialogs/broker_context.h"
#include "ui/dialogs/disk_swap_dialog.h"

#include <catch2/catch.hpp>

#include <QCheckBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
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

} // namespace

TEST_CASE("Disk swap dialog swaps a lab disk through spillway-cli and shows the re-sync progress",
          "[ui][dialogs][swap][broker]")
{
    TempDir data;
    qputenv("SPILLWAY_CLI", QByteArray::fromStdString(kCli));
    qputenv("XDG_DATA_HOME", QByteArray::fromStdString(data.path().string())); // the CLI's default journal
    TestLab lab(false);
    const auto up = lab.up({"--produce-rate", "0", "--consume-rate", "0"});
    INFO(up.out);
    REQUIRE(up.exitCode == 0);

    core::measure::BrokerSnapshot b;
    b.id = core::BrokerId{1};
    b.name = "broker 1";
    b.state = core::measure::BrokerLiveness::Up;
    for (const char *d : {"data0", "data1", "data2", "data3"}) {
        core::measure::LogDirSnapshot dir;
        dir.path = lab.disk(d).string();
        dir.exists = true;
        dir.source = core::measure::MeasurementSource::LocalScan;
        b.dirs.push_back(dir);
    }
    DiskSwapDialog dialog(BrokerContext::fromSnapshot(b),
                          {QStringLiteral("--lab"), QString::fromStdString(lab.root().string()),
                           QStringLiteral("--broker"), QStringLiteral("1")});
    dialog.setFrom(QString::fromStdString(lab.disk("data3").string()));
    dialog.setSpare(QString::fromStdString(lab.disk("data4").string()));
    for (auto *box : dialog.findChildren<QCheckBox *>())
        if (box->text().startsWith(QStringLiteral("Accept losing")))
            box->setChecked(true); // RF 1: data3's partitions come back empty

    QSignalSpy finished(&dialog, &DiskSwapDialog::finished);
    dialog.preview();
    REQUIRE(waitFor([&] { return finished.count() == 1; }, 120000));
    const QString plan = dialog.output()->toPlainText();
    INFO(plan.toStdString());
    CHECK(finished.at(0).at(0).toInt() == 0);
    CHECK(plan.contains(QStringLiteral("wait until broker 1 is back in the ISR of its 0 replicated partition(s)")));

    dialog.confirmation()->setChecked(true);
    QSignalSpy progress(&dialog, &DiskSwapDialog::progress);
    REQUIRE(dialog.apply());
    CHECK(dialog.stopWaitingButton()->isVisibleTo(&dialog));
    REQUIRE(waitFor([&] { return finished.count() == 2; }, 300000));
    const QString report = dialog.output()->toPlainText();
    INFO(report.toStdString());
    CHECK(finished.at(1).at(0).toInt() == 0);
    CHECK(report.contains(QStringLiteral("re-sync: 0 of 0 replicated partition(s) of broker 1 in sync (in sync)")));
    CHECK_FALSE(report.contains(QStringLiteral("progress: "))); // progress lines go to the status, not the report
    CHECK(dialog.statusLabel()->text() == QStringLiteral("Done."));
    CHECK_FALSE(dialog.stopWaitingButton()->isVisibleTo(&dialog));
    REQUIRE(progress.count() >= 3);
    bool sawSync = false;
    for (const auto &args : progress) {
        CHECK(args.at(0).toLongLong() > 0); // the journal id: the dock's row
        sawSync = sawSync || args.at(2).toString().contains(QStringLiteral("0 of 0 replicated partition(s)"));
    }
    CHECK(sawSync);
    REQUIRE(waitForPort(lab.port(), std::chrono::seconds(30)));
}
