// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/lab/lab_menu.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace spillway::ui {

LabLogDialog::LabLogDialog(QString program, QStringList arguments, QWidget *parent)
    : QDialog(parent)
    , m_program(std::move(program))
    , m_arguments(std::move(arguments))
    , m_log(new QPlainTextEdit)
    , m_status(new QLabel)
    , m_stop(new QPushButton(tr("Stop")))
{
    setWindowTitle(tr("spillway-cli %1").arg(m_arguments.mid(0, 3).join(QLatin1Char(' '))));
    m_log->setReadOnly(true);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setMaximumBlockCount(5000);
    auto *close = new QPushButton(tr("Close"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_stop);
    buttons->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(QStringLiteral("$ %1 %2").arg(m_program, m_arguments.join(QLatin1Char(' ')))));
    layout->addWidget(m_log, 1);
    layout->addLayout(buttons);
    resize(760, 420);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_process, &QProcess::readyRead, this,
            [this] { m_log->appendPlainText(QString::fromUtf8(m_process.readAll()).trimmed()); });
    connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        m_finished = true;
        m_stop->setEnabled(false);
        m_status->setText(status == QProcess::CrashExit ? tr("stopped by a signal")
                          : code == 0                   ? tr("done")
                                                        : tr("failed (exit status %1)").arg(code));
        Q_EMIT commandFinished(status == QProcess::CrashExit ? -1 : code);
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        m_finished = true;
        m_stop->setEnabled(false);
        m_status->setText(tr("could not start %1: %2").arg(m_program, m_process.errorString()));
        Q_EMIT commandFinished(-1);
    });
    connect(m_stop, &QPushButton::clicked, &m_process, &QProcess::terminate);
    connect(close, &QPushButton::clicked, this, &QDialog::close);
}

LabLogDialog::~LabLogDialog()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(10000))
            m_process.kill();
        m_process.waitForFinished(2000);
    }
}

void LabLogDialog::start()
{
    m_status->setText(tr("running…"));
    m_process.start(m_program, m_arguments);
}

void LabLogDialog::closeEvent(QCloseEvent *event)
{
    if (!m_finished) {
        // A lab command half done leaves the lab half up: let it finish.
        m_status->setText(tr("still running: press Stop to end it first"));
        event->ignore();
        return;
    }
    QDialog::closeEvent(event);
}

