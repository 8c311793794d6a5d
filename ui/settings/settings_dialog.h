// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/services/broker_registry.h"
#include "ui/settings/console_settings.h"

#include <QDialog>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSettings;
class QSpinBox;

namespace spillway::ui {

/// Settings: the alert thresholds (every AlertThresholds field), the
/// sampling interval, and the brokers of the BrokerRegistry, where an Apache
/// Kafka installation is added from its server.properties and start command
/// (an argv, split like a shell would but never run by one). Thresholds and
/// interval are saved to QSettings on accept; broker adds/removes take effect
/// at once in the registry file. GUI thread.
class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    SettingsDialog(QSettings &settings, core::BrokerRegistry registry, QWidget *parent = nullptr);

    /// What the fields say now.
    [[nodiscard]] ConsoleSettings current() const;
    /// Fields for an Apache Kafka installation, then the registry add; the
    /// error, if any, is shown and returned.
    core::Result<core::BrokerEntry> addKafkaInstallation(const QString &id, const QString &serverProperties,
                                                         const QString &startCommand, const QString &workingDir);
    core::Status removeBroker(const QString &id);
    /// Saves to QSettings and emits settingsChanged.
    void save();

    [[nodiscard]] QListWidget *brokerList() const { return m_brokers; }
    [[nodiscard]] QDoubleSpinBox *usageWarnBox() const { return m_usageWarn; }
    [[nodiscard]] QSpinBox *intervalBox() const { return m_interval; }

Q_SIGNALS:
    void settingsChanged(const spillway::ui::ConsoleSettings &settings);
    void brokersChanged();

private:
    QWidget *buildAlertsPage(const ConsoleSettings &s);
    QWidget *buildBrokersPage();
    void reloadBrokers();

    QSettings &m_settings;
    core::BrokerRegistry m_registry;
    QDoubleSpinBox *m_usageWarn = nullptr;
    QDoubleSpinBox *m_usageCritical = nullptr;
    QDoubleSpinBox *m_clearMargin = nullptr;
    QDoubleSpinBox *m_ttfWarn = nullptr;
    QDoubleSpinBox *m_ttfCritical = nullptr;
    QDoubleSpinBox *m_lagGrowth = nullptr;
    QDoubleSpinBox *m_lagMin = nullptr;
    QDoubleSpinBox *m_skew = nullptr;
    QDoubleSpinBox *m_skewMinMiB = nullptr;
    QDoubleSpinBox *m_brokerSkew = nullptr;
    QCheckBox *m_warnRoot = nullptr;
    QCheckBox *m_warnRf1 = nullptr;
    QCheckBox *m_internal = nullptr;
    QSpinBox *m_interval = nullptr;
    QListWidget *m_brokers = nullptr;
    QLineEdit *m_newId = nullptr;
    QLineEdit *m_newProperties = nullptr;
    QLineEdit *m_newCommand = nullptr;
    QLineEdit *m_newWorkingDir = nullptr;
    QLabel *m_brokerStatus = nullptr;
};

} // namespace spillway::ui
