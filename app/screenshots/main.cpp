// SPDX-License-Identifier: GPL-3.0-or-later
// spillway-screenshots: renders the console's main window and each tab at
// 1400x900 on the offscreen platform, fed by a ClusterMonitor watching a
// running lab, and saves PNGs (main.png, disks.png, skew.png, trends.png,
// board.png, consumers.png, disk-details.png, retention-remote.png) for the docs.
//
//   spillway-screenshots --out DIR [--lab-root R] [--updates N] [--timeout S]
#include "core/services/cluster_monitor.h"
#include "ui/charts/usage_trend_chart.h"
#include "ui/dialogs/broker_context.h"
#include "ui/dialogs/retention_shrink_dialog.h"
#include "ui/main_window.h"
#include "ui/models/cluster_tree_model.h"
#include "ui/operations/console_wiring.h"
#include "ui/operations/operation_runner.h"
#include "ui/panels/disk_details_dialog.h"
#include "ui/panels/disks_panel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QDir>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QThread>
#include <QTreeView>

#include <cstdio>
#include <filesystem>
#include <functional>

namespace {

/// Runs the event loop until `done` or the deadline; false on timeout.
bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(10);
    }
    return true;
}

void settle(int ms)
{
    waitFor([] { return false; }, ms);
}

bool save(QWidget &widget, const QDir &out, const QString &name)
{
    const QString file = out.filePath(name);
    if (!widget.grab().save(file, "PNG")) {
        std::fprintf(stderr, "spillway-screenshots: cannot write %s\n", qPrintable(file));
        return false;
    }
    std::printf("%s\n", qPrintable(file));
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("spillway-screenshots"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Renders the console's screens on a running lab as PNGs."));
    parser.addHelpOption();
    const QCommandLineOption outOption(QStringLiteral("out"), QStringLiteral("Directory for the PNGs."),
                                       QStringLiteral("dir"));
    const QCommandLineOption rootOption(QStringLiteral("lab-root"), QStringLiteral("The lab's directory."),
                                        QStringLiteral("dir"));
    const QCommandLineOption updatesOption(QStringLiteral("updates"),
                                           QStringLiteral("Monitor rounds to wait for (default 3)."),
                                           QStringLiteral("n"), QStringLiteral("3"));
    const QCommandLineOption timeoutOption(QStringLiteral("timeout"),
                                           QStringLiteral("Seconds to wait for them (default 90)."),
                                           QStringLiteral("s"), QStringLiteral("90"));
    parser.addOptions({outOption, rootOption, updatesOption, timeoutOption});
    parser.process(app);
    if (!parser.isSet(outOption)) {
        std::fprintf(stderr, "spillway-screenshots: --out DIR is required\n");
        return 2;
    }
    QDir out(parser.value(outOption));
    if (!out.mkpath(QStringLiteral("."))) {
        std::fprintf(stderr, "spillway-screenshots: cannot create %s\n", qPrintable(out.path()));
        return 1;
    }

    auto config = spillway::core::monitorConfigForLab(
        parser.isSet(rootOption) ? std::filesystem::path(parser.value(rootOption).toStdString())
                                 : std::filesystem::path());
    if (!config) {
        std::fprintf(stderr, "spillway-screenshots: %s\n", config.error().describe().c_str());
        return 1;
    }
    config->interval = std::chrono::milliseconds(2000);
    const std::string bootstrap =
        config->localBrokers.empty() ? config->bootstrap : config->localBrokers.front().bootstrap;

    spillway::ui::MainWindow window;
    window.setThresholds(config->thresholds);
    window.resize(1400, 900);
    window.show();
    // ui-ops' board and consumers tabs, fed by the same monitor.
    spillway::ui::OperationsWiring *operations = spillway::ui::wireOperations(window);
    operations->setMonitorConfig(*config);
    spillway::core::ClusterMonitor monitor(std::move(*config));
    operations->attachMonitor(monitor);
    int updates = 0;
    QObject::connect(&monitor, &spillway::core::ClusterMonitor::updated, &window, [&updates] { ++updates; });
    spillway::ui::connectMonitor(window, monitor);
    monitor.start();

    const int wanted = parser.value(updatesOption).toInt();
    if (!waitFor([&] { return updates >= wanted; }, parser.value(timeoutOption).toInt() * 1000)) {
        std::fprintf(stderr, "spillway-screenshots: only %d of %d updates arrived\n", updates, wanted);
        return 1;
    }

    // Open the fullest dir so the tree shows its partitions and the trends tab its forecast.
    QTreeView *tree = window.clusterTreeView();
    QModelIndex fullest;
    double fullestPercent = -1;
    if (auto last = window.lastUpdate()) {
        for (const auto &b : last->snapshot.brokers)
            for (const auto &d : b.dirs)
                if (d.usage && d.usage->usedPercent() > fullestPercent) {
                    fullestPercent = d.usage->usedPercent();
                    fullest = window.clusterModel()->indexOfDir(b.id, d.path);
                }
    }
    if (fullest.isValid()) {
        tree->expand(fullest);
        tree->setCurrentIndex(fullest);
    }

    bool ok = true;
    const struct {
        const char *tab;
        const char *file;
    } shots[] = {{"disks", "main.png"},    {"disks", "disks.png"}, {"skew", "skew.png"},
                 {"trends", "trends.png"}, {"board", "board.png"}, {"consumers", "consumers.png"}};
    for (const auto &shot : shots) {
        window.selectTab(QLatin1String(shot.tab));
        settle(QLatin1String(shot.tab) == QLatin1String("trends") ? 1500 : 400);
        ok = save(window, out, QLatin1String(shot.file)) && ok;
    }

    window.selectTab(QStringLiteral("disks"));
    settle(300);
    window.disksPanel()->openDetails(0);
    settle(400);
    auto *details = window.disksPanel()->detailsDialog();
    if (details)
        ok = save(*details, out, QStringLiteral("disk-details.png")) && ok;
    if (details)
        details->close();

    // The retention shrink as a remote cluster's broker gets it (protocol only, an upper estimate): the
    // context has no local files, as for a cluster reached by its bootstrap servers alone.
    if (auto last = window.lastUpdate(); last && !last->snapshot.brokers.empty() && !bootstrap.empty()) {
        auto remote = last->snapshot.brokers.front();
        for (auto &d : remote.dirs)
            d.source = spillway::core::measure::MeasurementSource::DescribeLogDirs;
        auto context = spillway::ui::BrokerContext::fromSnapshot(remote);
        context.bootstrap = QString::fromStdString(bootstrap);
        QTemporaryDir journalDir;
        spillway::ui::OperationRunner runner(std::filesystem::path(journalDir.path().toStdString()) / "journal.sqlite");
        spillway::ui::RetentionShrinkDialog shrink(context, &runner);
        shrink.setTopicTarget({QStringLiteral("testKafka")}, 10LL * 60 * 1000);
        shrink.resize(900, 700);
        shrink.show();
        bool planned = false;
        QObject::connect(&shrink, &spillway::ui::OperationDialog::planReady, &shrink, [&planned] { planned = true; });
        shrink.preview();
        if (waitFor([&planned] { return planned; }, 30000)) {
            settle(300);
            ok = save(shrink, out, QStringLiteral("retention-remote.png")) && ok;
        } else {
            std::fprintf(stderr, "spillway-screenshots: the remote retention preview did not come\n");
            ok = false;
        }
        shrink.close();
    }
    monitor.stop();
    return ok ? 0 : 1;
}
