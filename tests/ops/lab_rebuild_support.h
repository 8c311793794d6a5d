// SPDX-License-Identifier: GPL-3.0-or-later
// What the tests of a running lab broker's index rebuild share (the CLI's
// kill-and-recover test and the console dialog's): the broker's pids, a
// known set of messages produced into one partition with kcat, and reading
// them all back.
#pragma once

#include "tests/lab/lab_test_support.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace spillway::test {

/// The pids of the lab's spillway-broker processes under `root`.
inline std::set<std::string> labBrokerPids(const std::filesystem::path &root)
{
    std::set<std::string> out;
    for (const auto &line : labProcessesUnder(root))
        if (line.find("spillway-broker") != std::string::npos)
            out.insert(line.substr(0, line.find(' ')));
    return out;
}

/// kcat produces `count` "k<i>:<tag>-<i>-<200 bytes>" messages to testKafka-<partition> (several
/// closed 2 MiB segments for 30000); returns them, or an empty set when kcat failed.
inline std::multiset<std::string> produceTagged(const TestLab &lab, int partition, int count, const std::string &tag)
{
    const auto input = (lab.dir() / (tag + "-in.txt")).string();
    std::multiset<std::string> produced;
    {
        std::ofstream out(input);
        for (int i = 0; i < count; ++i) {
            const auto line =
                "k" + std::to_string(i) + ":" + tag + "-" + std::to_string(i) + "-" + std::string(200, 'z');
            out << line << "\n";
            produced.insert(line);
        }
    }
    const auto r = runProcess({"kcat", "-b", lab.bootstrap(), "-P", "-t", "testKafka", "-p", std::to_string(partition),
                               "-K", ":", "-l", input, "-X", "message.timeout.ms=30000"},
                              std::chrono::seconds(120));
    return r.exitCode == 0 ? produced : std::multiset<std::string>{};
}

/// Every "key:value" line kcat reads back from testKafka-<partition>.
inline std::multiset<std::string> consumeTagged(const TestLab &lab, int partition)
{
    const auto r = runProcess({"kcat", "-b", lab.bootstrap(), "-C", "-t", "testKafka", "-p", std::to_string(partition),
                               "-o", "beginning", "-e", "-q", "-f", "%k:%s\n"},
                              std::chrono::seconds(120));
    std::multiset<std::string> out;
    std::size_t at = 0;
    while (at < r.out.size()) {
        const auto end = r.out.find('\n', at);
        out.insert(r.out.substr(at, end == std::string::npos ? std::string::npos : end - at));
        if (end == std::string::npos)
            break;
        at = end + 1;
    }
    return out;
}

/// The dir of testKafka-<partition> in the lab's broker 1; empty when none.
inline std::filesystem::path labPartitionDir(const TestLab &lab, int partition)
{
    const std::string name = "testKafka-" + std::to_string(partition);
    for (const auto &e : std::filesystem::directory_iterator(lab.root() / "broker-1"))
        if (std::filesystem::is_directory(e.path() / name))
            return e.path() / name;
    return {};
}

} // namespace spillway::test
