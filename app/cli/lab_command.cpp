// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli lab`: the lab's life cycle (up, down, reset), its status and
// its load. Parses arguments and hands them to core's Lab; LabOutput prints.
#include "app/cli/lab_command.h"

#include "app/cli/cli_command.h"
#include "app/cli/lab_report.h"
#include "core/common/json_writer.h"
#include "core/lab/lab.h"
#include "core/lab/lab_units.h"

#include <csignal>
#include <cstdio>

namespace spillway::app {
using namespace spillway::lab;

namespace {

constexpr const char *kHelp =
    "Usage: spillway-cli lab up [options]\n"
    "       spillway-cli lab down [--timeout SECONDS]\n"
    "       spillway-cli lab status [--json]\n"
    "       spillway-cli lab reset --yes\n"
    "       spillway-cli lab load [--produce-rate R] [--consume-rate R] [--message-size SIZE]\n"
    "       spillway-cli lab drill <name> [options]   (see spillway-cli lab drill --help)\n"
    "\n"
    "A living Kafka on this machine: the lab broker with its own small disks, the topic\n"
    "testKafka (12 partitions), and a load generator (a producer and the consumer group\n"
    "spillway-lab-consumer) so that usage grows like a real cluster's. Each disk is a\n"
    "spillway-labfs FUSE filesystem with its own capacity, whose faults the drills inject;\n"
    "where FUSE cannot be used the disks are plain directories and the disk drills are\n"
    "unavailable. Everything listens on 127.0.0.1 only.\n"
    "\n"
    "up      create the lab if needed (server.properties, disks), mount the disks, start the\n"
    "        broker, create testKafka and start the load. Already up: says so. After a crash:\n"
    "        unmounts stale disks and stops leftover lab processes, then starts fresh with the data.\n"
    "down    stop the load and the broker (SIGTERM; SIGKILL after the timeout), unmount the\n"
    "        disks. Touches only processes the lab started. The data stays.\n"
    "status  each broker, each disk (mount, labfs mode, capacity/used, the broker's view of the\n"
    "        log dir) and the load. Exit 0 when everything runs, 1 when the lab is down or a part\n"
    "        of it is not running or failing.\n"
    "reset   down, then delete the lab root with all its data (needs --yes).\n"
    "load    change the load generator's rates while it runs (re-read within a second).\n"
    "\n"
    "Options:\n"
    "  --root DIR           the lab's folder (default $XDG_DATA_HOME/spillway/lab,\n"
    "                       i.e. ~/.local/share/spillway/lab)\n"
    "  --json               one JSON document on stdout\n"
    "up, when the lab is created (fixed until reset):\n"
    "  --brokers N          brokers (only 1 until the lab broker replicates)\n"
    "  --disks N            disks in log.dirs, data0..data<N-1> (default 4)\n"
    "  --spares N           spare disks after them, mounted but not in log.dirs (default 1)\n"
    "  --no-fuse            plain directories instead of labfs disks\n"
    "up, at any time:\n"
    "  --capacity SIZE      each disk's capacity (default 256MiB)\n"
    "  --port N             broker 1's port on 127.0.0.1 (default 9092); a busy port is an error\n"
    "  --produce-rate R     normal produce rate (default 256KiB/s; also 1000msg/s, 0, unlimited)\n"
    "  --consume-rate R     normal consume rate (default 256KiB/s)\n"
    "  --message-size SIZE  message size (default 1KiB)\n"
    "  --emulate-kafka V    the brokers speak only the protocol version ranges of Apache Kafka V\n"
    "                       (2.0, 2.2, 2.3, 2.4, 2.8, 3.3, 3.9, 4.0), to see how Spillway works\n"
    "                       with an older cluster; none: their own. From the brokers' next start.\n"
    "down:\n"
    "  --timeout SECONDS    how long a broker gets for a clean shutdown (default 30)\n"
    "\n"
    "Exit status: 0 done, 1 problems (status), 2 usage error or the command could not be done.\n";

int usage(const std::string &command, const std::string &message)
{
    std::fprintf(stderr, "spillway-cli lab%s%s: %s (see spillway-cli lab --help)\n", command.empty() ? "" : " ",
                 command.c_str(), message.c_str());
    return ExitUsage;
}

int runUp(LabArgs &a, const std::filesystem::path &root, LabOutput &out)
{
    UpRequest r;
    r.noFuse = a.flag("--no-fuse");
    auto messageBytes = a.size("--message-size");
    if (!messageBytes)
        return out.fail(messageBytes.error(), ExitUsage);
    if (*messageBytes)
        r.messageBytes = static_cast<std::uint32_t>(std::min<std::uint64_t>(**messageBytes, UINT32_MAX));
    const std::uint64_t size = r.messageBytes.value_or(1024);
    auto brokers = a.integer("--brokers");
    auto disks = a.integer("--disks");
    auto spares = a.integer("--spares");
    auto port = a.integer("--port");
    auto capacity = a.size("--capacity");
    auto produce = a.rate("--produce-rate", size);
    auto consume = a.rate("--consume-rate", size);
    auto emulate = a.value("--emulate-kafka");
    if (!emulate)
        return out.fail(emulate.error(), ExitUsage);
    for (const core::Status &st :
         {brokers ? core::Status() : core::Status(brokers.error()),
          disks ? core::Status() : core::Status(disks.error()), spares ? core::Status() : core::Status(spares.error()),
          port ? core::Status() : core::Status(port.error()),
          capacity ? core::Status() : core::Status(capacity.error()),
          produce ? core::Status() : core::Status(produce.error()),
          consume ? core::Status() : core::Status(consume.error()), a.finish()})
        if (!st)
            return out.fail(st.error(), ExitUsage);
    r.brokers = *brokers;
    r.disks = *disks;
    r.spares = *spares;
    r.port = *port;
    r.capacity = *capacity;
    r.produceRate = *produce;
    r.consumeRate = *consume;
    r.emulateKafka = *emulate;
    auto outcome = Lab::up(root, r, LabBinaries::locate(), out.reporter());
    if (!outcome)
        return out.fail(outcome.error(), ExitUsage);
    return out.ok({{"outcome", *outcome == UpOutcome::AlreadyUp ? "already-up" : "started"}, {"root", root.string()}});
}

int runStatus(const std::filesystem::path &root, bool json)
{
    auto status = readLabStatus(root);
    if (!status) {
        LabOutput out("status", json);
        return out.fail(status.error(), ExitUsage);
    }
    if (json) {
        core::JsonWriter w;
        writeJson(w, *status);
        std::printf("%s\n", w.str().c_str());
    } else {
        printLabStatus(*status);
    }
    return status->healthy ? ExitOk : ExitProblems;
}

int runLoad(LabArgs &a, const std::filesystem::path &root, LabOutput &out)
{
    LoadRequest r;
    auto messageBytes = a.size("--message-size");
    if (!messageBytes)
        return out.fail(messageBytes.error(), ExitUsage);
    if (*messageBytes)
        r.messageBytes = static_cast<std::uint32_t>(std::min<std::uint64_t>(**messageBytes, UINT32_MAX));
    if (r.messageBytes && (*r.messageBytes < 1 || *r.messageBytes > (1U << 20)))
        return out.fail(core::makeError(core::Errc::InvalidArgument, "--message-size must be between 1 B and 1 MiB"),
                        ExitUsage);
    const std::uint64_t size = r.messageBytes.value_or(1024);
    auto produce = a.rate("--produce-rate", size);
    if (!produce)
        return out.fail(produce.error(), ExitUsage);
    auto consume = a.rate("--consume-rate", size);
    if (!consume)
        return out.fail(consume.error(), ExitUsage);
    if (auto st = a.finish(); !st)
        return out.fail(st.error(), ExitUsage);
    r.produceRate = *produce;
    r.consumeRate = *consume;
    if (!r.produceRate && !r.consumeRate && !r.messageBytes)
        return out.fail(core::makeError(core::Errc::InvalidArgument,
                                        "say what to change: --produce-rate, --consume-rate or --message-size"),
                        ExitUsage);
    auto rates = Lab::setLoad(root, r, LabBinaries::locate(), out.reporter());
    if (!rates)
        return out.fail(rates.error(), ExitUsage);
    const auto text = [](std::uint64_t v) { return v == kUnlimitedRate ? std::string("-1") : std::to_string(v); };
    return out.ok({{"produce_bytes_per_second", text(rates->produceBytesPerSecond)},
                   {"consume_bytes_per_second", text(rates->consumeBytesPerSecond)},
                   {"message_bytes", std::to_string(rates->messageBytes)}});
}

} // namespace

int runLabCommand(std::span<const std::string> args)
{
    // A reader that goes away (| head) must not kill a lab command halfway
    // through its steps; the lab's children get the default back.
    std::signal(SIGPIPE, SIG_IGN);
    if (args.empty())
        return usage("", "expected up, down, status, reset, load or drill");
    const std::string sub = args.front();
    if (sub == "-h" || sub == "--help" || sub == "help") {
        std::fputs(kHelp, stdout);
        return ExitOk;
    }
    if (sub == "drill")
        return runLabDrillCommand(args.subspan(1));
    LabArgs a(std::vector<std::string>(args.begin() + 1, args.end()));
    if (a.flag("--help") || a.flag("-h")) {
        std::fputs(kHelp, stdout);
        return ExitOk;
    }
    const bool json = a.flag("--json");
    LabOutput out(sub, json);
    auto root = a.root();
    if (!root)
        return out.fail(root.error(), ExitUsage);
    if (sub == "up")
        return runUp(a, *root, out);
    if (sub == "status") {
        if (auto st = a.finish(); !st)
            return out.fail(st.error(), ExitUsage);
        return runStatus(*root, json);
    }
    if (sub == "load")
        return runLoad(a, *root, out);
    if (sub == "down") {
        auto timeout = a.integer("--timeout");
        if (!timeout)
            return out.fail(timeout.error(), ExitUsage);
        if (auto st = a.finish(); !st)
            return out.fail(st.error(), ExitUsage);
        if (*timeout && **timeout < 1)
            return out.fail(core::makeError(core::Errc::InvalidArgument, "--timeout must be at least 1 second"),
                            ExitUsage);
        if (auto st =
                Lab::down(*root, LabBinaries::locate(), out.reporter(), std::chrono::seconds(timeout->value_or(30)));
            !st)
            return out.fail(st.error(), ExitUsage);
        return out.ok({{"root", root->string()}});
    }
    if (sub == "reset") {
        const bool yes = a.flag("--yes");
        if (auto st = a.finish(); !st)
            return out.fail(st.error(), ExitUsage);
        if (auto st = Lab::reset(*root, yes, LabBinaries::locate(), out.reporter()); !st)
            return out.fail(st.error(), ExitUsage);
        return out.ok({{"root", root->string()}});
    }
    return usage("", "unknown subcommand '" + sub + "': expected up, down, status, reset, load or drill");
}

} // namespace spillway::app
