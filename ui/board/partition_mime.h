// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

class QMimeData;

namespace spillway::ui {

/// The private MIME type of a dragged partition tile.
inline constexpr const char *kPartitionMimeType = "application/x-spillway-partition";

/// One dragged partition, by ids only (never pointers): which broker, which
/// log dir it lives in now, topic and partition.
struct PartitionRef {
    qint32 broker = 0;
    QString dir;
    QString topic;
    qint32 partition = 0;

    bool operator==(const PartitionRef &) const = default;
};

/// Encodes the refs (QDataStream, versioned) into new QMimeData; the caller owns it.
QMimeData *encodePartitionRefs(const QList<PartitionRef> &refs);
/// The refs of `data`; empty when it is not ours or is damaged.
QList<PartitionRef> decodePartitionRefs(const QMimeData *data);

} // namespace spillway::ui
