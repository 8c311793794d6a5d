// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/ops/journal.h"

#include <QObject>
#include <QString>

#include <filesystem>
#include <optional>
#include <vector>

namespace spillway::ui {

/// Reads the operation journal (SQLite) off the GUI thread: move it to a
/// worker QThread and call refresh() through a queued connection; it answers
/// with entriesReady or failed. Does not create a journal that does not
/// exist yet (that is the operations' job). Worker thread.
class JournalReader : public QObject {
    Q_OBJECT
public:
    explicit JournalReader(std::filesystem::path file, QObject *parent = nullptr);
    ~JournalReader() override;

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void entriesReady(std::vector<spillway::core::ops::JournalEntry> entries);
    void failed(const QString &message);

private:
    std::filesystem::path m_file;
    std::optional<core::ops::Journal> m_journal;
};

} // namespace spillway::ui
