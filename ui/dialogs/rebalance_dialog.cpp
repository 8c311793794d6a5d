// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/rebalance_dialog.h"

#include "core/ops/online_move.h"
#include "core/ops/partition_move.h"
#include "core/ops/rebalance_plan.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QSpinBox>
#include <QStandardItemModel>

#include <limits>

namespace spillway::ui {
namespace {

constexpr const char *kOfflineKind = "partition-move";

/// One offline move as a plan parameter: "topic\tpartition\tfrom\tto".
std::string encodeMove(const core::ops::RebalanceMove &m)
{
    return m.topic + '\t' + std::to_string(m.partition.get()) + '\t' + m.from + '\t' + m.to;
}

std::optional<core::ops::RebalanceMove> decodeMove(const std::string &text)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i)
        if (i == text.size() || text[i] == '\t') {
            parts.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    if (parts.size() != 4)
        return std::nullopt;
    core::ops::RebalanceMove m;
    m.topic = parts[0];
    m.partition = core::PartitionId{std::atoi(parts[1].c_str())};
    m.from = parts[2];
    m.to = parts[3];
    return m;
}

std::vector<core::ops::DiskUsageChange> diskChanges(const core::ops::RebalancePlan &plan)
{
    std::vector<core::ops::DiskUsageChange> out;
    for (const auto &d : plan.disks)
        out.push_back({d.dir, d.bytesBefore, d.bytesAfter, d.freeBefore.value_or(0), d.freeAfter.value_or(0)});
    return out;
}

} // namespace

RebalanceDialog::RebalanceDialog(BrokerContext broker, OperationRunner *runner, QWidget *parent)
    : OperationDialog(runner, parent)
    , m_broker(std::move(broker))
    , m_threshold(new QDoubleSpinBox)
    , m_maxMoves(new QSpinBox)
    , m_mode(new QComboBox)
    , m_throttle(new QSpinBox)
{
    setWindowTitle(tr("Rebalance the disks of %1").arg(m_broker.label()));
    setObjectName(QStringLiteral("rebalanceDialog"));
    setIntro(tr("Plans the fewest partition moves that bring every disk of %1 within the threshold of the "
                "broker's mean, never onto a disk that would be left without its free margin or that fills "
                "fastest. Online moves run on the running broker (throttled); offline moves need it stopped.")
                 .arg(m_broker.label()));
    m_threshold->setRange(1, 100);
    m_threshold->setValue(10);
    m_threshold->setSuffix(tr(" % of the mean"));
    m_maxMoves->setRange(1, 1000);
    m_maxMoves->setValue(64);
    m_mode->addItem(tr("Online (AlterReplicaLogDirs, throttled)"), true);
    m_mode->addItem(tr("Offline (broker stopped)"), false);
    if (m_broker.bootstrap.isEmpty()) {
        if (auto *model = qobject_cast<QStandardItemModel *>(m_mode->model()))
            model->item(0)->setEnabled(false);
        m_mode->setCurrentIndex(1);
    } else if (!m_broker.running && m_broker.filesLocal) {
        m_mode->setCurrentIndex(1);
    }
    if (!m_broker.filesLocal) {
        // The offline moves copy the partitions' files: they need them on this machine.
        const QString reason = m_broker.filesUnavailableReason();
        if (auto *model = qobject_cast<QStandardItemModel *>(m_mode->model()))
            model->item(1)->setEnabled(false);
        m_mode->setItemData(1, reason, Qt::ToolTipRole);
        if (!m_broker.bootstrap.isEmpty()) {
            m_mode->setCurrentIndex(0);
            setLimitation(tr("Offline moves unavailable: %1. Online moves run through the broker.").arg(reason));
        } else {
            setUnavailable(
                tr("Offline moves unavailable: %1, and no address of it is known for online moves.").arg(reason));
        }
    }
    m_throttle->setRange(0, std::numeric_limits<int>::max());
    m_throttle->setSingleStep(1 << 20);
    m_throttle->setSuffix(tr(" B/s"));
    m_throttle->setSpecialValueText(tr("unthrottled"));
    m_throttle->setValue(50 << 20);
    form()->addRow(tr("Balanced within:"), m_threshold);
    form()->addRow(tr("At most:"), m_maxMoves);
    form()->addRow(tr("Mode:"), m_mode);
    form()->addRow(tr("Throttle (online):"), m_throttle);
    connect(m_threshold, &QDoubleSpinBox::valueChanged, this, [this] { invalidatePlan(); });
    connect(m_maxMoves, &QSpinBox::valueChanged, this, [this] { invalidatePlan(); });
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] { invalidatePlan(); });
    connect(m_throttle, &QSpinBox::valueChanged, this, [this] { invalidatePlan(); });
}

