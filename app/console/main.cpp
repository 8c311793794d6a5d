// SPDX-License-Identifier: GPL-3.0-or-later
// spillway: the console. Thin: an application object, the main window and
// the cluster monitor that feeds it (the lab by default, --bootstrap for a
// remote cluster).
#include "core/lab/lab_layout.h"
#include "core/lab/lab_state.h"
#include "core/ops/journal.h"
#include "core/services/cluster_monitor.h"
#include "ui/main_window.h"
#include "ui/operations/console_wiring.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <string_view>

namespace {

using spillway::core::ClusterMonitor;
using spillway::core::MonitorConfig;

/// True when the lab at `root` has a state file naming what runs.
bool labIsUp(const spillway::lab::LabLayout &layout)
{
    auto state = spillway::lab::LabState::read(layout.stateFile());
    return state && state->has_value();
}

} // namespace

int main(int argc, char **argv)
{
    // --version must work without a display (packaging checks, ssh sessions):
    // answer it before the QApplication needs a platform plugin.
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (arg == "-v" || arg == "--version") {
            std::printf("spillway %s\n", SPILLWAY_VERSION_STRING);
            return 0;
        }
    }

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("spillway"));
    QApplication::setApplicationDisplayName(QStringLiteral("Spillway"));
    QApplication::setApplicationVersion(QStringLiteral(SPILLWAY_VERSION_STRING));
    QApplication::setOrganizationName(QStringLiteral("spillway"));
    QApplication::setDesktopFileName(QStringLiteral("spillway"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Operations console for Apache Kafka storage. Without options it shows the lab cluster "
                       "(spillway-cli lab up) live."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption tabOption(QStringLiteral("tab"),
                                       QStringLiteral("Open on this tab: disks, skew, trends, board or consumers."),
                                       QStringLiteral("name"));
    const QCommandLineOption bootstrapOption(QStringLiteral("bootstrap"),
                                             QStringLiteral("Watch a remote cluster through these bootstrap "
                                                            "servers (HOST:PORT[,HOST:PORT...]) instead of the lab."),
                                             QStringLiteral("servers"));
    const QCommandLineOption labRootOption(QStringLiteral("lab-root"),
                                           QStringLiteral("The lab's directory (default: the lab's default root)."),
                                           QStringLiteral("dir"));
    const QCommandLineOption intervalOption(QStringLiteral("interval"),
                                            QStringLiteral("Seconds between measurement rounds (default 5)."),
                                            QStringLiteral("seconds"), QStringLiteral("5"));
    parser.addOptions({tabOption, bootstrapOption, labRootOption, intervalOption});
    parser.process(app);

    bool intervalOk = false;
    const int intervalS = parser.value(intervalOption).toInt(&intervalOk);
    if (!intervalOk || intervalS < 1) {
        std::fprintf(stderr, "spillway: --interval wants a whole number of seconds >= 1\n");
        return 2;
    }

    spillway::ui::MainWindow window;
    if (parser.isSet(tabOption) && !window.selectTab(parser.value(tabOption))) {
        std::fprintf(stderr, "spillway: unknown tab '%s'\n", qPrintable(parser.value(tabOption)));
        return 2;
    }
    window.setJournalFile(spillway::core::ops::Journal::defaultPath());
    auto *operations = spillway::ui::wireOperations(window); // board, consumers, dialogs, Lab menu (ui-ops)

    std::unique_ptr<ClusterMonitor> monitor;
    const auto startMonitor = [&](MonitorConfig config) {
        config.interval = std::chrono::seconds(intervalS);
        window.setThresholds(config.thresholds);
        operations->setMonitorConfig(config);
        monitor = std::make_unique<ClusterMonitor>(std::move(config));
        spillway::ui::connectMonitor(window, *monitor);
        operations->attachMonitor(*monitor);
        monitor->start();
    };

    QTimer labWatch;
    if (parser.isSet(bootstrapOption)) {
        MonitorConfig config;
        config.bootstrap = parser.value(bootstrapOption).toStdString();
        window.setNoClusterMessage(QObject::tr("Connecting to %1").arg(parser.value(bootstrapOption)),
                                   QObject::tr("The brokers appear here once the cluster answers. Problems "
                                               "reaching it are counted in the status bar."));
        startMonitor(std::move(config));
    } else {
        const std::filesystem::path root = parser.isSet(labRootOption)
                                               ? std::filesystem::path(parser.value(labRootOption).toStdString())
                                               : spillway::lab::LabLayout::defaultRoot();
        const spillway::lab::LabLayout layout(root);
        const QString rootArg = parser.isSet(labRootOption)
                                    ? QStringLiteral(" --root %1").arg(QString::fromStdString(root.string()))
                                    : QString();
        // Wait for the lab instead of showing it down: start monitoring as
        // soon as `lab up` has written its state.
        const auto tryStart = [&window, &monitor, &labWatch, &startMonitor, root, layout, rootArg] {
            if (monitor)
                return;
            if (!labIsUp(layout)) {
                window.setNoClusterMessage(
                    QObject::tr("The lab is not running"),
                    QObject::tr("Spillway shows the lab cluster at %1 once it runs. Start it with\n\n"
                                "    spillway-cli lab up%2\n\nor watch another cluster with --bootstrap HOST:PORT.")
                        .arg(QString::fromStdString(root.string()), rootArg));
                return;
            }
            auto config = spillway::core::monitorConfigForLab(root);
            if (!config) {
                window.setNoClusterMessage(QObject::tr("The lab cannot be read"),
                                           QString::fromStdString(config.error().describe()));
                return;
            }
            labWatch.stop();
            startMonitor(std::move(*config));
        };
        QObject::connect(&labWatch, &QTimer::timeout, &window, tryStart);
        tryStart();
        if (!monitor)
            labWatch.start(2000);
    }

    window.show();
    const int rc = QApplication::exec();
    monitor.reset();
    return rc;
}
