// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli cluster configs|set-config`: a topic's or a broker's configs
// with their sources, and changes to them.
#include "app/cli/cli_command.h"
#include "app/cli/cluster_subcommands.h"
#include "app/cli/text_table.h"

#include <cstdio>

namespace spillway::app::cluster {
using namespace spillway::core;
using namespace spillway::core::admin;

namespace {

ConfigResource resourceOf(const ClusterArgs &args)
{
    if (args.topic)
        return ConfigResource::topic(*args.topic);
    return ConfigResource::broker(BrokerId(*args.broker));
}

void jsonResource(JsonWriter &j, const ConfigResource &r)
{
    j.key("resource").beginObject();
    j.key("type").value(toString(r.type));
    j.key("name").value(r.name);
    j.endObject();
}

std::string_view opName(ConfigOp op)
{
    switch (op) {
    case ConfigOp::Set: return "set";
    case ConfigOp::Delete: return "delete";
    case ConfigOp::Append: return "append";
    case ConfigOp::Subtract: return "subtract";
    }
    return "set";
}

} // namespace

Outcome showConfigs(Context &ctx)
{
    const ConfigResource resource = resourceOf(ctx.args);
    auto described = ctx.client.describeConfigs({resource});
    if (!described)
        return described.error();
    const ConfigResourceResult &r = described->front();
    auto &j = ctx.json;
    jsonResource(j, resource);
    j.key("error");
    jsonKafkaError(j, r.error);
    j.key("error_message");
    r.errorMessage.empty() ? j.null() : j.value(r.errorMessage);
    j.key("configs").beginArray();
    TextTable table({"NAME", "VALUE", "SOURCE", "FLAGS"});
    for (const auto &e : r.entries) {
        j.beginObject();
        j.key("name").value(e.name);
        j.key("value");
        e.value ? j.value(*e.value) : j.null();
        j.key("source").value(toString(e.source));
        j.key("default").value(e.isDefault);
        j.key("read_only").value(e.readOnly);
        j.key("sensitive").value(e.sensitive);
        j.key("synonyms").beginArray();
        for (const auto &s : e.synonyms) {
            j.beginObject();
            j.key("name").value(s.name);
            j.key("value");
            s.value ? j.value(*s.value) : j.null();
            j.key("source").value(toString(s.source));
            j.endObject();
        }
        j.endArray();
        j.endObject();
        std::string flags = e.readOnly ? "read-only" : "";
        if (e.sensitive)
            flags += flags.empty() ? "sensitive" : ",sensitive";
        table.row({e.name, e.value ? *e.value : (e.sensitive ? "(hidden)" : "(null)"), std::string(toString(e.source)),
                   flags});
    }
    j.endArray();
    if (!ctx.args.json) {
        if (r.error != KafkaError::None) {
            std::printf("%s '%s': %s%s%s\n", std::string(toString(resource.type)).c_str(), resource.name.c_str(),
                        kafkaErrorText(r.error).c_str(), r.errorMessage.empty() ? "" : ": ", r.errorMessage.c_str());
        } else {
            table.print(stdout);
        }
    }
    return r.error == KafkaError::None ? ExitOk : ExitProblems;
}

Outcome setConfig(Context &ctx)
{
    ConfigAlteration alteration{resourceOf(ctx.args), {}};
    for (const auto &kv : ctx.args.positional) {
        const auto eq = kv.find('=');
        alteration.changes.push_back({kv.substr(0, eq), ConfigOp::Set, kv.substr(eq + 1)});
    }
    for (const auto &key : ctx.args.deletes)
        alteration.changes.push_back({key, ConfigOp::Delete, std::nullopt});
    auto altered = ctx.client.incrementalAlterConfigs({alteration});
    if (!altered)
        return altered.error();
    const AlterConfigsResult &r = altered->front();
    auto &j = ctx.json;
    jsonResource(j, alteration.resource);
    j.key("changes").beginArray();
    for (const auto &c : alteration.changes) {
        j.beginObject();
        j.key("name").value(c.name);
        j.key("op").value(opName(c.op));
        j.key("value");
        c.value ? j.value(*c.value) : j.null();
        j.endObject();
    }
    j.endArray();
    j.key("via_alter_configs").value(r.viaAlterConfigs);
    j.key("error");
    jsonKafkaError(j, r.error);
    j.key("error_message");
    r.errorMessage.empty() ? j.null() : j.value(r.errorMessage);
    if (!ctx.args.json) {
        const std::string what =
            std::string(toString(alteration.resource.type)) + " '" + alteration.resource.name + "'";
        if (r.error == KafkaError::None)
            std::printf("%s: %zu change%s applied%s\n", what.c_str(), alteration.changes.size(),
                        alteration.changes.size() == 1 ? "" : "s",
                        r.viaAlterConfigs ? " (through AlterConfigs, the whole set of overrides rewritten)" : "");
        else
            std::printf("%s: %s%s%s\n", what.c_str(), kafkaErrorText(r.error).c_str(),
                        r.errorMessage.empty() ? "" : ": ", r.errorMessage.c_str());
    }
    return r.error == KafkaError::None ? ExitOk : ExitProblems;
}

} // namespace spillway::app::cluster
