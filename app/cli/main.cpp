// SPDX-License-Identifier: GPL-3.0-or-later
// spillway-cli: the console's operations, scriptable. Thin: parses the command
// name and hands the rest to the command's own run().
#include "app/cli/cli_command.h"

#include <cstdio>
#include <string>
#include <vector>

using namespace spillway::app;

namespace {

void printHelp(std::FILE *out)
{
    std::fprintf(out,
                 "Usage: spillway-cli <command> [options]\n"
                 "\n"
                 "Spillway %s - operations console for Apache Kafka storage.\n"
                 "\n"
                 "Commands:\n",
                 SPILLWAY_VERSION_STRING);
    for (const auto &c : cliCommands())
        std::fprintf(out, "  %-14.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                     static_cast<int>(c.summary.size()), c.summary.data());
    std::fprintf(out, "\n"
                      "Options:\n"
                      "  -h, --help     show this help (or a command's: spillway-cli <command> --help)\n"
                      "  -V, --version  show the version\n"
                      "\n"
                      "Exit status: 0 all good, 1 problems found, 2 usage or I/O error.\n");
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        printHelp(stderr);
        return ExitUsage;
    }
    const std::string &first = args.front();
    if (first == "-h" || first == "--help" || first == "help") {
        printHelp(stdout);
        return ExitOk;
    }
    if (first == "-V" || first == "--version") {
        std::printf("spillway-cli %s\n", SPILLWAY_VERSION_STRING);
        return ExitOk;
    }
    for (const auto &c : cliCommands()) {
        if (c.name == first)
            return c.run(std::span<const std::string>(args).subspan(1));
    }
    std::fprintf(stderr, "spillway-cli: unknown command '%s' (see spillway-cli --help)\n", first.c_str());
    return ExitUsage;
}
