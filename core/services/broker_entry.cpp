// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/services/broker_entry.h"

#include "core/common/fileio.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <unistd.h>

namespace spillway::core {
namespace {

std::string trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return std::string(s);
}

std::vector<std::string> splitList(std::string_view text)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto end = comma == std::string_view::npos ? text.size() : comma;
        if (auto item = trim(text.substr(start, end - start)); !item.empty())
            out.push_back(std::move(item));
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    return out;
}

std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

std::optional<std::int64_t> parseInt(std::string_view text)
{
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size())
        return std::nullopt;
    return v;
}

bool isWildcard(const std::string &host) { return host.empty() || host == "0.0.0.0" || host == "::"; }

Result<std::vector<KafkaListener>> parseListeners(std::string_view key, std::string_view text,
                                                  const PropertiesDocument &doc)
{
    // listener.security.protocol.map: NAME:PROTOCOL,...; the four standard
    // names map to themselves when absent (Kafka's default map).
    std::vector<std::pair<std::string, std::string>> map;
    if (auto m = doc.get("listener.security.protocol.map")) {
        for (const auto &item : splitList(*m)) {
            const auto colon = item.find(':');
            if (colon == std::string::npos)
                return makeError(Errc::InvalidArgument,
                                 "listener.security.protocol.map: '" + item + "' is not NAME:PROTOCOL");
            map.emplace_back(upper(trim(item.substr(0, colon))), upper(trim(item.substr(colon + 1))));
        }
    }
    std::vector<KafkaListener> out;
    for (const auto &item : splitList(text)) {
        const auto sep = item.find("://");
        const auto colon = item.rfind(':');
        if (sep == std::string::npos || colon == std::string::npos || colon < sep + 3)
            return makeError(Errc::InvalidArgument, std::string(key) + ": '" + item + "' is not NAME://host:port",
                             "e.g. " + std::string(key) + "=PLAINTEXT://:9092");
        KafkaListener l;
        l.name = upper(item.substr(0, sep));
        l.host = item.substr(sep + 3, colon - sep - 3);
        if (l.host.size() >= 2 && l.host.front() == '[' && l.host.back() == ']')
            l.host = l.host.substr(1, l.host.size() - 2);
        const auto port = parseInt(std::string_view(item).substr(colon + 1));
        if (!port || *port < 0 || *port > 65535)
            return makeError(Errc::InvalidArgument, std::string(key) + ": '" + item + "' has no valid port");
        l.port = static_cast<std::uint16_t>(*port);
        l.securityProtocol = l.name;
        for (const auto &[name, protocol] : map)
            if (name == l.name)
                l.securityProtocol = protocol;
        out.push_back(std::move(l));
    }
    return out;
}

HostPort reachable(const KafkaListener &l)
{
    return HostPort{isWildcard(l.host) ? std::string("127.0.0.1") : l.host, l.port};
}

Status checkStartCommand(BrokerEntry &entry)
{
    if (entry.startCommand.empty())
        return makeError(Errc::InvalidArgument, "broker '" + entry.id + "' has no start command",
                         "give the program and its arguments, e.g. /opt/kafka/bin/kafka-server-start.sh "
                         "/opt/kafka/config/server.properties");
    for (const auto &arg : entry.startCommand)
        if (arg == "-daemon")
            return makeError(Errc::InvalidArgument,
                             "the start command of '" + entry.id +
                                 "' has -daemon: the broker would detach and "
                                 "Spillway could not follow or stop its process",
                             "remove -daemon; Spillway runs the broker in the background itself");
    std::string &program = entry.startCommand.front();
    if (program.find('/') != std::string::npos) {
        std::error_code ec;
        program = std::filesystem::absolute(program, ec).lexically_normal().string();
        if (::access(program.c_str(), X_OK) != 0)
            return Error::fromErrno(errno, "start command of '" + entry.id + "': cannot execute " + program);
        return {};
    }
    const char *path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    while (!dirs.empty()) {
        const auto colon = dirs.find(':');
        const std::string dir(dirs.substr(0, colon));
        if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0)
            return {};
        if (colon == std::string_view::npos)
            break;
        dirs.remove_prefix(colon + 1);
    }
    return makeError(Errc::NotFound, "start command of '" + entry.id + "': '" + program + "' is not on the PATH",
                     "give the full path of the program");
}

} // namespace

