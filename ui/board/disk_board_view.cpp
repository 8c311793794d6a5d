// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/board/disk_board_view.h"

#include "core/measure/measure_format.h"
#include "ui/board/disk_board_model.h"
#include "ui/board/partition_mime.h"

#include <QApplication>
#include <QDrag>
#include <QDragEnterEvent>
#include <QHelpEvent>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace spillway::ui {
namespace {

constexpr qreal kHeaderHeight = 44;
constexpr qreal kMinTileHeight = 6; ///< smaller partitions join the aggregate tile
constexpr qreal kLaneGap = 6;
constexpr std::size_t kMaxTilesPerLane = 400;

QString bytesText(qint64 bytes) { return QString::fromStdString(core::measure::formatByteSize(bytes)); }

QColor topicColor(const QString &topic)
{
    const auto hue = static_cast<int>(qHash(topic) % 360U);
    return QColor::fromHsv(hue, 90, 225);
}

} // namespace

DiskBoardView::DiskBoardView(QWidget *parent) : QWidget(parent)
{
    setAcceptDrops(true);
    setMouseTracking(false);
    setMinimumSize(320, 240);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void DiskBoardView::setModel(DiskBoardModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_layoutGeneration = ~quint64{0};
    if (m_model) {
        connect(m_model, &QObject::destroyed, this, [this] { m_model = nullptr; });
        // Layout is lazy: a refresh only schedules a repaint.
        connect(m_model, &QAbstractItemModel::dataChanged, this, [this] { update(); });
        connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
            m_pressTile = -1;
            update();
        });
    }
    update();
}

QSize DiskBoardView::sizeHint() const { return {800, 500}; }

const std::vector<DiskBoardView::LaneLayout> &DiskBoardView::layoutLanes()
{
    if (!m_model) {
        m_layout.clear();
        return m_layout;
    }
    if (m_model->generation() != m_layoutGeneration || size() != m_layoutSize)
        relayout();
    return m_layout;
}

void DiskBoardView::relayout()
{
    m_layoutGeneration = m_model->generation();
    m_layoutSize = size();
    m_layout.clear();
    const auto &lanes = m_model->lanes();
    if (lanes.empty())
        return;
    const qreal laneWidth = std::max<qreal>(60, (width() - kLaneGap * static_cast<qreal>(lanes.size() + 1)) /
                                                    static_cast<qreal>(lanes.size()));
    const qreal bodyTop = kHeaderHeight + 2 * kLaneGap;
    const qreal bodyHeight = std::max<qreal>(40, height() - bodyTop - kLaneGap);
    qint64 maxBytes = 1;
    for (const auto &lane : lanes) {
        qint64 sum = 0;
        for (const auto &t : lane.tiles)
            sum += t.bytes;
        maxBytes = std::max(maxBytes, sum);
    }
    // The same bytes-per-pixel in every lane, so lanes compare at a glance.
    const qreal scale = bodyHeight / static_cast<qreal>(maxBytes);
    const qint64 visibleFrom = static_cast<qint64>(kMinTileHeight / scale);

    m_layout.resize(lanes.size());
    std::vector<int> order;
    for (std::size_t l = 0; l < lanes.size(); ++l) {
        const auto &lane = lanes[l];
        auto &out = m_layout[l];
        const qreal x = kLaneGap + static_cast<qreal>(l) * (laneWidth + kLaneGap);
        out.rect = QRectF(x, kLaneGap, laneWidth, height() - 2 * kLaneGap);
        out.header = QRectF(x, kLaneGap, laneWidth, kHeaderHeight);
        order.clear();
        for (std::size_t t = 0; t < lane.tiles.size(); ++t) {
            if (lane.tiles[t].bytes >= visibleFrom && lane.tiles[t].bytes > 0)
                order.push_back(static_cast<int>(t));
            else {
                ++out.smallCount;
                out.smallBytes += lane.tiles[t].bytes;
            }
        }
        const auto bigger = [&](int a, int b) {
            return lane.tiles[static_cast<std::size_t>(a)].bytes > lane.tiles[static_cast<std::size_t>(b)].bytes;
        };
        if (order.size() > kMaxTilesPerLane) {
            std::nth_element(order.begin(), order.begin() + kMaxTilesPerLane, order.end(), bigger);
            for (auto it = order.begin() + kMaxTilesPerLane; it != order.end(); ++it) {
                ++out.smallCount;
                out.smallBytes += lane.tiles[static_cast<std::size_t>(*it)].bytes;
            }
            order.resize(kMaxTilesPerLane);
        }
        std::sort(order.begin(), order.end(), bigger);
        qreal y = bodyTop;
        out.tiles.reserve(order.size() + 1);
        for (int t : order) {
            const qreal h = static_cast<qreal>(lane.tiles[static_cast<std::size_t>(t)].bytes) * scale;
            out.tiles.push_back({QRectF(x + 2, y, laneWidth - 4, h), t});
            y += h;
        }
        if (out.smallCount > 0) {
            const qreal h = std::max<qreal>(16, static_cast<qreal>(out.smallBytes) * scale);
            out.tiles.push_back({QRectF(x + 2, y, laneWidth - 4, h), -1});
        }
    }
}

