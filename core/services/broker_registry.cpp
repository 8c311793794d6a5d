// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/services/broker_registry.h"

#include "core/common/fileio.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QString>

namespace spillway::core {
namespace {

constexpr int kFormatVersion = 1;

QString qs(const std::string &s) { return QString::fromStdString(s); }
QString qs(const std::filesystem::path &p) { return QString::fromStdString(p.string()); }
std::string str(const QJsonValue &v) { return v.toString().toStdString(); }

QJsonObject entryToJson(const BrokerEntry &e)
{
    QJsonObject o;
    o[QStringLiteral("id")] = qs(e.id);
    o[QStringLiteral("kind")] = qs(std::string(toString(e.kind)));
    if (e.isLocal()) {
        o[QStringLiteral("serverProperties")] = qs(e.serverProperties);
        QJsonArray argv;
        for (const auto &a : e.startCommand)
            argv.append(qs(a));
        o[QStringLiteral("startCommand")] = argv;
        o[QStringLiteral("workingDir")] = qs(e.workingDir);
        QJsonArray env;
        for (const auto &[k, v] : e.environment)
            env.append(QJsonArray{qs(k), qs(v)});
        o[QStringLiteral("environment")] = env;
    }
    QJsonArray bootstrap;
    for (const auto &hp : e.bootstrapServers)
        bootstrap.append(qs(hp.toString()));
    o[QStringLiteral("bootstrapServers")] = bootstrap;
    return o;
}

Result<BrokerEntry> entryFromJson(const QJsonObject &o, const std::string &origin, int index)
{
    const std::string where = origin + ": broker #" + std::to_string(index + 1);
    BrokerEntry e;
    e.id = str(o.value(QStringLiteral("id")));
    if (auto st = validateBrokerId(e.id); !st)
        return makeError(Errc::Corrupt, where + ": " + st.error().message);
    const auto kind = brokerKindFromString(str(o.value(QStringLiteral("kind"))));
    if (!kind)
        return makeError(Errc::Corrupt,
                         where + " ('" + e.id + "'): unknown kind '" + str(o.value(QStringLiteral("kind"))) + "'");
    e.kind = *kind;
    e.serverProperties = str(o.value(QStringLiteral("serverProperties")));
    for (const auto &a : o.value(QStringLiteral("startCommand")).toArray())
        e.startCommand.push_back(str(a));
    e.workingDir = str(o.value(QStringLiteral("workingDir")));
    for (const auto &pair : o.value(QStringLiteral("environment")).toArray()) {
        const auto kv = pair.toArray();
        if (kv.size() != 2)
            return makeError(Errc::Corrupt, where + " ('" + e.id + "'): environment entries are [name, value]");
        e.environment.emplace_back(str(kv.at(0)), str(kv.at(1)));
    }
    for (const auto &b : o.value(QStringLiteral("bootstrapServers")).toArray()) {
        auto hp = HostPort::parse(str(b));
        if (!hp)
            return makeError(Errc::Corrupt, where + " ('" + e.id + "'): " + hp.error().message);
        e.bootstrapServers.push_back(*hp);
    }
    if (e.kind == BrokerKind::Remote && e.bootstrapServers.empty())
        return makeError(Errc::Corrupt, where + " ('" + e.id + "'): a remote broker without bootstrap servers");
    if (e.isLocal() && (e.serverProperties.empty() || e.startCommand.empty()))
        return makeError(Errc::Corrupt, where + " ('" + e.id +
                                            "'): a local broker needs serverProperties and "
                                            "startCommand");
    return e;
}

/// Serialises writers of the registry across processes (console and CLI).
class RegistryLock {
public:
    explicit RegistryLock(const std::filesystem::path &dataDir) : m_lock(qs(dataDir / "brokers.json.lock"))
    {
        m_lock.setStaleLockTime(30000);
    }
    Status acquire(const std::filesystem::path &dataDir)
    {
        std::error_code ec;
        std::filesystem::create_directories(dataDir, ec);
        if (ec)
            return makeError(Errc::Io, "cannot create " + dataDir.string() + ": " + ec.message());
        if (!m_lock.tryLock(10000))
            return makeError(Errc::Locked,
                             "the broker registry " + (dataDir / "brokers.json").string() +
                                 " is being changed by another Spillway process",
                             "try again in a moment");
        return {};
    }

private:
    QLockFile m_lock;
};

Status save(const std::filesystem::path &file, const std::vector<BrokerEntry> &entries)
{
    return writeFileAtomic(file, BrokerRegistry::toJson(entries), ".spillway-tmp");
}

} // namespace

BrokerRegistry::BrokerRegistry(std::filesystem::path dataDir) : m_dataDir(std::move(dataDir)) {}

std::filesystem::path BrokerRegistry::stateDir(std::string_view id) const
{
    return m_dataDir / "brokers" / std::string(id);
}

std::string BrokerRegistry::toJson(const std::vector<BrokerEntry> &entries)
{
    QJsonArray list;
    for (const auto &e : entries)
        list.append(entryToJson(e));
    QJsonObject root;
    root[QStringLiteral("version")] = kFormatVersion;
    root[QStringLiteral("brokers")] = list;
    return QJsonDocument(root).toJson(QJsonDocument::Indented).toStdString();
}

Result<std::vector<BrokerEntry>> BrokerRegistry::fromJson(std::string_view json, const std::string &origin)
{
    QJsonParseError parseError{};
    const auto doc = QJsonDocument::fromJson(QByteArray(json.data(), static_cast<qsizetype>(json.size())), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return makeError(Errc::Corrupt,
                         origin + ": not valid JSON at byte " + std::to_string(parseError.offset) + ": " +
                             parseError.errorString().toStdString(),
                         "fix or move the file away; Spillway does not overwrite a damaged registry");
    const auto root = doc.object();
    const int version = root.value(QStringLiteral("version")).toInt(-1);
    if (version != kFormatVersion)
        return makeError(Errc::Unsupported, origin + ": registry format version " + std::to_string(version) +
                                                " (this Spillway reads version " + std::to_string(kFormatVersion) +
                                                ")");
    std::vector<BrokerEntry> out;
    const auto list = root.value(QStringLiteral("brokers")).toArray();
    for (int i = 0; i < list.size(); ++i) {
        auto e = entryFromJson(list.at(i).toObject(), origin, i);
        if (!e)
            return e.error();
        out.push_back(std::move(*e));
    }
    return out;
}

Result<std::vector<BrokerEntry>> BrokerRegistry::load() const
{
    std::error_code ec;
    if (!std::filesystem::exists(file(), ec))
        return std::vector<BrokerEntry>{};
    auto text = readFile(file());
    if (!text)
        return text.error();
    auto entries = fromJson(*text, file().string());
    if (!entries)
        return entries.error();
    for (auto &e : *entries)
        refreshFacts(e);
    return entries;
}

Result<BrokerEntry> BrokerRegistry::find(std::string_view id) const
{
    auto entries = load();
    if (!entries)
        return entries.error();
    for (auto &e : *entries)
        if (e.id == id)
            return std::move(e);
    return makeError(Errc::NotFound, "no broker named '" + std::string(id) + "'", "see spillway-cli brokers list");
}

Result<BrokerEntry> BrokerRegistry::add(BrokerEntry entry)
{
    auto completed = entry.isLocal() ? completeLocalEntry(std::move(entry)) : completeRemoteEntry(std::move(entry));
    if (!completed)
        return completed.error();
    RegistryLock lock(m_dataDir);
    if (auto st = lock.acquire(m_dataDir); !st)
        return st.error();
    auto entries = load();
    if (!entries)
        return entries.error();
    for (const auto &e : *entries)
        if (e.id == completed->id)
            return makeError(Errc::InvalidArgument, "a broker named '" + e.id + "' is already registered",
                             "choose another name, or remove the old entry first");
    entries->push_back(*completed);
    if (auto st = save(file(), *entries); !st)
        return st.error();
    return completed;
}

Status BrokerRegistry::remove(std::string_view id)
{
    RegistryLock lock(m_dataDir);
    if (auto st = lock.acquire(m_dataDir); !st)
        return st;
    auto entries = load();
    if (!entries)
        return entries.error();
    const auto before = entries->size();
    std::erase_if(*entries, [&](const BrokerEntry &e) { return e.id == id; });
    if (entries->size() == before)
        return makeError(Errc::NotFound, "no broker named '" + std::string(id) + "'", "see spillway-cli brokers list");
    return save(file(), *entries);
}

} // namespace spillway::core
