// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker/log/batch_scanner.h"

#include "core/common/big_endian.h"
#include "core/storage/format/batch.h"

#include <algorithm>
#include <cerrno>
#include <unistd.h>

namespace spillway::broker {

using core::Errc;
using core::Error;
using core::Offset;
using core::Result;
using core::Timestamp;

Result<std::optional<BatchHeader>> parseBatchHeader(std::span<const std::byte> bytes, std::int64_t position,
                                                    std::int64_t fileSize, const std::filesystem::path &path)
{
    if (position + core::kMagicOffset + 1 > fileSize)
        return std::optional<BatchHeader>{};
    const auto want =
        static_cast<std::size_t>(std::min<std::int64_t>(core::kRecordBatchV2HeaderSize, fileSize - position));
    if (bytes.size() < want)
        return std::optional<BatchHeader>{};
    const std::byte *buf = bytes.data();
    BatchHeader h;
    h.position = core::FilePosition(position);
    h.sizeInBytes = core::kLogOverhead + static_cast<std::int32_t>(core::loadBigEndian<std::uint32_t>(buf + 8));
    h.magic = static_cast<std::int8_t>(buf[core::kMagicOffset]);
    const auto offsetField = static_cast<std::int64_t>(core::loadBigEndian<std::uint64_t>(buf));
    if (h.sizeInBytes < core::kLogOverhead + core::kMinLegacyMessageSize || position + h.sizeInBytes > fileSize)
        return makeError(Errc::Corrupt, "batch at byte " + std::to_string(position) + " of " + path.string() +
                                            " declares " + std::to_string(h.sizeInBytes) + " bytes, beyond the end");
    if (h.magic >= 2) {
        if (want < static_cast<std::size_t>(core::kRecordBatchV2HeaderSize))
            return makeError(Errc::Corrupt, "short batch at byte " + std::to_string(position) + " of " + path.string());
        h.baseOffset = Offset(offsetField);
        h.lastOffset = Offset(offsetField + static_cast<std::int32_t>(core::loadBigEndian<std::uint32_t>(buf + 23)));
        h.maxTimestamp = Timestamp(static_cast<std::int64_t>(core::loadBigEndian<std::uint64_t>(buf + 35)));
    } else {
        h.baseOffset = Offset(offsetField);
        h.lastOffset = Offset(offsetField);
        if (h.magic == 1 && want >= 26)
            h.maxTimestamp = Timestamp(static_cast<std::int64_t>(core::loadBigEndian<std::uint64_t>(buf + 18)));
    }
    return std::optional<BatchHeader>(h);
}

Result<std::optional<BatchHeader>> BatchScanner::at(std::int64_t position)
{
    const std::int64_t header = std::min<std::int64_t>(core::kRecordBatchV2HeaderSize, m_size - position);
    const std::int64_t bufferEnd = m_bufferStart + static_cast<std::int64_t>(m_buffer.size());
    if (m_bufferStart < 0 || position < m_bufferStart || position + header > bufferEnd) {
        m_buffer.resize(static_cast<std::size_t>(std::clamp<std::int64_t>(m_size - position, 0, kChunk)));
        std::size_t got = 0;
        while (got < m_buffer.size()) {
            const ssize_t n = ::pread(m_file.fd(), m_buffer.data() + got, m_buffer.size() - got,
                                      static_cast<off_t>(position) + static_cast<off_t>(got));
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return Error::fromErrno(errno, "cannot read batch headers at byte " + std::to_string(position) +
                                                   " of " + m_path.string());
            if (n == 0)
                break;
            got += static_cast<std::size_t>(n);
        }
        m_buffer.resize(got);
        m_bufferStart = position;
    }
    const auto skip = static_cast<std::size_t>(position - m_bufferStart);
    return parseBatchHeader(std::span<const std::byte>(m_buffer).subspan(skip), position, m_size, m_path);
}

Result<std::int64_t> BatchScanner::lastBoundary(std::int64_t from, std::int64_t limit)
{
    limit = std::min(limit, m_size);
    std::int64_t pos = from;
    while (pos < limit) {
        auto h = at(pos);
        if (!h)
            return h.error();
        if (!*h || pos + h->value().sizeInBytes > limit)
            break;
        pos += h->value().sizeInBytes;
    }
    return pos;
}

} // namespace spillway::broker
