// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace spillway::core {

/// Reads a whole (small) file: configs, checkpoints, meta.properties.
Result<std::string> readFile(const std::filesystem::path &path);

/// Replaces `path` with `data` the way Kafka replaces checkpoint files:
/// write `<path><tempSuffix>`, fsync it, rename over `path`, fsync the
/// directory. A crash at any point leaves either the old or the new file.
Status writeFileAtomic(const std::filesystem::path &path, std::string_view data, std::string_view tempSuffix = ".tmp");

/// fsync() a directory so that a rename or create inside it is durable.
Status fsyncDirectory(const std::filesystem::path &dir);

/// The UTC time now as "YYYYMMDDTHHMMSSZ" (backup names).
std::string utcFileStamp();

/// What replaceFileKeepingBackup says when the file changed under the caller.
struct ChangedOnDisk {
    std::string since; ///< "since the plan was made"
    std::string hint;  ///< "make the plan again"
};

/// Replaces an operator's config file (server.properties) with `text`,
/// keeping the old one: refused (InvalidArgument, `changed`'s words) unless
/// the file still holds `expected`; the old contents go to a new
/// `<name>.spillway-backup-<stamp>` next to it (`-2`, `-3`... when taken),
/// the new ones to `<name>.spillway-tmp`, renamed over it; both written with
/// the file's mode and owner (it may hold passwords: never the umask's
/// default) and fsynced, then the directory. The file is always the old or
/// the new one. `stamp` empty: utcFileStamp(). Returns the backup's path.
Result<std::filesystem::path> replaceFileKeepingBackup(const std::filesystem::path &file, std::string_view expected,
                                                       std::string_view text, const ChangedOnDisk &changed,
                                                       std::string stamp = {});

/// Whether another process holds a POSIX (fcntl) lock on `lockFile`, as a
/// running Kafka broker does on `<log dir>/.lock`. Uses F_GETLK, so it never
/// takes the lock itself. A missing file means "not locked".
Result<bool> isFileLockedByOtherProcess(const std::filesystem::path &lockFile);

/// A read-only memory map of a whole file; empty files map to an empty span.
/// Move-only; unmaps on destruction. Not thread-affine.
class MappedFile {
public:
    MappedFile() = default;
    MappedFile(MappedFile &&other) noexcept;
    MappedFile &operator=(MappedFile &&other) noexcept;
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;
    ~MappedFile();

    static Result<MappedFile> open(const std::filesystem::path &path);

    [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return {m_data, m_size}; }
    [[nodiscard]] std::size_t size() const noexcept { return m_size; }

private:
    void reset() noexcept;
    const std::byte *m_data = nullptr;
    std::size_t m_size = 0;
};

} // namespace spillway::core