std::string_view toString(BrokerKind kind) noexcept
{
    switch (kind) {
    case BrokerKind::Lab: return "lab";
    case BrokerKind::KafkaInstall: return "kafka-install";
    case BrokerKind::Remote: return "remote";
    }
    return "unknown";
}

std::optional<BrokerKind> brokerKindFromString(std::string_view text) noexcept
{
    for (const auto k : {BrokerKind::Lab, BrokerKind::KafkaInstall, BrokerKind::Remote})
        if (toString(k) == text)
            return k;
    return std::nullopt;
}

std::string HostPort::toString() const
{
    if (host.find(':') != std::string::npos)
        return "[" + host + "]:" + std::to_string(port);
    return host + ":" + std::to_string(port);
}

Result<HostPort> HostPort::parse(std::string_view text)
{
    const std::string t = trim(text);
    const auto colon = t.rfind(':');
    if (colon == std::string::npos || colon == 0)
        return makeError(Errc::InvalidArgument, "'" + t + "' is not host:port", "e.g. kafka1.example.com:9092");
    HostPort hp;
    hp.host = t.substr(0, colon);
    if (hp.host.size() >= 2 && hp.host.front() == '[' && hp.host.back() == ']')
        hp.host = hp.host.substr(1, hp.host.size() - 2);
    else if (hp.host.find(':') != std::string::npos)
        return makeError(Errc::InvalidArgument, "'" + t + "': put an IPv6 address in brackets", "e.g. [::1]:9092");
    const auto port = parseInt(std::string_view(t).substr(colon + 1));
    if (hp.host.empty() || !port || *port < 1 || *port > 65535)
        return makeError(Errc::InvalidArgument, "'" + t + "' is not host:port with a port between 1 and 65535");
    hp.port = static_cast<std::uint16_t>(*port);
    return hp;
}

