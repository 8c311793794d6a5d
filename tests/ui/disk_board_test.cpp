// SPDX-License-Identifier: GPL-3.0-or-later
// The disk board model: item-model contract, typed drag-and-drop through the
// model's MIME API, and the view's aggregation of small partitions.
#include "tests/ui/ui_ops_support.h"
#include "ui/board/disk_board.h"
#include "ui/board/disk_board_model.h"
#include "ui/board/disk_board_view.h"
#include "ui/board/partition_mime.h"

#include <catch2/catch.hpp>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QMimeData>
#include <QSignalSpy>

#include <memory>

using namespace spillway;
using namespace spillway::ui;

namespace {

core::measure::BrokerSnapshot smallBroker(int id = 1)
{
    core::measure::BrokerSnapshot b;
    b.id = core::BrokerId{id};
    b.name = "broker " + std::to_string(id);
    for (int d = 0; d < 3; ++d) {
        core::measure::LogDirSnapshot dir;
        dir.path = "/data" + std::to_string(d);
        for (int p = 0; p < 4; ++p) {
            dir.partitions.push_back({"orders", core::PartitionId{d * 4 + p}, (p + 1) * 1000, false});
            dir.kafkaBytes += (p + 1) * 1000;
        }
        b.dirs.push_back(std::move(dir));
    }
    b.dirs[2].partitions.push_back({"orders", core::PartitionId{0}, 10, true}); // a -future copy
    return b;
}

} // namespace

TEST_CASE("Disk board model passes QAbstractItemModelTester through refreshes and resets", "[ui][board]")
{
    DiskBoardModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    auto broker = smallBroker();
    model.setBroker(broker);
    REQUIRE(model.rowCount() == 3);
    CHECK(model.rowCount(model.laneIndex(0)) == 4);
    CHECK(model.rowCount(model.laneIndex(2)) == 5);
    CHECK(model.data(model.laneIndex(1), DiskBoardModel::DirRole).toString() == QStringLiteral("/data1"));
    CHECK(model.data(model.tileIndex(1, 2), DiskBoardModel::BytesRole).toLongLong() == 3000);

    // Same partitions, new sizes: values change in place, no reset.
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    broker.dirs[1].partitions[2].bytes = 9999;
    model.setBroker(broker);
    CHECK(resets.count() == 0);
    CHECK(changes.count() > 0);
    CHECK(model.data(model.tileIndex(1, 2), DiskBoardModel::BytesRole).toLongLong() == 9999);

    // A partition moved: the structure changed, so the model resets.
    broker.dirs[0].partitions.pop_back();
    model.setBroker(broker);
    CHECK(resets.count() == 1);
    CHECK(model.rowCount(model.laneIndex(0)) == 3);
    model.clear();
    CHECK(model.rowCount() == 0);
}

TEST_CASE("Dropping a tile on another lane requests a move and moves nothing", "[ui][board][dnd]")
{
    DiskBoardModel model;
    model.setBroker(smallBroker(1));
    QSignalSpy spy(&model, &DiskBoardModel::moveRequested);

    std::unique_ptr<QMimeData> mime(model.mimeData({model.tileIndex(0, 1)}));
    REQUIRE(mime);
    CHECK(mime->formats() == QStringList{QStringLiteral("application/x-spillway-partition")});
    const auto refs = decodePartitionRefs(mime.get());
    REQUIRE(refs.size() == 1);
    CHECK(refs[0] == PartitionRef{1, QStringLiteral("/data0"), QStringLiteral("orders"), 1});

    REQUIRE(model.canDropMimeData(mime.get(), Qt::MoveAction, -1, 0, model.laneIndex(2)));
    REQUIRE(model.dropMimeData(mime.get(), Qt::MoveAction, -1, 0, model.laneIndex(2)));
    REQUIRE(spy.count() == 1);
    const auto args = spy.takeFirst();
    CHECK(args.at(0).toInt() == 1);
    CHECK(args.at(1).toString() == QStringLiteral("orders"));
    CHECK(args.at(2).toInt() == 1);
    CHECK(args.at(3).toString() == QStringLiteral("/data0"));
    CHECK(args.at(4).toString() == QStringLiteral("/data2"));
    // Dropping onto a tile of the lane counts as its lane.
    CHECK(model.canDropMimeData(mime.get(), Qt::MoveAction, -1, 0, model.tileIndex(1, 0)));
    // The model itself is unchanged: the tile is still in its lane.
    CHECK(model.rowCount(model.laneIndex(0)) == 4);
}

