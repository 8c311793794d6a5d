// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/result.h"
#include "core/common/strong_type.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <type_traits>

using namespace spillway::core;

namespace {
Result<int> parsePositive(int v)
{
    if (v <= 0)
        return makeError(Errc::InvalidArgument, "value must be positive", "pass a number above zero");
    return v;
}
} // namespace

TEST_CASE("Result carries either a value or an error with words", "[common]")
{
    auto good = parsePositive(3);
    REQUIRE(good.ok());
    CHECK(*good == 3);

    auto bad = parsePositive(-1);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == Errc::InvalidArgument);
    CHECK(bad.error().describe() == "invalid argument: value must be positive (hint: pass a number above zero)");
}

TEST_CASE("Error::fromErrno maps ENOSPC and ENOENT and keeps strerror", "[common]")
{
    auto e = Error::fromErrno(ENOSPC, "cannot write /data0/x.log");
    CHECK(e.code == Errc::NoSpace);
    CHECK(e.sysErrno == ENOSPC);
    CHECK(e.message.find("No space left on device") != std::string::npos);
    CHECK(Error::fromErrno(ENOENT, "x").code == Errc::NotFound);
    CHECK(Error::fromErrno(EIO, "x").code == Errc::Io);
}

TEST_CASE("Strong types do not mix", "[common]")
{
    STATIC_REQUIRE_FALSE(std::is_convertible_v<RelativeOffset, Offset>);
    STATIC_REQUIRE_FALSE(std::is_convertible_v<Offset, RelativeOffset>);
    STATIC_REQUIRE_FALSE(std::is_convertible_v<std::int64_t, Offset>);
    STATIC_REQUIRE_FALSE(std::is_convertible_v<Offset, FilePosition>);
    CHECK(Offset(5) < Offset(7));
    CHECK(Offset(5).get() == 5);
}