Result<BrokerFacts> inspectServerProperties(const PropertiesDocument &doc, const std::filesystem::path &workingDir)
{
    BrokerFacts f;
    if (auto roles = doc.get("process.roles"))
        f.processRoles = splitList(*roles);

    auto readId = [&](const char *key) -> Status {
        if (auto v = doc.get(key)) {
            const auto id = parseInt(trim(*v));
            if (!id || *id < -1 || *id > INT32_MAX)
                return makeError(Errc::InvalidArgument, std::string(key) + "='" + *v + "' is not a broker id");
            if (*id >= 0) {
                f.brokerId = static_cast<std::int32_t>(*id);
                f.brokerIdKey = key;
            }
        }
        return {};
    };
    if (f.kraft()) {
        if (auto st = readId("node.id"); !st)
            return st.error();
        if (!f.brokerId)
            return makeError(Errc::InvalidArgument, "process.roles is set (KRaft mode) but node.id is missing",
                             "add node.id=<n> to server.properties");
    } else {
        if (auto st = readId("broker.id"); !st)
            return st.error();
    }

    const auto dirs = doc.get("log.dirs");
    const auto dir = doc.get("log.dir");
    if (dirs || dir) {
        f.logDirsKey = dirs ? "log.dirs" : "log.dir";
        for (const auto &d : splitList(dirs ? *dirs : *dir)) {
            std::filesystem::path p(d);
            if (p.is_relative()) {
                f.warnings.push_back(f.logDirsKey + ": '" + d + "' is relative; the broker resolves it against " +
                                     workingDir.string());
                p = workingDir / p;
            }
            f.logDirs.push_back(p.lexically_normal());
        }
        if (f.logDirs.empty())
            return makeError(Errc::InvalidArgument, f.logDirsKey + " is empty: the broker has no log dir",
                             "list the broker's data directories, e.g. log.dirs=/var/lib/kafka/data0");
    } else {
        f.logDirs.emplace_back("/tmp/kafka-logs");
        f.warnings.emplace_back("neither log.dirs nor log.dir is set: Kafka uses /tmp/kafka-logs, which the OS may "
                                "clean up");
    }

    if (!f.brokerId) {
        // Generated ids (ZooKeeper mode) live in meta.properties.
        if (auto text = readFile(f.logDirs.front() / "meta.properties")) {
            if (auto meta = PropertiesDocument::parse(*text)) {
                for (const char *key : {"node.id", "broker.id"}) {
                    if (auto v = meta->get(key); v && !f.brokerId)
                        if (auto id = parseInt(trim(*v)); id && *id >= 0 && *id <= INT32_MAX) {
                            f.brokerId = static_cast<std::int32_t>(*id);
                            f.brokerIdKey = "meta.properties";
                        }
                }
            }
        }
    }

    auto listeners = parseListeners("listeners", doc.get("listeners").value_or("PLAINTEXT://:9092"), doc);
    if (!listeners)
        return listeners.error();
    f.listeners = std::move(*listeners);
    if (auto adv = doc.get("advertised.listeners")) {
        auto parsed = parseListeners("advertised.listeners", *adv, doc);
        if (!parsed)
            return parsed.error();
        f.advertisedListeners = std::move(*parsed);
    }

    std::vector<std::string> controllerNames;
    for (const auto &n : splitList(doc.get("controller.listener.names").value_or("")))
        controllerNames.push_back(upper(n));
    const auto isController = [&](const KafkaListener &l) {
        return std::find(controllerNames.begin(), controllerNames.end(), l.name) != controllerNames.end();
    };
    const auto &clientSide = f.advertisedListeners.empty() ? f.listeners : f.advertisedListeners;
    for (const auto &l : clientSide)
        if (!isController(l))
            f.bootstrapServers.push_back(reachable(l));

    // The probe connects to a bound port (listeners, not advertised names that
    // may only resolve elsewhere); plaintext protocols first because
    // ApiVersions needs no TLS and is allowed before SASL authentication.
    for (const bool tls : {false, true}) {
        for (const auto &l : f.listeners) {
            const bool isTls = l.securityProtocol == "SSL" || l.securityProtocol == "SASL_SSL";
            if (f.probeAddress || isTls != tls || isController(l) || l.port == 0)
                continue;
            f.probeAddress = reachable(l);
            f.probeTls = isTls;
        }
    }
    if (!f.probeAddress) {
        for (const auto &l : f.listeners)
            if (l.port != 0 && !f.probeAddress)
                f.probeAddress = reachable(l);
        if (!f.probeAddress)
            return makeError(Errc::InvalidArgument, "listeners has no port the console can check",
                             "give the listener a fixed port, e.g. listeners=PLAINTEXT://:9092");
        f.warnings.emplace_back("only controller listeners: health is checked on " + f.probeAddress->toString());
    }
    if (f.probeTls)
        f.warnings.push_back("the client listener " + f.probeAddress->toString() +
                             " uses TLS: health checks only test that the port accepts connections");
    return f;
}

Result<BrokerFacts> inspectServerPropertiesFile(const std::filesystem::path &file,
                                                const std::filesystem::path &workingDir)
{
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        return makeError(Errc::NotFound, "server.properties not found: " + file.string(),
                         "check the path; it must be the file the broker is started with");
    auto text = readFile(file);
    if (!text)
        return text.error();
    auto doc = PropertiesDocument::parse(*text);
    if (!doc)
        return makeError(Errc::Corrupt, file.string() + ": " + doc.error().message);
    auto facts = inspectServerProperties(*doc, workingDir);
    if (!facts)
        return makeError(facts.error().code, file.string() + ": " + facts.error().message, facts.error().hint);
    return facts;
}

Status validateBrokerId(std::string_view id)
{
    const bool okChars = std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
    if (id.empty() || id.size() > 64 || !okChars || id.front() == '.' || id.front() == '-')
        return makeError(Errc::InvalidArgument, "'" + std::string(id) + "' cannot name a broker",
                         "use 1-64 letters, digits, '.', '_' or '-', not starting with '.' or '-'");
    return {};
}

void refreshFacts(BrokerEntry &entry)
{
    entry.facts.reset();
    entry.problem.clear();
    if (!entry.isLocal())
        return;
    auto facts = inspectServerPropertiesFile(entry.serverProperties, entry.workingDir);
    if (!facts) {
        entry.problem = facts.error().describe();
        return;
    }
    entry.bootstrapServers = facts->bootstrapServers;
    entry.facts = std::move(*facts);
}

