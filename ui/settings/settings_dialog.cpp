// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/settings/settings_dialog.h"

#include "core/common/command_words.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace spillway::ui {
namespace {

QDoubleSpinBox *spin(double lo, double hi, double value, int decimals, const QString &suffix)
{
    auto *box = new QDoubleSpinBox;
    box->setRange(lo, hi);
    box->setDecimals(decimals);
    box->setValue(value);
    box->setSuffix(suffix);
    return box;
}

QString entryText(const core::BrokerEntry &e)
{
    QString text = QStringLiteral("%1 (%2)").arg(
        QString::fromStdString(e.id),
        QString::fromLatin1(core::toString(e.kind).data(), static_cast<qsizetype>(core::toString(e.kind).size())));
    if (!e.serverProperties.empty())
        text += QStringLiteral(" · ") + QString::fromStdString(e.serverProperties.string());
    if (e.facts && !e.facts->logDirs.empty())
        text += QObject::tr(" · %n log dir(s)", nullptr, static_cast<int>(e.facts->logDirs.size()));
    if (!e.problem.empty())
        text += QObject::tr(" · problem: %1").arg(QString::fromStdString(e.problem));
    return text;
}

} // namespace

SettingsDialog::SettingsDialog(QSettings &settings, core::BrokerRegistry registry, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_registry(std::move(registry))
{
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    const ConsoleSettings s = ConsoleSettings::load(m_settings);
    auto *tabs = new QTabWidget;
    tabs->addTab(buildAlertsPage(s), tr("&Alerts and sampling"));
    tabs->addTab(buildBrokersPage(), tr("&Brokers"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        save();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(buttons);
    reloadBrokers();
}

QWidget *SettingsDialog::buildAlertsPage(const ConsoleSettings &s)
{
    const auto &t = s.thresholds;
    m_usageWarn = spin(1, 100, t.usageWarnPercent, 1, tr(" %"));
    m_usageCritical = spin(1, 100, t.usageCriticalPercent, 1, tr(" %"));
    m_clearMargin = spin(0, 50, t.usageClearMarginPercent, 1, tr(" %"));
    m_ttfWarn = spin(0, 10000, t.timeToFullWarnHours, 1, tr(" h"));
    m_ttfCritical = spin(0, 10000, t.timeToFullCriticalHours, 1, tr(" h"));
    m_lagGrowth = spin(0, 1e9, t.lagGrowthWarnPerSecond, 1, tr(" msg/s"));
    m_lagMin = spin(0, 1e15, static_cast<double>(t.lagMinMessages), 0, tr(" messages"));
    m_skew = spin(0, 1000, t.skewThresholdPercent, 1, tr(" %"));
    m_skewMinMiB = spin(0, 1e9, static_cast<double>(t.skewMinMeanBytes) / (1 << 20), 1, tr(" MiB"));
    m_brokerSkew = spin(0, 1000, t.brokerSkewThresholdPercent, 1, tr(" %"));
    m_warnRoot = new QCheckBox(tr("Warn about log dirs on the root filesystem"));
    m_warnRoot->setChecked(t.warnRootFilesystem);
    m_warnRf1 = new QCheckBox(tr("Warn about topics with replication factor 1"));
    m_warnRf1->setChecked(t.warnReplicationFactorOne);
    m_internal = new QCheckBox(tr("Include internal topics in the replication factor check"));
    m_internal->setChecked(t.includeInternalTopics);
    m_interval = new QSpinBox;
    m_interval->setRange(1, 3600);
    m_interval->setSuffix(tr(" s"));
    m_interval->setValue(static_cast<int>(s.interval.count()));

    auto *page = new QWidget;
    auto *form = new QFormLayout(page);
    form->addRow(tr("Sampling interval:"), m_interval);
    form->addRow(tr("Disk usage warning at:"), m_usageWarn);
    form->addRow(tr("Disk usage critical at:"), m_usageCritical);
    form->addRow(tr("Clear usage alerts below threshold by:"), m_clearMargin);
    form->addRow(tr("Time to full, warning under:"), m_ttfWarn);
    form->addRow(tr("Time to full, critical under:"), m_ttfCritical);
    form->addRow(tr("Consumer lag growing faster than:"), m_lagGrowth);
    form->addRow(tr("…with at least:"), m_lagMin);
    form->addRow(tr("Disk skew above:"), m_skew);
    form->addRow(tr("…when disks hold on average at least:"), m_skewMinMiB);
    form->addRow(tr("Broker skew above:"), m_brokerSkew);
    form->addRow(m_warnRoot);
    form->addRow(m_warnRf1);
    form->addRow(m_internal);
    return page;
}

QWidget *SettingsDialog::buildBrokersPage()
{
    m_brokers = new QListWidget;
    m_brokers->setObjectName(QStringLiteral("settingsBrokerList"));
    auto *remove = new QPushButton(tr("Remove selected…"));
    m_newId = new QLineEdit;
    m_newId->setPlaceholderText(tr("kafka-1"));
    m_newProperties = new QLineEdit;
    m_newProperties->setPlaceholderText(tr("/opt/kafka/config/server.properties"));
    auto *browse = new QPushButton(tr("Browse…"));
    m_newCommand = new QLineEdit;
    m_newCommand->setPlaceholderText(tr("/opt/kafka/bin/kafka-server-start.sh /opt/kafka/config/server.properties"));
    m_newWorkingDir = new QLineEdit;
    m_newWorkingDir->setPlaceholderText(tr("/opt/kafka"));
    auto *add = new QPushButton(tr("Add broker"));
    m_brokerStatus = new QLabel;
    m_brokerStatus->setWordWrap(true);

    auto *propertiesRow = new QHBoxLayout;
    propertiesRow->addWidget(m_newProperties, 1);
    propertiesRow->addWidget(browse);
    auto *group = new QGroupBox(tr("Add an Apache Kafka installation on this machine"));
    auto *form = new QFormLayout(group);
    form->addRow(tr("Name:"), m_newId);
    form->addRow(tr("server.properties:"), propertiesRow);
    form->addRow(tr("Start command:"), m_newCommand);
    form->addRow(tr("Working directory:"), m_newWorkingDir);
    form->addRow(QString(), add);

    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(new QLabel(tr("Brokers (shared with spillway-cli brokers):")));
    layout->addWidget(m_brokers, 1);
    layout->addWidget(remove, 0, Qt::AlignRight);
    layout->addWidget(group);
    layout->addWidget(m_brokerStatus);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file =
            QFileDialog::getOpenFileName(this, tr("server.properties of the broker"), m_newProperties->text(),
                                         tr("Properties (*.properties);;All files (*)"));
        if (!file.isEmpty())
            m_newProperties->setText(file);
    });
    connect(add, &QPushButton::clicked, this, [this] {
        (void)addKafkaInstallation(m_newId->text(), m_newProperties->text(), m_newCommand->text(),
                                   m_newWorkingDir->text());
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        auto *item = m_brokers->currentItem();
        if (!item)
            return;
        const QString id = item->data(Qt::UserRole).toString();
        if (QMessageBox::question(this, tr("Remove broker?"),
                                  tr("Remove %1 from Spillway? Its files and its process are not touched.").arg(id)) ==
            QMessageBox::Yes)
            (void)removeBroker(id);
    });
    return page;
}

void SettingsDialog::reloadBrokers()
{
    m_brokers->clear();
    auto entries = m_registry.load();
    if (!entries) {
        m_brokerStatus->setText(QString::fromStdString(entries.error().describe()));
        return;
    }
    for (const auto &e : *entries) {
        auto *item = new QListWidgetItem(entryText(e), m_brokers);
        item->setData(Qt::UserRole, QString::fromStdString(e.id));
    }
}

core::Result<core::BrokerEntry> SettingsDialog::addKafkaInstallation(const QString &id, const QString &serverProperties,
                                                                     const QString &startCommand,
                                                                     const QString &workingDir)
{
    core::BrokerEntry entry;
    entry.id = id.trimmed().toStdString();
    entry.kind = core::BrokerKind::KafkaInstall;
    entry.serverProperties = serverProperties.trimmed().toStdString();
    auto argv = core::splitCommandWords(startCommand.toStdString());
    if (!argv) {
        m_brokerStatus->setText(tr("Not added: %1").arg(QString::fromStdString(argv.error().describe())));
        return argv.error();
    }
    entry.startCommand = std::move(*argv);
    entry.workingDir = workingDir.trimmed().toStdString();
    auto added = m_registry.add(std::move(entry));
    if (!added) {
        m_brokerStatus->setText(tr("Not added: %1").arg(QString::fromStdString(added.error().describe())));
        return added;
    }
    m_brokerStatus->setText(tr("Added %1.").arg(QString::fromStdString(added->id)));
    m_newId->clear();
    m_newProperties->clear();
    m_newCommand->clear();
    m_newWorkingDir->clear();
    reloadBrokers();
    Q_EMIT brokersChanged();
    return added;
}

core::Status SettingsDialog::removeBroker(const QString &id)
{
    auto st = m_registry.remove(id.toStdString());
    m_brokerStatus->setText(st ? tr("Removed %1.").arg(id)
                               : tr("Not removed: %1").arg(QString::fromStdString(st.error().describe())));
    reloadBrokers();
    if (st)
        Q_EMIT brokersChanged();
    return st;
}

ConsoleSettings SettingsDialog::current() const
{
    ConsoleSettings s;
    auto &t = s.thresholds;
    t.usageWarnPercent = m_usageWarn->value();
    t.usageCriticalPercent = std::max(m_usageCritical->value(), m_usageWarn->value());
    t.usageClearMarginPercent = m_clearMargin->value();
    t.timeToFullWarnHours = m_ttfWarn->value();
    t.timeToFullCriticalHours = m_ttfCritical->value();
    t.lagGrowthWarnPerSecond = m_lagGrowth->value();
    t.lagMinMessages = static_cast<std::int64_t>(m_lagMin->value());
    t.skewThresholdPercent = m_skew->value();
    t.skewMinMeanBytes = static_cast<std::int64_t>(m_skewMinMiB->value() * (1 << 20));
    t.brokerSkewThresholdPercent = m_brokerSkew->value();
    t.warnRootFilesystem = m_warnRoot->isChecked();
    t.warnReplicationFactorOne = m_warnRf1->isChecked();
    t.includeInternalTopics = m_internal->isChecked();
    s.interval = std::chrono::seconds(m_interval->value());
    return s;
}

void SettingsDialog::save()
{
    const ConsoleSettings s = current();
    s.save(m_settings);
    Q_EMIT settingsChanged(s);
}

} // namespace spillway::ui
