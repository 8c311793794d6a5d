// SPDX-License-Identifier: GPL-3.0-or-later
// spillway-labfs: the lab's disks. Thin: parses the command line and hands
// over to labfs/ (mount, ctl, probe).
#include "labfs/commands.h"
#include "labfs/size_parse.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace spillway::labfs;

constexpr const char *kUsage =
    "Usage: spillway-labfs mount --backing DIR --mountpoint DIR --capacity SIZE\n"
    "                            [--control PATH] [--foreground] [--name NAME]\n"
    "       spillway-labfs ctl PATH healthy|fail|readonly|slow MS|status\n"
    "       spillway-labfs probe\n"
    "\n"
    "A FUSE disk of a fixed capacity over a backing directory, with switchable faults.\n"
    "SIZE: bytes, or K/M/G/T (KiB/MiB/GiB/TiB, powers of 1024) or KB/MB/GB (powers of 1000).\n"
    "The control socket defaults to <backing>.ctl. Unmount with: fusermount3 -u MOUNTPOINT\n"
    "(-z when a failed disk still has open files). Exit codes: 0 ok, 1 failed, 2 usage,\n"
    "3 FUSE unavailable (use plain directories instead).\n";

int usageError(const std::string &message)
{
    std::fprintf(stderr, "spillway-labfs: %s (see --help)\n", message.c_str());
    return kExitUsage;
}

int mountCommand(const std::vector<std::string> &args)
{
    MountOptions options;
    bool haveCapacity = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        std::string value;
        bool inlineValue = false;
        if (const auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg.resize(eq);
            inlineValue = true;
        }
        if (arg == "--foreground" || arg == "-f") {
            options.foreground = true;
            continue;
        }
        if (arg != "--backing" && arg != "--mountpoint" && arg != "--capacity" && arg != "--control" && arg != "--name")
            return usageError("unexpected argument '" + args[i] + "' for mount");
        if (!inlineValue) {
            if (i + 1 >= args.size())
                return usageError(arg + " needs a value");
            value = args[++i];
        }
        if (arg == "--backing") {
            options.backing = value;
        } else if (arg == "--mountpoint") {
            options.mountpoint = value;
        } else if (arg == "--control") {
            options.control = value;
        } else if (arg == "--name") {
            options.name = value;
        } else {
            auto size = parseSize(value);
            if (!size)
                return usageError(size.error().message);
            options.capacity = *size;
            haveCapacity = true;
        }
    }
    if (options.backing.empty() || options.mountpoint.empty() || !haveCapacity)
        return usageError("mount needs --backing, --mountpoint and --capacity");
    return runMount(options);
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty())
        return usageError("no command given");
    const std::string command = args.front();
    args.erase(args.begin());
    if (command == "-h" || command == "--help" || command == "help") {
        std::fputs(kUsage, stdout);
        return kExitOk;
    }
    if (command == "-V" || command == "--version") {
        std::printf("spillway-labfs %s\n", SPILLWAY_VERSION_STRING);
        return kExitOk;
    }
    if (command == "mount")
        return mountCommand(args);
    if (command == "ctl") {
        if (args.size() < 2)
            return usageError("ctl needs a control socket path and a request");
        const std::string socket = args.front();
        args.erase(args.begin());
        return runControl(socket, args);
    }
    if (command == "probe") {
        if (!args.empty())
            return usageError("probe takes no arguments");
        return runProbe();
    }
    return usageError("unknown command '" + command + "'");
}
