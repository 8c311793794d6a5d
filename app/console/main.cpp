// SPDX-License-Identifier: GPL-3.0-or-later
// spillway: the console. Thin: an application object and the main window.
#include "ui/main_window.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>
#include <string_view>

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
    parser.setApplicationDescription(QStringLiteral("Operations console for Apache Kafka storage"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption tabOption(QStringLiteral("tab"),
                                       QStringLiteral("Open on this tab: disks, skew, trends, board or consumers."),
                                       QStringLiteral("name"));
    parser.addOption(tabOption);
    parser.process(app);

    spillway::ui::MainWindow window;
    if (parser.isSet(tabOption) && !window.selectTab(parser.value(tabOption))) {
        std::fprintf(stderr, "spillway: unknown tab '%s'\n", qPrintable(parser.value(tabOption)));
        return 2;
    }
    window.show();
    return QApplication::exec();
}
