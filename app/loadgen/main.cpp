// SPDX-License-Identifier: GPL-3.0-or-later
// spillway-loadgen: the lab's load generator. Thin: parses arguments, then
// either creates the lab topic or runs the producer and consumer until
// SIGTERM/SIGINT. Started and stopped by `spillway-cli lab`.
#include "core/lab/load_generator.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

std::atomic<bool> g_stop{false};

void onSignal(int) { g_stop = true; }

constexpr const char *kHelp =
    "Usage: spillway-loadgen --bootstrap HOST:PORT --control FILE --status FILE\n"
    "                        [--topic testKafka] [--group spillway-lab-consumer]\n"
    "       spillway-loadgen --create-topic --bootstrap HOST:PORT [--topic testKafka] [--partitions 12]\n"
    "\n"
    "The Spillway lab's load: a librdkafka producer writing the topic and a consumer group\n"
    "reading it, each at the rate in the control file (load.properties: produce.bytes.per.second,\n"
    "consume.bytes.per.second, message.bytes), re-read every second. Counters, measured rates\n"
    "and the group's lag go to the status file every second. Stops cleanly on SIGTERM.\n"
    "--create-topic creates the topic (replication factor 1) and exits.\n";

} // namespace

int main(int argc, char **argv)
{
    spillway::lab::LoadGeneratorOptions options;
    bool createOnly = false;
    int partitions = 12;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "-h" || arg == "--help") {
            std::fputs(kHelp, stdout);
            return 0;
        }
        if (arg == "-V" || arg == "--version") {
            std::printf("spillway-loadgen %s\n", SPILLWAY_VERSION_STRING);
            return 0;
        }
        if (arg == "--create-topic") {
            createOnly = true;
        } else if (arg == "--bootstrap" && hasValue) {
            options.bootstrap = argv[++i];
        } else if (arg == "--topic" && hasValue) {
            options.topic = argv[++i];
        } else if (arg == "--group" && hasValue) {
            options.group = argv[++i];
        } else if (arg == "--control" && hasValue) {
            options.controlFile = argv[++i];
        } else if (arg == "--status" && hasValue) {
            options.statusFile = argv[++i];
        } else if (arg == "--partitions" && hasValue) {
            partitions = std::atoi(argv[++i]);
        } else {
            std::fprintf(stderr, "spillway-loadgen: unexpected argument '%s' (see --help)\n", arg.c_str());
            return 2;
        }
    }
    if (createOnly) {
        if (partitions < 1) {
            std::fprintf(stderr, "spillway-loadgen: --partitions needs a positive number\n");
            return 2;
        }
        auto created = spillway::lab::LoadGenerator::createTopic(options.bootstrap, options.topic, partitions,
                                                                 std::chrono::seconds(60));
        if (!created) {
            std::printf("%s\n", created.error().describe().c_str());
            return 1;
        }
        std::printf("%s\n", created->c_str());
        return 0;
    }
    if (options.controlFile.empty() || options.statusFile.empty()) {
        std::fprintf(stderr, "spillway-loadgen: --control and --status are required (see --help)\n");
        return 2;
    }
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    spillway::lab::LoadGenerator generator(options);
    if (auto st = generator.run(g_stop); !st) {
        std::fprintf(stderr, "spillway-loadgen: %s\n", st.error().describe().c_str());
        return 1;
    }
    return 0;
}
