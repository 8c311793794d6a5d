// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/lab/lab_test_support.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

namespace spillway::test {

bool labfsUsable() { return runProcess({SPILLWAY_BINARY_DIR "/app/spillway-labfs", "probe"}).exitCode == 0; }

TestLab::TestLab(bool fuse) : m_root(m_dir / "lab"), m_port(freePort()), m_fuse(fuse) {}

TestLab::~TestLab()
{
    // Whatever happened, nothing of the lab may outlive the test.
    runProcess({kCli, "lab", "down", "--root", m_root.string(), "--timeout", "10"}, std::chrono::seconds(120));
}

ProcessResult TestLab::lab(std::vector<std::string> args, std::chrono::seconds timeout)
{
    std::vector<std::string> argv{kCli, "lab"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--root");
    argv.push_back(m_root.string());
    return runProcess(argv, timeout);
}

ProcessResult TestLab::up(std::vector<std::string> extra)
{
    std::vector<std::string> args{"up",         "--port",         std::to_string(m_port),
                                  "--capacity", "32MiB",          "--produce-rate",
                                  "512KiB/s",   "--consume-rate", "512KiB/s"};
    if (!m_fuse)
        args.push_back("--no-fuse");
    args.insert(args.end(), extra.begin(), extra.end());
    return lab(args);
}

std::string TestLab::brokerLog() const { return slurp((m_root / "logs" / "broker-1.log").string()); }

std::vector<std::string> labProcessesUnder(const std::filesystem::path &root)
{
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator("/proc", ec)) {
        const auto pid = entry.path().filename().string();
        if (pid.empty() || !std::all_of(pid.begin(), pid.end(), [](char c) { return c >= '0' && c <= '9'; }))
            continue;
        const std::string cmdline = slurp((entry.path() / "cmdline").string());
        std::vector<std::string> argv;
        std::string arg;
        for (char c : cmdline) {
            if (c == '\0') {
                argv.push_back(arg);
                arg.clear();
            } else {
                arg.push_back(c);
            }
        }
        if (argv.empty())
            continue;
        const auto program = std::filesystem::path(argv.front()).filename().string();
        if (program != "spillway-broker" && program != "spillway-loadgen" && program != "spillway-labfs")
            continue;
        const bool ours = std::any_of(argv.begin(), argv.end(),
                                      [&](const std::string &a) { return a.rfind(root.string() + "/", 0) == 0; });
        const std::string stat = slurp((entry.path() / "stat").string());
        const auto close = stat.rfind(')');
        const bool zombie = close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
        if (ours && !zombie)
            found.push_back(pid + " " + program);
    }
    return found;
}

std::vector<std::string> mountsUnder(const std::filesystem::path &root)
{
    std::vector<std::string> found;
    std::istringstream lines(slurp("/proc/self/mountinfo"));
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string f[5];
        for (auto &field : f)
            fields >> field;
        if (f[4] == root.string() || f[4].rfind(root.string() + "/", 0) == 0)
            found.push_back(f[4]);
    }
    return found;
}

bool eventually(const std::function<bool()> &condition, std::chrono::seconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return true;
}

std::string jsonEval(const TempDir &scratch, const std::string &json, const std::string &expression)
{
    const auto file = (scratch / "doc.json").string();
    std::ofstream(file) << json;
    auto r = runProcess({"python3", "-c",
                         "import json,sys\n"
                         "try:\n"
                         "    d = json.load(open(sys.argv[1]))\n"
                         "except Exception as e:\n"
                         "    print('PARSE ERROR', e); sys.exit(0)\n"
                         "print(eval(sys.argv[2]))\n",
                         file, expression});
    std::string out = r.out;
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

std::uintmax_t topicBytes(const std::filesystem::path &root)
{
    std::uintmax_t total = 0;
    std::error_code ec;
    for (const auto &disk : std::filesystem::directory_iterator(root / "broker-1", ec)) {
        if (disk.path().filename().string().rfind("data", 0) != 0)
            continue; // not the labfs backing dirs: the same data seen twice
        for (const auto &partition : std::filesystem::directory_iterator(disk.path(), ec)) {
            if (partition.path().filename().string().rfind("testKafka-", 0) != 0)
                continue;
            for (const auto &file : std::filesystem::directory_iterator(partition.path(), ec))
                if (file.path().extension() == ".log")
                    total += file.file_size(ec);
        }
    }
    return total;
}

std::vector<int> partitionsOn(const std::filesystem::path &disk)
{
    std::vector<int> found;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(disk, ec)) {
        const auto name = entry.path().filename().string();
        if (name.rfind("testKafka-", 0) == 0)
            found.push_back(std::stoi(name.substr(10)));
    }
    std::sort(found.begin(), found.end());
    return found;
}

} // namespace spillway::test
