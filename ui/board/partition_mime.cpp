// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/board/partition_mime.h"

#include <QByteArray>
#include <QDataStream>
#include <QIODevice>
#include <QMimeData>

namespace spillway::ui {
namespace {
constexpr quint32 kMagic = 0x53504d31; // "SPM1"
constexpr qint32 kMaxRefs = 1 << 20;
} // namespace

QMimeData *encodePartitionRefs(const QList<PartitionRef> &refs)
{
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_0);
    out << kMagic << static_cast<qint32>(refs.size());
    for (const auto &r : refs)
        out << r.broker << r.dir << r.topic << r.partition;
    auto *data = new QMimeData;
    data->setData(QString::fromLatin1(kPartitionMimeType), bytes);
    return data;
}

QList<PartitionRef> decodePartitionRefs(const QMimeData *data)
{
    QList<PartitionRef> refs;
    if (!data || !data->hasFormat(QString::fromLatin1(kPartitionMimeType)))
        return refs;
    const QByteArray bytes = data->data(QString::fromLatin1(kPartitionMimeType));
    QDataStream in(bytes);
    in.setVersion(QDataStream::Qt_6_0);
    quint32 magic = 0;
    qint32 count = 0;
    in >> magic >> count;
    if (in.status() != QDataStream::Ok || magic != kMagic || count < 0 || count > kMaxRefs)
        return {};
    for (qint32 i = 0; i < count; ++i) {
        PartitionRef r;
        in >> r.broker >> r.dir >> r.topic >> r.partition;
        if (in.status() != QDataStream::Ok)
            return {};
        refs.push_back(std::move(r));
    }
    return refs;
}

} // namespace spillway::ui
