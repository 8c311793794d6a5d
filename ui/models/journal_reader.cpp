// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/models/journal_reader.h"

#include "ui/models/operations_model.h"

#include <system_error>

namespace spillway::ui {

JournalReader::JournalReader(std::filesystem::path file, QObject *parent) : QObject(parent), m_file(std::move(file)) {}

JournalReader::~JournalReader() = default;

void JournalReader::refresh()
{
    if (!m_journal) {
        std::error_code ec;
        if (!std::filesystem::exists(m_file, ec)) {
            Q_EMIT entriesReady({});
            return;
        }
        auto opened = core::ops::Journal::open(m_file);
        if (!opened) {
            Q_EMIT failed(QString::fromStdString(opened.error().describe()));
            return;
        }
        m_journal.emplace(std::move(*opened));
    }
    auto entries = m_journal->list();
    if (!entries) {
        Q_EMIT failed(QString::fromStdString(entries.error().describe()));
        return;
    }
    Q_EMIT entriesReady(std::move(*entries));
}

} // namespace spillway::ui