Result<BrokerEntry> completeLocalEntry(BrokerEntry entry)
{
    if (auto st = validateBrokerId(entry.id); !st)
        return st.error();
    if (!entry.isLocal())
        return makeError(Errc::InvalidArgument, "broker '" + entry.id + "' is remote, not local");
    if (entry.serverProperties.empty())
        return makeError(Errc::InvalidArgument, "broker '" + entry.id + "' needs its server.properties");
    std::error_code ec;
    entry.serverProperties = std::filesystem::absolute(entry.serverProperties, ec).lexically_normal();
    if (entry.workingDir.empty())
        entry.workingDir = entry.serverProperties.parent_path();
    entry.workingDir = std::filesystem::absolute(entry.workingDir, ec).lexically_normal();
    if (!std::filesystem::is_directory(entry.workingDir, ec))
        return makeError(Errc::NotFound,
                         "working directory of '" + entry.id + "' not found: " + entry.workingDir.string());
    for (const auto &[key, value] : entry.environment)
        if (key.empty() || key.find('=') != std::string::npos)
            return makeError(Errc::InvalidArgument,
                             "environment of '" + entry.id + "': '" + key + "' is not a variable name");
    auto facts = inspectServerPropertiesFile(entry.serverProperties, entry.workingDir);
    if (!facts)
        return facts.error();
    if (auto st = checkStartCommand(entry); !st)
        return st.error();
    entry.bootstrapServers = facts->bootstrapServers;
    entry.facts = std::move(*facts);
    entry.problem.clear();
    return entry;
}

Result<BrokerEntry> completeRemoteEntry(BrokerEntry entry)
{
    if (auto st = validateBrokerId(entry.id); !st)
        return st.error();
    if (entry.kind != BrokerKind::Remote)
        return makeError(Errc::InvalidArgument, "broker '" + entry.id + "' is local, not remote");
    if (entry.bootstrapServers.empty())
        return makeError(Errc::InvalidArgument, "remote broker '" + entry.id + "' needs its bootstrap servers",
                         "e.g. --bootstrap kafka1.example.com:9092");
    entry.serverProperties.clear();
    entry.startCommand.clear();
    entry.workingDir.clear();
    entry.environment.clear();
    entry.facts.reset();
    entry.problem.clear();
    return entry;
}

std::string_view toString(BrokerOperation op) noexcept
{
    switch (op) {
    case BrokerOperation::StartStop: return "start-stop";
    case BrokerOperation::ViewProcessLog: return "process-log";
    case BrokerOperation::EditConfig: return "edit-config";
    case BrokerOperation::ScanLogDirs: return "scan-log-dirs";
    case BrokerOperation::OfflineRepair: return "offline-repair";
    case BrokerOperation::OnlineAdmin: return "online-admin";
    }
    return "unknown";
}

bool BrokerCapabilities::can(BrokerOperation op) const
{
    for (const auto &c : operations)
        if (c.operation == op)
            return c.available;
    return false;
}

std::string BrokerCapabilities::reason(BrokerOperation op) const
{
    for (const auto &c : operations)
        if (c.operation == op)
            return c.reason;
    return "unknown operation";
}

BrokerCapabilities capabilitiesOf(const BrokerEntry &entry)
{
    static constexpr std::array kAll{BrokerOperation::StartStop,     BrokerOperation::ViewProcessLog,
                                     BrokerOperation::EditConfig,    BrokerOperation::ScanLogDirs,
                                     BrokerOperation::OfflineRepair, BrokerOperation::OnlineAdmin};
    BrokerCapabilities caps;
    for (const auto op : kAll) {
        BrokerCapability c{op, true, {}};
        if (op == BrokerOperation::OnlineAdmin) {
            if (entry.bootstrapServers.empty()) {
                c.available = false;
                c.reason = "no bootstrap servers known" + (entry.problem.empty() ? "" : ": " + entry.problem);
            }
        } else if (!entry.isLocal()) {
            c.available = false;
            c.reason = "needs the broker's files; Spillway reaches this broker only over the network";
        } else if (!entry.facts && op != BrokerOperation::ViewProcessLog) {
            c.available = false;
            c.reason = "server.properties cannot be read: " + entry.problem;
        }
        caps.operations.push_back(std::move(c));
    }
    return caps;
}

} // namespace spillway::core
