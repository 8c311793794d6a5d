// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/services/server_properties_file.h"

#include "core/common/fileio.h"

namespace spillway::core {

Result<ServerPropertiesFile> ServerPropertiesFile::load(const std::filesystem::path &path)
{
    std::error_code ec;
    // Edit the real file behind a symlink (/etc/kafka/server.properties ->
    // ...): renaming over the link would replace it with a regular file.
    auto real = std::filesystem::canonical(path, ec);
    if (ec)
        return makeError(ec == std::errc::no_such_file_or_directory ? Errc::NotFound : Errc::Io,
                         "cannot open " + path.string() + ": " + ec.message());
    auto text = readFile(real);
    if (!text)
        return text.error();
    auto doc = PropertiesDocument::parse(*text);
    if (!doc)
        return makeError(Errc::Corrupt, real.string() + ": " + doc.error().message);
    ServerPropertiesFile f;
    f.m_path = std::move(real);
    f.m_original = std::move(*text);
    f.m_loaded = *doc;
    f.m_doc = std::move(*doc);
    return f;
}

std::vector<PropertyChange> ServerPropertiesFile::changes() const
{
    std::vector<PropertyChange> out;
    auto consider = [&](const std::string &key) {
        for (const auto &c : out)
            if (c.key == key)
                return;
        auto before = m_loaded.get(key);
        auto after = m_doc.get(key);
        if (before != after)
            out.push_back({key, std::move(before), std::move(after)});
    };
    for (const auto &k : m_loaded.keys())
        consider(k);
    for (const auto &k : m_doc.keys())
        consider(k);
    return out;
}

std::string ServerPropertiesFile::diffSummary() const
{
    std::string out;
    for (const auto &c : changes()) {
        if (!c.before)
            out += "+ " + c.key + "=" + *c.after + "\n";
        else if (!c.after)
            out += "- " + c.key + " (was " + *c.before + ")\n";
        else
            out += c.key + ": " + *c.before + " -> " + *c.after + "\n";
    }
    return out;
}

std::string ServerPropertiesFile::backupName(const std::filesystem::path &file, const std::string &utcTime)
{
    return file.filename().string() + ".spillway-backup-" + utcTime;
}

Result<ServerPropertiesFile::Saved> ServerPropertiesFile::save(std::optional<std::string> backupTime)
{
    Saved saved;
    saved.file = m_path;
    saved.changes = changes();
    const std::string newText = m_doc.serialize();
    if (newText == m_original)
        return saved;

    auto backup = replaceFileKeepingBackup(m_path, m_original, newText,
                                           {"since it was opened", "reload it and make the edit again"},
                                           backupTime.value_or(std::string()));
    if (!backup)
        return backup.error();
    m_original = newText;
    m_loaded = m_doc;
    saved.backup = std::move(*backup);
    return saved;
}

} // namespace spillway::core