int DiskBoardView::laneAt(const QPointF &pos)
{
    const auto &layout = layoutLanes();
    for (std::size_t l = 0; l < layout.size(); ++l)
        if (layout[l].rect.contains(pos))
            return static_cast<int>(l);
    return -1;
}

const DiskBoardView::TileRect *DiskBoardView::tileAt(const QPointF &pos, int *lane)
{
    const int l = laneAt(pos);
    *lane = l;
    if (l < 0)
        return nullptr;
    for (const auto &t : m_layout[static_cast<std::size_t>(l)].tiles)
        if (t.rect.contains(pos))
            return &t;
    return nullptr;
}

void DiskBoardView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    if (!m_model || m_model->lanes().empty()) {
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("No log dirs to show: choose a broker whose partitions Spillway can see."));
        return;
    }
    const auto &layout = layoutLanes();
    const auto &lanes = m_model->lanes();
    const QFontMetrics fm = fontMetrics();
    for (std::size_t l = 0; l < layout.size(); ++l) {
        const auto &lane = lanes[l];
        const auto &ll = layout[l];
        const QColor laneBg =
            static_cast<int>(l) == m_dropLane ? palette().highlight().color().lighter(170) : palette().base().color();
        p.fillRect(ll.rect, laneBg);
        p.setPen(palette().mid().color());
        p.drawRect(ll.rect);
        // Header: path, then a usage bar of the filesystem.
        p.setPen(palette().text().color());
        const QRectF textRect = ll.header.adjusted(4, 2, -4, -kHeaderHeight / 2);
        p.drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(lane.offline ? tr("%1 (offline)").arg(lane.path) : lane.path, Qt::ElideMiddle,
                                 static_cast<int>(textRect.width())));
        const QRectF bar = ll.header.adjusted(4, kHeaderHeight / 2 + 2, -4, -4);
        p.fillRect(bar, palette().alternateBase());
        if (lane.usedPercent >= 0) {
            const double frac = std::clamp(lane.usedPercent / 100.0, 0.0, 1.0);
            const QColor c = lane.usedPercent >= 90   ? QColor(214, 69, 65)
                             : lane.usedPercent >= 80 ? QColor(232, 160, 40)
                                                      : QColor(70, 150, 90);
            p.fillRect(QRectF(bar.left(), bar.top(), bar.width() * frac, bar.height()), c);
        }
        p.drawText(bar, Qt::AlignCenter,
                   lane.usedPercent >= 0
                       ? tr("%1 used · %2 free")
                             .arg(QString::fromStdString(core::measure::formatPercent(lane.usedPercent)),
                                  bytesText(lane.freeBytes))
                       : tr("%1 in Kafka").arg(bytesText(lane.kafkaBytes)));
        for (const auto &t : ll.tiles) {
            if (t.tile < 0) {
                p.fillRect(t.rect, palette().midlight());
                p.setPen(palette().dark().color());
                p.drawRect(t.rect);
                p.setPen(palette().text().color());
                p.drawText(t.rect, Qt::AlignCenter,
                           tr("%n small partition(s), %1", nullptr, ll.smallCount).arg(bytesText(ll.smallBytes)));
                continue;
            }
            const auto &tile = lane.tiles[static_cast<std::size_t>(t.tile)];
            p.fillRect(t.rect, topicColor(tile.topic));
            p.setPen(palette().window().color());
            p.drawRect(t.rect);
            if (t.rect.height() >= fm.height()) {
                p.setPen(Qt::black);
                p.drawText(
                    t.rect.adjusted(3, 0, -3, 0), Qt::AlignLeft | Qt::AlignVCenter,
                    fm.elidedText(
                        QStringLiteral("%1-%2  %3").arg(tile.topic).arg(tile.partition).arg(bytesText(tile.bytes)),
                        Qt::ElideRight, static_cast<int>(t.rect.width() - 6)));
            }
        }
    }
}

