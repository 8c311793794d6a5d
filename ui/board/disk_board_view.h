// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QRectF>
#include <QWidget>

#include <vector>

namespace spillway::ui {

class DiskBoardModel;

/// Paints a DiskBoardModel: one lane (column) per log dir with its usage
/// bar, one tile per partition whose height is proportional to its bytes
/// (same scale in every lane). Partitions too small to see are drawn as one
/// "N small partitions" tile, so painting costs O(visible tiles) whatever
/// the partition count; the layout is recomputed only when the model's
/// generation or the widget size changes. Tiles drag to other lanes through
/// the model's MIME API. GUI thread.
class DiskBoardView : public QWidget {
    Q_OBJECT
public:
    explicit DiskBoardView(QWidget *parent = nullptr);

    void setModel(DiskBoardModel *model);
    [[nodiscard]] DiskBoardModel *model() const { return m_model; }

    struct TileRect {
        QRectF rect;
        int tile = -1; ///< row in the lane; -1: the aggregate of small partitions
    };
    struct LaneLayout {
        QRectF rect;   ///< whole lane
        QRectF header; ///< path and usage bar
        std::vector<TileRect> tiles;
        int smallCount = 0;
        qint64 smallBytes = 0;
    };
    /// The current layout (computed if stale); for tests and the benchmark.
    const std::vector<LaneLayout> &layoutLanes();
    /// The lane under a point, or -1.
    int laneAt(const QPointF &pos);

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    bool event(QEvent *event) override;

private:
    void relayout();
    [[nodiscard]] const TileRect *tileAt(const QPointF &pos, int *lane);

    DiskBoardModel *m_model = nullptr; ///< not owned; reset when destroyed
    std::vector<LaneLayout> m_layout;
    quint64 m_layoutGeneration = ~quint64{0};
    QSize m_layoutSize;
    QPoint m_pressPos;
    int m_pressLane = -1;
    int m_pressTile = -1;
    int m_dropLane = -1;
};

} // namespace spillway::ui
