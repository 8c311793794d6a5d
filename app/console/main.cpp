// SPDX-License-Identifier: GPL-3.0-or-later
// spillway: the console. Thin: an application object and the main window.
#include "ui/main_window.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char **argv)
{
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
    parser.process(app);

    spillway::ui::MainWindow window;
    window.show();
    return QApplication::exec();
}
