// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <initializer_list>
#include <vector>

namespace spillway::test {

/// Bytes from a list of small integers, for exact wire-format expectations.
inline std::vector<std::byte> bytes(std::initializer_list<int> values)
{
    std::vector<std::byte> out;
    out.reserve(values.size());
    for (int v : values)
        out.push_back(static_cast<std::byte>(v & 0xFF));
    return out;
}

} // namespace spillway::test
