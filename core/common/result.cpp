// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/result.h"

#include <cstring>

namespace spillway::core {

std::string_view toString(Errc code) noexcept
{
    switch (code) {
    case Errc::Io: return "I/O error";
    case Errc::NotFound: return "not found";
    case Errc::Corrupt: return "corrupt";
    case Errc::InvalidArgument: return "invalid argument";
    case Errc::Locked: return "locked";
    case Errc::Unsupported: return "unsupported";
    case Errc::NoSpace: return "no space left on device";
    case Errc::Cancelled: return "cancelled";
    }
    return "unknown error";
}

std::string Error::describe() const
{
    std::string out(toString(code));
    out += ": ";
    out += message;
    if (!hint.empty()) {
        out += " (hint: ";
        out += hint;
        out += ')';
    }
    return out;
}

Error Error::fromErrno(int err, std::string what, std::string hint)
{
    Error e;
    e.code = err == ENOENT ? Errc::NotFound : err == ENOSPC ? Errc::NoSpace : Errc::Io;
    e.message = std::move(what);
    e.message += ": ";
    e.message += std::strerror(err);
    e.hint = std::move(hint);
    e.sysErrno = err;
    return e;
}

Error makeError(Errc code, std::string message, std::string hint)
{
    return Error{code, std::move(message), std::move(hint), 0};
}

} // namespace spillway::core
