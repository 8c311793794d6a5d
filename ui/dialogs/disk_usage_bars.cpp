// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/disk_usage_bars.h"

#include "core/measure/measure_format.h"

#include <QPainter>

#include <algorithm>

namespace spillway::ui {
namespace {

constexpr int kLabelHeight = 18;
constexpr int kBarHeight = 16;
constexpr int kDiskHeight = kLabelHeight + 2 * kBarHeight + 10;

QString bytesText(std::int64_t bytes) { return QString::fromStdString(core::measure::formatByteSize(bytes)); }

} // namespace

DiskUsageBars::DiskUsageBars(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void DiskUsageBars::setChanges(std::vector<core::ops::DiskUsageChange> changes)
{
    m_changes = std::move(changes);
    updateGeometry();
    update();
}

QString DiskUsageBars::barText(bool after, const core::ops::DiskUsageChange &c)
{
    const auto kafka = after ? c.kafkaBytesAfter : c.kafkaBytesBefore;
    const auto free = after ? c.freeBytesAfter : c.freeBytesBefore;
    if (!c.freeKnown())
        return (after ? tr("after: %1 in Kafka, free space unknown") : tr("before: %1 in Kafka, free space unknown"))
            .arg(bytesText(kafka));
    return (after ? tr("after: %1 in Kafka, %2 free") : tr("before: %1 in Kafka, %2 free"))
        .arg(bytesText(kafka), bytesText(free));
}

QSize DiskUsageBars::sizeHint() const { return {420, std::max(1, static_cast<int>(m_changes.size())) * kDiskHeight}; }
QSize DiskUsageBars::minimumSizeHint() const { return {240, sizeHint().height()}; }

void DiskUsageBars::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    if (m_changes.empty()) {
        p.setPen(palette().placeholderText().color());
        p.drawText(rect(), Qt::AlignCenter, tr("No disk changes its usage."));
        return;
    }
    int y = 0;
    for (const auto &c : m_changes) {
        p.setPen(palette().text().color());
        p.drawText(QRect(0, y, width(), kLabelHeight), Qt::AlignLeft | Qt::AlignVCenter,
                   QString::fromStdString(c.logDir.string()));
        y += kLabelHeight;
        // The same denominator for both bars, so the change is visible; the
        // disk's room when its free space is known, else the larger Kafka figure.
        const double room =
            static_cast<double>(c.freeKnown() ? std::max<std::int64_t>({1, c.kafkaBytesBefore + c.freeBytesBefore,
                                                                        c.kafkaBytesAfter + c.freeBytesAfter})
                                              : std::max<std::int64_t>({1, c.kafkaBytesBefore, c.kafkaBytesAfter}));
        for (bool after : {false, true}) {
            const QRect bar(0, y, width() - 1, kBarHeight - 2);
            p.fillRect(bar, palette().alternateBase());
            const double used = static_cast<double>(after ? c.kafkaBytesAfter : c.kafkaBytesBefore);
            const double frac = std::clamp(used / room, 0.0, 1.0);
            const QColor color =
                after ? (c.kafkaBytesAfter > c.kafkaBytesBefore ? QColor(232, 160, 40) : QColor(70, 150, 90))
                      : QColor(120, 140, 170);
            p.fillRect(QRect(bar.left(), bar.top(), static_cast<int>(bar.width() * frac), bar.height()), color);
            p.setPen(palette().mid().color());
            p.drawRect(bar);
            p.setPen(palette().text().color());
            p.drawText(bar.adjusted(4, 0, -4, 0), Qt::AlignLeft | Qt::AlignVCenter, barText(after, c));
            y += kBarHeight;
        }
        y += 10;
    }
}

} // namespace spillway::ui
