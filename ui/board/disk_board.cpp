// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/board/disk_board.h"

#include "core/measure/measure_format.h"
#include "ui/board/disk_board_model.h"
#include "ui/board/disk_board_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace spillway::ui {

DiskBoard::DiskBoard(QWidget *parent)
    : QWidget(parent)
    , m_model(new DiskBoardModel(this))
    , m_view(new DiskBoardView)
    , m_brokers(new QComboBox)
    , m_summary(new QLabel)
{
    m_brokers->setObjectName(QStringLiteral("boardBrokerSelector"));
    m_view->setObjectName(QStringLiteral("diskBoardView"));
    m_view->setModel(m_model);
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Broker:")));
    top->addWidget(m_brokers);
    top->addWidget(m_summary, 1);
    auto *hint = new QLabel(tr("Drag a partition onto another disk of the same broker to plan a move."));
    hint->setEnabled(false);
    top->addWidget(hint);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
    connect(m_brokers, &QComboBox::currentIndexChanged, this, [this] { showSelected(); });
    connect(m_model, &DiskBoardModel::moveRequested, this, &DiskBoard::moveRequested);
}

void DiskBoard::setSnapshot(std::shared_ptr<const core::measure::ClusterSnapshot> snapshot)
{
    m_snapshot = std::move(snapshot);
    if (!isVisible()) {
        m_stale = true;
        return;
    }
    apply();
}

void DiskBoard::apply()
{
    m_stale = false;
    const QVariant current = m_brokers->currentData();
    // Rebuild the selector only when the broker list changed (cheap compare).
    bool same = m_snapshot && static_cast<int>(m_snapshot->brokers.size()) == m_brokers->count();
    for (int i = 0; same && i < m_brokers->count(); ++i)
        same = m_brokers->itemData(i).toInt() == m_snapshot->brokers[static_cast<std::size_t>(i)].id.get();
    if (!same) {
        const QSignalBlocker block(m_brokers);
        m_brokers->clear();
        if (m_snapshot)
            for (const auto &b : m_snapshot->brokers)
                m_brokers->addItem(QString::fromStdString(b.displayName()), b.id.get());
        const int keep = current.isValid() ? m_brokers->findData(current) : -1;
        m_brokers->setCurrentIndex(keep >= 0 ? keep : (m_brokers->count() > 0 ? 0 : -1));
    }
    showSelected();
}

void DiskBoard::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale)
        apply();
}

bool DiskBoard::selectBroker(qint32 broker)
{
    if (m_stale)
        apply(); // the selector must list the latest snapshot's brokers
    const int i = m_brokers->findData(broker);
    if (i < 0)
        return false;
    m_brokers->setCurrentIndex(i);
    showSelected();
    return true;
}

void DiskBoard::showSelected()
{
    const core::measure::BrokerSnapshot *broker = nullptr;
    if (m_snapshot && m_brokers->currentIndex() >= 0)
        broker = m_snapshot->broker(core::BrokerId{m_brokers->currentData().toInt()});
    if (!broker) {
        m_model->clear();
        m_summary->clear();
        return;
    }
    m_model->setBroker(*broker);
    qint64 bytes = 0;
    qint64 partitions = 0;
    for (const auto &d : broker->dirs) {
        bytes += d.kafkaBytes;
        partitions += static_cast<qint64>(d.partitions.size());
    }
    m_summary->setText(tr("%1 log dirs · %2 partitions · %3")
                           .arg(broker->dirs.size())
                           .arg(partitions)
                           .arg(QString::fromStdString(core::measure::formatByteSize(bytes))));
}

} // namespace spillway::ui
