// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/cluster_snapshot.h"

#include <QString>
#include <QStringList>

#include <filesystem>
#include <vector>

namespace spillway::ui {

/// What an operation dialog needs to know about one broker, taken from a
/// snapshot: its id and name, its log dirs, and per dir the partitions with
/// their bytes. Plain value.
struct BrokerContext {
    qint32 broker = 0;
    QString name;                           ///< "broker 1"
    QString bootstrap;                      ///< host:port for online operations; may be empty
    bool running = false;                   ///< the snapshot saw the broker up
    core::measure::BrokerSnapshot snapshot; ///< as measured, for planners that need it all
    struct Partition {
        QString topic;
        int partition = 0;
        qint64 bytes = 0;
    };
    struct Dir {
        QString path;
        qint64 kafkaBytes = 0;
        qint64 freeBytes = -1;
        bool offline = false;
        std::vector<Partition> partitions; ///< largest first
    };
    std::vector<Dir> dirs;

    [[nodiscard]] std::vector<std::filesystem::path> logDirs() const;
    [[nodiscard]] const Dir *dir(const QString &path) const;
    /// "broker 1 (id 1)" for confirmations.
    [[nodiscard]] QString label() const;

    static BrokerContext fromSnapshot(const core::measure::BrokerSnapshot &broker);
};

} // namespace spillway::ui
