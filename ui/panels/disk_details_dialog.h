// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/cluster_snapshot.h"

#include <QDialog>

class QFormLayout;
class QLabel;
class QTableView;

namespace spillway::ui {

class PartitionListModel;

/// The details of one log dir: path, device, mount point, whether it is a
/// mount of its own or on the root filesystem, usage, growth and time to
/// full, and its partitions by size. Non-modal; setDir() refreshes it in
/// place. GUI thread.
class DiskDetailsDialog : public QDialog {
    Q_OBJECT
public:
    explicit DiskDetailsDialog(QWidget *parent = nullptr);

    void setDir(const QString &brokerName, core::BrokerId broker, const core::measure::LogDirSnapshot &dir);
    [[nodiscard]] core::BrokerId broker() const { return m_broker; }
    [[nodiscard]] const std::string &dir() const { return m_dir; }
    [[nodiscard]] PartitionListModel *partitions() const { return m_partitions; }
    /// The value label of a form row by its field name ("Device"), for tests.
    [[nodiscard]] QString field(const QString &name) const;

private:
    void setField(int row, const QString &value);

    core::BrokerId m_broker{0};
    std::string m_dir;
    QLabel *m_title;
    QFormLayout *m_form;
    std::vector<QLabel *> m_values;
    PartitionListModel *m_partitions;
    QTableView *m_table;
};

} // namespace spillway::ui
