// SPDX-License-Identifier: GPL-3.0-or-later
// connectMonitor(): kept apart from main_window.cpp so that programs that
// only feed generated updates (tests, benchmarks) need no monitor.
#include "ui/main_window.h"

namespace spillway::ui {

void connectMonitor(MainWindow &window, core::ClusterMonitor &monitor)
{
    QObject::connect(&monitor, &core::ClusterMonitor::updated, &window, &MainWindow::applyUpdate);
    QObject::connect(&monitor, &core::ClusterMonitor::diskSeriesReady, &window, &MainWindow::setDiskSeries);
    QObject::connect(&window, &MainWindow::refreshRequested, &monitor, &core::ClusterMonitor::refreshNow);
    QObject::connect(&window, &MainWindow::acknowledgeRequested, &monitor, &core::ClusterMonitor::acknowledge);
    QObject::connect(&window, &MainWindow::diskSeriesRequested, &monitor,
                     [&monitor](quint64 id, int broker, const QString &dir, qint64 from, qint64 to, int maxPoints) {
                         monitor.requestDiskSeries(id, core::BrokerId(broker), dir, from, to, maxPoints);
                     });
    if (auto latest = monitor.latest())
        window.applyUpdate(latest);
}

} // namespace spillway::ui