void RebalanceDialog::setOffline(bool offline)
{
    if (offline && !m_broker.filesLocal)
        return; // the offline moves need the broker's files here
    m_mode->setCurrentIndex(m_mode->findData(!offline));
}

core::Result<std::function<core::Result<core::ops::Plan>()>> RebalanceDialog::planJob()
{
    core::ops::RebalanceOptions options;
    options.thresholdPercent = m_threshold->value();
    options.maxMoves = static_cast<std::size_t>(m_maxMoves->value());
    const bool online = m_mode->currentData().toBool();
    if (!online && !m_broker.filesLocal)
        return core::makeError(core::Errc::InvalidArgument, m_broker.filesUnavailableReason().toStdString(),
                               "use the online moves");
    const auto snapshot = m_broker.snapshot;
    const auto logDirs = m_broker.logDirs();
    const std::string bootstrap = m_broker.bootstrap.toStdString();
    const std::string label = m_broker.name.toStdString();
    const std::int64_t throttle = m_throttle->value();
    return std::function<core::Result<core::ops::Plan>()>([=]() -> core::Result<core::ops::Plan> {
        const auto rebalance = core::ops::planRebalance(snapshot, options);
        if (rebalance.moves.empty())
            return core::makeError(core::Errc::InvalidArgument, "no move to make: " + rebalance.describe());
        core::ops::Plan plan;
        if (online) {
            core::ops::OnlineMoveRequest request;
            request.bootstrap = bootstrap;
            request.broker = snapshot.id;
            request.throttleBytesPerSecond = throttle;
            for (const auto &m : rebalance.moves)
                request.targets.push_back({m.topic, m.partition, m.to});
            auto made = core::ops::OnlineMove::plan(request);
            if (!made)
                return made.error();
            plan = std::move(*made);
        } else {
            plan.kind = kOfflineKind;
            plan.params["broker"] = label;
            for (std::size_t i = 0; i < rebalance.moves.size(); ++i) {
                const auto &m = rebalance.moves[i];
                plan.params["move:" + std::to_string(i)] = encodeMove(m);
                plan.steps.push_back("move " + m.topic + "-" + std::to_string(m.partition.get()) + " from " + m.from +
                                     " to " + m.to + " (" + std::to_string(m.bytes) + " bytes)");
            }
            for (const auto &d : logDirs)
                plan.params["dir:" + d.string()] = d.string();
        }
        plan.disks = diskChanges(rebalance);
        plan.summary = rebalance.describe();
        return plan;
    });
}

OperationRunner::Work RebalanceDialog::executor(const core::ops::Plan &plan)
{
    if (plan.kind == core::ops::OnlineMove::kKind)
        return [plan](core::ops::Journal &journal, const core::ops::RunOptions &options) {
            return core::ops::OnlineMove::execute(journal, plan, options);
        };
    return [plan](core::ops::Journal &journal, const core::ops::RunOptions &options) -> core::Result<std::int64_t> {
        std::vector<std::filesystem::path> logDirs;
        std::vector<core::ops::RebalanceMove> moves;
        for (const auto &[k, v] : plan.params) {
            if (k.rfind("dir:", 0) == 0)
                logDirs.emplace_back(v);
            else if (k.rfind("move:", 0) == 0)
                if (auto m = decodeMove(v))
                    moves.push_back(*m);
        }
        const auto broker = plan.params.count("broker") ? plan.params.at("broker") : std::string();
        std::int64_t last = 0;
        // One journaled, verified move after the other; the first failure stops the rest.
        for (std::size_t i = 0; i < moves.size(); ++i) {
            if (options.cancelled())
                break;
            const auto &m = moves[i];
            auto one = core::ops::PartitionMove::plan({logDirs, m.topic, m.partition, m.to, broker});
            if (!one)
                return one.error();
            core::ops::RunOptions scaled = options;
            const double n = static_cast<double>(moves.size());
            scaled.progress = [&options, i, n](double f, std::string_view msg) {
                options.report((static_cast<double>(i) + f) / n, msg);
            };
            auto id = core::ops::PartitionMove::execute(journal, *one, scaled);
            if (!id)
                return id.error();
            last = *id;
        }
        return last;
    };
}

QString RebalanceDialog::confirmationText(const core::ops::Plan &plan) const
{
    if (plan.kind == core::ops::OnlineMove::kKind)
        return tr("Move these partitions on the running %1; Kafka deletes each old copy once the new one has "
                  "caught up.")
            .arg(m_broker.label());
    return tr("I confirm %1 is stopped; move these partitions between its log dirs (each source copy is deleted "
              "once its new copy is verified).")
        .arg(m_broker.label());
}

} // namespace spillway::ui
