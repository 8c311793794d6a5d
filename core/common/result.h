// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace spillway::core {

/// Error codes shared by the Qt-free core. Each names a class of failure an
/// operator can act on; the message carries the specifics (file, byte
/// position, offset, OS error).
enum class Errc {
    Io,              ///< an OS-level read/write/open failed (errno in Error::sysErrno)
    NotFound,        ///< a file or directory that must exist does not
    Corrupt,         ///< data on disk violates Kafka's format
    InvalidArgument, ///< bad input from the user or a caller
    Locked,          ///< a broker holds the log dir (.lock is locked)
    Unsupported,     ///< a format, version or codec we cannot handle
    NoSpace,         ///< ENOSPC
    Cancelled,       ///< the caller asked to stop
};

std::string_view toString(Errc code) noexcept;

/// An error as a value: code, a message naming what failed and where, the OS
/// error if any, and an optional hint ("stop broker 2 first").
struct Error {
    Errc code = Errc::Io;
    std::string message;
    std::string hint;
    int sysErrno = 0;

    /// "corrupt: <message> (hint: ...)"
    [[nodiscard]] std::string describe() const;

    static Error fromErrno(int err, std::string what, std::string hint = {});
};

/// Tag type so that `return fail(...)` reads well.
Error makeError(Errc code, std::string message, std::string hint = {});

/// A small expected-like result: either a value or an Error. No exceptions.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}     // NOLINT(google-explicit-constructor)
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {} // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const noexcept { return m_v.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T &value() &
    {
        assert(ok());
        return std::get<0>(m_v);
    }
    const T &value() const &
    {
        assert(ok());
        return std::get<0>(m_v);
    }
    T &&value() &&
    {
        assert(ok());
        return std::get<0>(std::move(m_v));
    }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    [[nodiscard]] const Error &error() const
    {
        assert(!ok());
        return std::get<1>(m_v);
    }

private:
    std::variant<T, Error> m_v;
};

/// Result of an operation that yields nothing but may fail.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_failed(true) {} // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const noexcept { return !m_failed; }
    explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] const Error &error() const
    {
        assert(m_failed);
        return m_error;
    }

private:
    Error m_error;
    bool m_failed = false;
};

using Status = Result<void>;

} // namespace spillway::core