TEST_CASE("Drops onto the same lane, another broker or foreign data are refused", "[ui][board][dnd]")
{
    DiskBoardModel model;
    model.setBroker(smallBroker(1));
    QSignalSpy spy(&model, &DiskBoardModel::moveRequested);

    std::unique_ptr<QMimeData> same(model.mimeData({model.tileIndex(0, 0)}));
    CHECK_FALSE(model.canDropMimeData(same.get(), Qt::MoveAction, -1, 0, model.laneIndex(0)));
    CHECK_FALSE(model.dropMimeData(same.get(), Qt::MoveAction, -1, 0, model.laneIndex(0)));
    CHECK_FALSE(model.dropMimeData(same.get(), Qt::MoveAction, -1, 0, QModelIndex()));
    CHECK_FALSE(model.dropMimeData(same.get(), Qt::CopyAction, -1, 0, model.laneIndex(1)));

    // A tile dragged from broker 2's board (same dir names) onto broker 1's.
    DiskBoardModel other;
    other.setBroker(smallBroker(2));
    std::unique_ptr<QMimeData> foreign(other.mimeData({other.tileIndex(0, 0)}));
    CHECK_FALSE(model.canDropMimeData(foreign.get(), Qt::MoveAction, -1, 0, model.laneIndex(1)));
    CHECK_FALSE(model.dropMimeData(foreign.get(), Qt::MoveAction, -1, 0, model.laneIndex(1)));

    QMimeData text;
    text.setText(QStringLiteral("orders-0"));
    CHECK_FALSE(model.canDropMimeData(&text, Qt::MoveAction, -1, 0, model.laneIndex(1)));
    QMimeData garbage;
    garbage.setData(QStringLiteral("application/x-spillway-partition"), QByteArray("not a stream"));
    CHECK(decodePartitionRefs(&garbage).isEmpty());
    CHECK_FALSE(model.dropMimeData(&garbage, Qt::MoveAction, -1, 0, model.laneIndex(1)));

    // A -future copy is Kafka's own move in progress: it does not drag.
    CHECK_FALSE(model.flags(model.tileIndex(2, 4)).testFlag(Qt::ItemIsDragEnabled));
    CHECK(model.mimeData({model.tileIndex(2, 4)}) == nullptr);
    CHECK(spy.count() == 0);
}

TEST_CASE("Board view draws big partitions one by one and the tail as one tile", "[ui][board][view]")
{
    DiskBoard board;
    board.resize(1200, 800);
    const auto snapshot = std::make_shared<const core::measure::ClusterSnapshot>(test::makeSnapshot(2, 5, 20000));
    board.setSnapshot(snapshot);
    // Hidden, the board only keeps the snapshot; shown, it catches up.
    CHECK(board.brokerSelector()->count() == 0);
    board.show();
    REQUIRE(board.brokerSelector()->count() == 2);
    REQUIRE(board.selectBroker(2));
    CHECK(board.model()->brokerId() == 2);
    CHECK(board.model()->rowCount() == 5);
    board.view()->resize(1200, 760);
    const auto &lanes = board.view()->layoutLanes();
    REQUIRE(lanes.size() == 5);
    for (std::size_t l = 0; l < lanes.size(); ++l) {
        const auto &lane = lanes[l];
        std::size_t drawn = 0;
        for (const auto &t : lane.tiles)
            drawn += t.tile >= 0 ? 1 : 0;
        // Every partition is either drawn or counted in the aggregate tile.
        CHECK(drawn + static_cast<std::size_t>(lane.smallCount) == 4000);
        CHECK(drawn <= 400);
        CHECK(lane.smallCount > 0);
    }
    // The lane under a point is the one the drop goes to.
    const QPointF inLane3 = lanes[3].rect.center();
    CHECK(board.view()->laneAt(inLane3) == 3);
    CHECK_FALSE(board.selectBroker(7));
    // Painting works offscreen.
    CHECK_FALSE(board.grab().isNull());
}
