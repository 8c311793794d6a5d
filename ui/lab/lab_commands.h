// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace spillway::ui {

/// Parameters of `spillway-cli lab drill <name>`; empty/unset ones are left out.
struct LabDrillArgs {
    QString name;
    int broker = 1;
    QString disk; ///< "data2"
    std::optional<int> ms;
    QString leave; ///< fill-disk --leave SIZE ("64MiB")
    std::optional<int> percent;
    bool remove = false;
    QString topic;
    std::optional<int> partition;
    QString rate; ///< slow-consumer --rate R ("100KiB/s")
};

/// The argv lists (without the program) the lab menu runs; never a shell
/// string. Pure functions, any thread.
QStringList labUpArguments();
QStringList labDownArguments();
QStringList labStatusArguments();
/// Empty rates are left out; at least one must be given (else empty list).
QStringList labLoadArguments(const QString &produceRate, const QString &consumeRate);
QStringList labDrillArguments(const LabDrillArgs &args);

/// The options a drill reads ("--disk", "--ms", ...), from its catalog text.
QStringList drillOptions(const QString &name);
/// Drills that break something (a disk, an index, a running broker) and so
/// ask for confirmation first; heal-disk, restore and slow-consumer do not.
bool drillIsDestructive(const QString &name);
/// Every drill name, in catalog order.
QStringList drillNames();
/// The catalog's one-line summary of a drill.
QString drillSummary(const QString &name);

/// spillway-cli next to the running executable (installed or build tree);
/// $SPILLWAY_CLI overrides.
QString spillwayCliPath();

} // namespace spillway::ui