void DiskBoardView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    update();
}

void DiskBoardView::mousePressEvent(QMouseEvent *event)
{
    m_pressTile = -1;
    if (event->button() != Qt::LeftButton)
        return;
    int lane = -1;
    if (const TileRect *t = tileAt(event->position(), &lane); t && t->tile >= 0) {
        m_pressLane = lane;
        m_pressTile = t->tile;
        m_pressPos = event->position().toPoint();
    }
}

void DiskBoardView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_pressTile < 0 || !(event->buttons() & Qt::LeftButton) || !m_model)
        return;
    if ((event->position().toPoint() - m_pressPos).manhattanLength() < QApplication::startDragDistance())
        return;
    QMimeData *mime = m_model->mimeData({m_model->tileIndex(m_pressLane, m_pressTile)});
    m_pressTile = -1;
    if (!mime)
        return;
    auto *drag = new QDrag(this);
    drag->setMimeData(mime);
    drag->exec(Qt::MoveAction);
}

void DiskBoardView::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasFormat(QString::fromLatin1(kPartitionMimeType)))
        event->acceptProposedAction();
    else
        event->ignore();
}

void DiskBoardView::dragMoveEvent(QDragMoveEvent *event)
{
    const int lane = laneAt(event->position());
    const bool ok = m_model && lane >= 0 &&
                    m_model->canDropMimeData(event->mimeData(), Qt::MoveAction, -1, 0, m_model->laneIndex(lane));
    const int shown = ok ? lane : -1;
    if (shown != m_dropLane) {
        m_dropLane = shown;
        update();
    }
    if (ok) {
        event->setDropAction(Qt::MoveAction);
        event->accept();
    } else {
        event->ignore();
    }
}

void DiskBoardView::dragLeaveEvent(QDragLeaveEvent *)
{
    m_dropLane = -1;
    update();
}

void DiskBoardView::dropEvent(QDropEvent *event)
{
    const int lane = laneAt(event->position());
    m_dropLane = -1;
    update();
    if (m_model && lane >= 0 &&
        m_model->dropMimeData(event->mimeData(), Qt::MoveAction, -1, 0, m_model->laneIndex(lane))) {
        // The model only requested a move; the view removes nothing after the drag.
        event->acceptProposedAction();
    } else {
        event->ignore();
    }
}

bool DiskBoardView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip && m_model) {
        auto *help = static_cast<QHelpEvent *>(event);
        int lane = -1;
        const TileRect *t = tileAt(help->pos(), &lane);
        if (t && t->tile >= 0) {
            QToolTip::showText(help->globalPos(), m_model->tileIndex(lane, t->tile).data(Qt::ToolTipRole).toString(),
                               this);
        } else if (t) {
            QToolTip::showText(help->globalPos(),
                               tr("%n partition(s) too small to draw one by one, %1 together", nullptr,
                                  m_layout[static_cast<std::size_t>(lane)].smallCount)
                                   .arg(bytesText(m_layout[static_cast<std::size_t>(lane)].smallBytes)),
                               this);
        } else if (lane >= 0) {
            QToolTip::showText(help->globalPos(), m_model->laneIndex(lane).data(Qt::ToolTipRole).toString(), this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(event);
}

} // namespace spillway::ui
