// SPDX-License-Identifier: GPL-3.0-or-later
// spillway_console_bench: the GUI thread's cost of one monitor refresh with
// 3 brokers x 5 disks x 20,000 partitions (generated), and the process's peak
// RSS. Each round builds a new snapshot (not timed: the monitor's worker does
// that), then times on the GUI thread: MainWindow::applyUpdate, the disk
// board's and the consumers panel's setSnapshot, and processEvents (which
// runs the repaint of the visible tab). Prints median, p95 and max per
// visible tab. Runs offscreen; prints figures, asserts nothing.
#include "core/services/cluster_monitor.h"
#include "tests/ui/ui_ops_support.h"
#include "ui/board/disk_board.h"
#include "ui/board/disk_board_view.h"
#include "ui/consumers/consumers_panel.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QImage>
#include <QTabWidget>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

using namespace spillway;

namespace {

using Clock = std::chrono::steady_clock;

long statusKiB(const char *key)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(key) + ":";
    while (std::getline(in, line))
        if (line.rfind(prefix, 0) == 0)
            return std::strtol(line.c_str() + prefix.size(), nullptr, 10);
    return -1;
}

struct Stats {
    double median = 0, p95 = 0, max = 0;
};

Stats stats(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    Stats s;
    if (ms.empty())
        return s;
    s.median = ms[ms.size() / 2];
    s.p95 = ms[std::min(ms.size() - 1, (ms.size() * 95) / 100)];
    s.max = ms.back();
    return s;
}

std::shared_ptr<const core::MonitorUpdate> makeUpdate(int brokers, int disks, int partitions, int round)
{
    auto update = std::make_shared<core::MonitorUpdate>();
    update->snapshot = test::makeSnapshot(brokers, disks, partitions, round);
    update->round = static_cast<std::uint64_t>(round);
    return update;
}

} // namespace

int main(int argc, char **argv)
{
    ::setenv("QT_QPA_PLATFORM", "offscreen", 0);
    QApplication app(argc, argv);
    const int brokers = 3, disks = 5, partitions = 20000;
    const int rounds = argc > 1 ? std::max(3, std::atoi(argv[1])) : 20;

    ui::MainWindow window;
    auto *board = new ui::DiskBoard;
    auto *consumers = new ui::ConsumersPanel;
    window.setBoardWidget(board);
    window.setConsumersWidget(consumers);
    window.resize(1600, 1000);
    window.show();
    QApplication::processEvents();
    std::printf("spillway_console_bench: %d brokers x %d disks x %d partitions per broker, %d refreshes per tab\n",
                brokers, disks, partitions, rounds);
    std::printf("RSS after start: %ld KiB\n", statusKiB("VmRSS"));

    int round = 0;
    for (const char *tab : {"board", "consumers", "disks", "skew", "trends"}) {
        if (!window.selectTab(QString::fromLatin1(tab))) {
            std::printf("%-10s (no such tab)\n", tab);
            continue;
        }
        std::vector<double> total, models, first, window_, board_, consumers_;
        for (int i = 0; i < rounds; ++i, ++round) {
            auto update = makeUpdate(brokers, disks, partitions, round); // the worker's job, not timed
            const std::shared_ptr<const core::measure::ClusterSnapshot> snapshot(update, &update->snapshot);
            const auto t0 = Clock::now();
            window.applyUpdate(update);
            const auto ta = Clock::now();
            board->setSnapshot(snapshot);
            const auto tb = Clock::now();
            consumers->setSnapshot(snapshot);
            const auto t1 = Clock::now();
            if (i > 0) {
                window_.push_back(std::chrono::duration<double, std::milli>(ta - t0).count());
                board_.push_back(std::chrono::duration<double, std::milli>(tb - ta).count());
                consumers_.push_back(std::chrono::duration<double, std::milli>(t1 - tb).count());
            }
            QApplication::processEvents(); // paints the visible tab
            const auto t2 = Clock::now();
            const double all = std::chrono::duration<double, std::milli>(t2 - t0).count();
            (i == 0 ? first : total).push_back(all);
            if (i > 0)
                models.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        }
        if (std::string_view(tab) == "board") {
            // The board's own paint, alone: 15 lanes' worth of tiles, 20k partitions each broker.
            std::vector<double> paint;
            QImage image(board->view()->size(), QImage::Format_ARGB32_Premultiplied);
            for (int i = 0; i < rounds; ++i) {
                auto update = makeUpdate(brokers, disks, partitions, round++);
                board->setSnapshot(std::shared_ptr<const core::measure::ClusterSnapshot>(update, &update->snapshot));
                const auto p0 = Clock::now();
                board->view()->render(&image);
                paint.push_back(std::chrono::duration<double, std::milli>(Clock::now() - p0).count());
            }
            const Stats p = stats(paint);
            std::printf("board view relayout+paint alone: median %5.1f p95 %5.1f max %5.1f ms\n", p.median, p.p95,
                        p.max);
        }
        const Stats t = stats(total), m = stats(models);
        std::printf("%-10s first %6.1f ms | refresh median %5.1f p95 %5.1f max %5.1f ms | updates median %5.1f "
                    "(window %4.1f, board %4.1f, consumers %4.1f) p95 %5.1f ms\n",
                    tab, first.empty() ? 0.0 : first.front(), t.median, t.p95, t.max, m.median, stats(window_).median,
                    stats(board_).median, stats(consumers_).median, m.p95);
    }
    std::printf("peak RSS (VmHWM): %ld KiB (%.0f MiB)\n", statusKiB("VmHWM"),
                static_cast<double>(statusKiB("VmHWM")) / 1024.0);
    return 0;
}
