// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to HistoryStore: turning QSqlError into core::Error.
#pragma once

#include "core/common/result.h"

#include <QSqlError>

#include <string>

namespace spillway::core::history_sql {

/// An Error naming what failed and SQLite's words. Damage (SQLITE_CORRUPT,
/// SQLITE_NOTADB) is Errc::Corrupt, so that the store can move the file aside.
inline Error error(const QSqlError &sqlError, const std::string &what)
{
    bool ok = false;
    const int native = sqlError.nativeErrorCode().toInt(&ok);
    const int primary = ok ? (native & 0xff) : -1;
    const Errc code = (primary == 11 || primary == 26) ? Errc::Corrupt : primary == 13 ? Errc::NoSpace : Errc::Io;
    std::string message = what;
    const QString text = sqlError.text().trimmed();
    if (!text.isEmpty())
        message += ": " + text.toStdString();
    return makeError(code, std::move(message));
}

} // namespace spillway::core::history_sql
