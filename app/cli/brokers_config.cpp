// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli brokers config get|set|unset`: a broker's server.properties,
// edited with comments and order kept and the old file kept as a backup.
#include "app/cli/brokers_control.h"
#include "app/cli/cli_command.h"
#include "core/services/server_properties_file.h"

#include <cstdio>

namespace spillway::app {
using namespace spillway::core;

int runBrokersConfig(const BrokerRegistry &registry, std::vector<std::string> args, bool json)
{
    if (args.size() < 3)
        return brokersUsageError("config needs get|set|unset, a broker name and a key");
    const std::string verb = args[0];
    auto entry = registry.find(args[1]);
    if (!entry)
        return brokersFail(entry.error(), json);
    if (!entry->isLocal())
        return brokersFail(makeError(Errc::Unsupported, "cannot edit the config of '" + entry->id + "': " +
                                                            capabilitiesOf(*entry).reason(BrokerOperation::EditConfig)),
                           json);
    auto file = ServerPropertiesFile::load(entry->serverProperties);
    if (!file)
        return brokersFail(file.error(), json);
    const std::vector<std::string> items(args.begin() + 2, args.end());
    if (verb == "get") {
        const auto value = file->get(items.front());
        if (json) {
            JsonWriter w;
            w.beginObject();
            w.key("id").value(entry->id);
            w.key("file").value(file->path().string());
            w.key("key").value(items.front());
            w.key("value");
            value ? w.value(*value) : w.null();
            w.endObject();
            std::printf("%s\n", w.str().c_str());
        } else if (value) {
            std::printf("%s\n", value->c_str());
        }
        return value ? ExitOk : ExitProblems;
    }
    if (verb != "set" && verb != "unset")
        return brokersUsageError("unknown config action '" + verb + "': expected get, set or unset");
    for (const auto &item : items) {
        if (verb == "unset") {
            file->remove(item);
            continue;
        }
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            return brokersUsageError("config set takes KEY=VALUE, not '" + item + "'");
        file->set(item.substr(0, eq), item.substr(eq + 1));
    }
    auto saved = file->save();
    if (!saved)
        return brokersFail(saved.error(), json);
    if (json) {
        JsonWriter w;
        w.beginObject();
        w.key("id").value(entry->id);
        w.key("file").value(saved->file.string());
        w.key("backup");
        saved->backup.empty() ? w.null() : w.value(saved->backup.string());
        w.key("changes").beginArray();
        for (const auto &c : saved->changes) {
            w.beginObject();
            w.key("key").value(c.key);
            w.key("before");
            c.before ? w.value(*c.before) : w.null();
            w.key("after");
            c.after ? w.value(*c.after) : w.null();
            w.endObject();
        }
        w.endArray();
        w.endObject();
        std::printf("%s\n", w.str().c_str());
        return ExitOk;
    }
    if (saved->changes.empty()) {
        std::printf("%s: no change\n", saved->file.c_str());
        return ExitOk;
    }
    std::printf("%s (old file kept as %s):\n", saved->file.c_str(), saved->backup.filename().c_str());
    for (const auto &c : saved->changes) {
        if (!c.before)
            std::printf("  + %s=%s\n", c.key.c_str(), c.after->c_str());
        else if (!c.after)
            std::printf("  - %s (was %s)\n", c.key.c_str(), c.before->c_str());
        else
            std::printf("  %s: %s -> %s\n", c.key.c_str(), c.before->c_str(), c.after->c_str());
    }
    std::printf("restart the broker to apply: spillway-cli brokers restart %s\n", entry->id.c_str());
    return ExitOk;
}

} // namespace spillway::app
