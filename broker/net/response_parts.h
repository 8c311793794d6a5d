// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "broker/log/file_handle.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace spillway::broker {

/// `length` bytes of an open file from `offset`, sent with sendfile(2). The
/// shared handle keeps the fd open until the bytes are on the socket, even if
/// retention renames or deletes the segment meanwhile.
struct FileRegion {
    std::shared_ptr<const FileHandle> file;
    std::int64_t offset = 0;
    std::int64_t length = 0;
};

/// A response body or frame as the server writes it: encoded bytes with file
/// regions spliced in, each at a byte position of `bytes` (ascending; several
/// may share one). Everything but the records of a Fetch response is in
/// `bytes`; a Fetch leaves a region where each partition's records go, so
/// segment bytes reach the socket without passing through user space. Plain
/// value; any thread.
struct ResponseParts {
    struct Splice {
        std::size_t at = 0; ///< byte position in `bytes` before which the region goes
        FileRegion region;
    };
    std::vector<std::byte> bytes;
    std::vector<Splice> files;

    ResponseParts() = default;
    explicit ResponseParts(std::vector<std::byte> encoded) : bytes(std::move(encoded)) {}

    /// Bytes on the wire: the encoded ones plus every region.
    [[nodiscard]] std::int64_t wireSize() const noexcept
    {
        auto total = static_cast<std::int64_t>(bytes.size());
        for (const auto &s : files)
            total += s.region.length;
        return total;
    }
};

} // namespace spillway::broker
