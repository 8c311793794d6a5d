// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/storage/format/batch.h"

namespace spillway::core {

std::string_view toString(Compression c) noexcept
{
    switch (c) {
    case Compression::None: return "none";
    case Compression::Gzip: return "gzip";
    case Compression::Snappy: return "snappy";
    case Compression::Lz4: return "lz4";
    case Compression::Zstd: return "zstd";
    }
    return "unknown";
}

} // namespace spillway::core
