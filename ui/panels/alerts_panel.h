// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/measure/alert.h"

#include <QWidget>

#include <span>

class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace spillway::ui {

class AlertsModel;
class PlaceholderView;

/// The alerts dock: the active alerts (most severe first), an Acknowledge
/// button and a fix button named after the selected alert's FixAction
/// ("Swap disk...", "Move partitions..."). It only emits: acknowledgement
/// goes to the monitor, fixes to the operation dialogs. GUI thread.
class AlertsPanel : public QWidget {
    Q_OBJECT
public:
    explicit AlertsPanel(QWidget *parent = nullptr);

    void update(std::span<const core::measure::Alert> alerts);
    [[nodiscard]] AlertsModel *model() const { return m_model; }
    [[nodiscard]] QTableView *view() const { return m_view; }
    [[nodiscard]] PlaceholderView *placeholder() const { return m_placeholder; }
    [[nodiscard]] QPushButton *acknowledgeButton() const { return m_ackButton; }
    [[nodiscard]] QPushButton *fixButton() const { return m_fixButton; }
    /// Selects the alert with this key; false when it is not active.
    bool selectAlert(const QString &key);

Q_SIGNALS:
    void acknowledgeRequested(const QString &key);
    void fixRequested(const spillway::core::measure::FixAction &fix);

private:
    [[nodiscard]] int currentSourceRow() const;
    void updateButtons();

    AlertsModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
    PlaceholderView *m_placeholder;
    QPushButton *m_ackButton;
    QPushButton *m_fixButton;
};

} // namespace spillway::ui
