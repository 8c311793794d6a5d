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
    QString name;         ///< "broker 1"
    QString bootstrap;    ///< host:port for online operations; may be empty
    bool running = false; ///< the snapshot saw the broker up
    /// The broker's log dirs were measured by the local scan (every existing
    /// dir's source is LocalScan): its files are on this machine. False for
    /// a remote broker known only through DescribeLogDirs.
    bool filesLocal = true;
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
    /// Why operations on the broker's files cannot run here, e.g. "broker 3's
    /// log dirs are on another host (kafka3:9092): Spillway can only reach them
    /// through the Kafka protocol"; empty when filesLocal.
    [[nodiscard]] QString filesUnavailableReason() const;

    static BrokerContext fromSnapshot(const core::measure::BrokerSnapshot &broker);
};

} // namespace spillway::ui