DrillDialog::DrillDialog(const QString &drill, QWidget *parent) : QDialog(parent)
{
    m_base.name = drill;
    setWindowTitle(tr("Drill: %1").arg(drill));
    auto *form = new QFormLayout;
    auto *summary = new QLabel(drillSummary(drill));
    summary->setWordWrap(true);
    auto *broker = new QSpinBox;
    broker->setRange(1, 64);
    form->addRow(tr("Broker:"), broker);
    const QStringList options = drillOptions(drill);
    std::vector<std::function<void(LabDrillArgs &)>> collectors;
    collectors.emplace_back([broker](LabDrillArgs &a) { a.broker = broker->value(); });
    if (options.contains(QStringLiteral("--disk"))) {
        auto *disk = new QLineEdit(QStringLiteral("data0"));
        form->addRow(tr("Disk:"), disk);
        collectors.emplace_back([disk](LabDrillArgs &a) { a.disk = disk->text(); });
    }
    if (options.contains(QStringLiteral("--ms"))) {
        auto *ms = new QSpinBox;
        ms->setRange(1, 60000);
        ms->setValue(200);
        ms->setSuffix(tr(" ms"));
        form->addRow(tr("Delay per operation:"), ms);
        collectors.emplace_back([ms](LabDrillArgs &a) { a.ms = ms->value(); });
    }
    if (options.contains(QStringLiteral("--leave"))) {
        auto *leave = new QLineEdit;
        leave->setPlaceholderText(tr("e.g. 16MiB (empty: fill completely)"));
        form->addRow(tr("Leave free:"), leave);
        collectors.emplace_back([leave](LabDrillArgs &a) { a.leave = leave->text(); });
    }
    if (options.contains(QStringLiteral("--percent"))) {
        auto *percent = new QSpinBox;
        percent->setRange(0, 100);
        percent->setSpecialValueText(tr("not set"));
        form->addRow(tr("Fill to percent:"), percent);
        collectors.emplace_back([percent](LabDrillArgs &a) {
            if (percent->value() > 0)
                a.percent = percent->value();
        });
    }
    if (options.contains(QStringLiteral("--remove"))) {
        auto *remove = new QCheckBox(tr("Remove the filler files instead"));
        form->addRow(QString(), remove);
        collectors.emplace_back([remove](LabDrillArgs &a) { a.remove = remove->isChecked(); });
    }
    if (options.contains(QStringLiteral("--topic"))) {
        auto *topic = new QLineEdit;
        topic->setPlaceholderText(tr("default: the lab topic"));
        form->addRow(tr("Topic:"), topic);
        collectors.emplace_back([topic](LabDrillArgs &a) { a.topic = topic->text(); });
    }
    if (options.contains(QStringLiteral("--partition"))) {
        auto *partition = new QSpinBox;
        partition->setRange(-1, 1 << 16);
        partition->setValue(-1);
        partition->setSpecialValueText(tr("the one with the most data"));
        form->addRow(tr("Partition:"), partition);
        collectors.emplace_back([partition](LabDrillArgs &a) {
            if (partition->value() >= 0)
                a.partition = partition->value();
        });
    }
    if (options.contains(QStringLiteral("--rate"))) {
        auto *rate = new QLineEdit;
        rate->setPlaceholderText(tr("e.g. 20KiB/s (default: a tenth of the produce rate)"));
        form->addRow(tr("Consume rate:"), rate);
        collectors.emplace_back([rate](LabDrillArgs &a) { a.rate = rate->text(); });
    }
    m_collect = [collectors](LabDrillArgs &a) {
        for (const auto &c : collectors)
            c(a);
    };
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Run drill"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(summary);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

LabDrillArgs DrillDialog::arguments() const
{
    LabDrillArgs a = m_base;
    m_collect(a);
    return a;
}

namespace {

void runCli(QWidget *parent, const QStringList &arguments)
{
    auto *dialog = new LabLogDialog(spillwayCliPath(), arguments, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    dialog->start();
}

void askLoadRates(QWidget *parent)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(QObject::tr("Lab load rates"));
    auto *produce = new QLineEdit;
    auto *consume = new QLineEdit;
    produce->setPlaceholderText(QObject::tr("e.g. 512KiB/s, 1000msg/s, 0, unlimited (empty: unchanged)"));
    consume->setPlaceholderText(QObject::tr("e.g. 256KiB/s (empty: unchanged)"));
    auto *form = new QFormLayout;
    form->addRow(QObject::tr("Produce rate:"), produce);
    form->addRow(QObject::tr("Consume rate:"), consume);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(&dialog);
    layout->addLayout(form);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QStringList args = labLoadArguments(produce->text(), consume->text());
    if (args.isEmpty()) {
        QMessageBox::information(parent, QObject::tr("Lab load rates"), QObject::tr("Nothing to change."));
        return;
    }
    runCli(parent, args);
}

void runDrill(QWidget *parent, const QString &name)
{
    DrillDialog dialog(name, parent);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const LabDrillArgs args = dialog.arguments();
    if (drillIsDestructive(name)) {
        const QString target = args.disk.isEmpty()
                                   ? QObject::tr("lab broker %1").arg(args.broker)
                                   : QObject::tr("disk %1 of lab broker %2").arg(args.disk).arg(args.broker);
        const auto answer = QMessageBox::warning(
            parent, QObject::tr("Run drill %1?").arg(name),
            QObject::tr("The drill %1 really does this to %2: %3\n\nRun it?").arg(name, target, drillSummary(name)),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes)
            return;
    }
    runCli(parent, labDrillArguments(args));
}

} // namespace

QMenu *createLabMenu(QWidget *parent)
{
    auto *menu = new QMenu(QObject::tr("&Lab"), parent);
    menu->setObjectName(QStringLiteral("labMenu"));
    menu->addAction(QObject::tr("Lab &up"), parent, [parent] { runCli(parent, labUpArguments()); });
    menu->addAction(QObject::tr("Lab &down"), parent, [parent] {
        if (QMessageBox::question(parent, QObject::tr("Stop the lab?"),
                                  QObject::tr("Stop the lab's load generator and broker and unmount its disks? "
                                              "The data stays.")) == QMessageBox::Yes)
            runCli(parent, labDownArguments());
    });
    menu->addAction(QObject::tr("Lab &status"), parent, [parent] { runCli(parent, labStatusArguments()); });
    menu->addSeparator();
    menu->addAction(QObject::tr("Load &rates…"), parent, [parent] { askLoadRates(parent); });
    auto *drills = menu->addMenu(QObject::tr("&Drills"));
    for (const QString &name : drillNames()) {
        // Every drill asks its options first, hence the ellipsis.
        QAction *action =
            drills->addAction(name + QStringLiteral("…"), parent, [parent, name] { runDrill(parent, name); });
        action->setToolTip(drillSummary(name));
        action->setData(name);
    }
    drills->setToolTipsVisible(true);
    return menu;
}

} // namespace spillway::ui
