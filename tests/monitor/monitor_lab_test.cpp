// SPDX-License-Identifier: GPL-3.0-or-later
// The measurement loop on a real lab (labfs disks, the lab broker, the load
// generator): monitorConfigForLab, `spillway-cli status --lab`, and the
// alerts of the lab's disk drills.
#include "core/services/cluster_monitor.h"
#include "tests/lab/lab_test_support.h"
#include "tests/monitor/monitor_test_support.h"

#include <catch2/catch.hpp>

using namespace spillway;
using spillway::test::TempDir;
using spillway::test::TestLab;

namespace {

/// `spillway-cli status --lab ROOT --json`: its stdout.
std::string status(const TestLab &lab, const TempDir &tmp)
{
    const auto r = test::runProcessSplit(
        {test::kCli, "status", "--lab", lab.root().string(), "--json", "--history", (tmp / "history.sqlite").string()},
        tmp.path().string());
    INFO(r.err);
    REQUIRE((r.exitCode == 0 || r.exitCode == 1));
    return r.out;
}

} // namespace

TEST_CASE("status --lab: the lab's brokers and labfs disks are local, filled and failed disks raise their alerts",
          "[monitor][lab][labfs]")
{
    if (!test::labfsUsable()) {
        WARN("spillway-labfs cannot mount FUSE disks here: the lab monitor test is skipped");
        return;
    }
    TempDir tmp;
    TestLab lab(true);
    const auto up = lab.up();
    INFO(up.out);
    REQUIRE(up.exitCode == 0);

    auto config = core::monitorConfigForLab(lab.root());
    REQUIRE(config.ok());
    REQUIRE(config->localBrokers.size() == 1);
    const auto &target = config->localBrokers[0];
    CHECK(target.id == core::BrokerId(1));
    CHECK(target.bootstrap == lab.bootstrap());
    REQUIRE(target.logDirs.size() == 4); // data0..data3; the spare data4 is not in log.dirs
    CHECK(target.logDirs[3] == lab.disk("data3"));
    CHECK(core::monitorConfigForLab(tmp / "no-lab-here").error().message.find("no lab at") != std::string::npos);

    using test::jsonQuery;
    const std::string first = status(lab, tmp);
    CHECK(jsonQuery(tmp.path(), first, "[(b['local'], b['state']) for b in d['brokers']]") == "[(True, 'up')]");
    CHECK(jsonQuery(tmp.path(), first, "[(x['source'], x['own_mount_point']) for x in d['brokers'][0]['dirs']]") ==
          "[('local-scan', True), ('local-scan', True), ('local-scan', True), ('local-scan', True)]");
    CHECK(jsonQuery(tmp.path(), first, "[x['capacity_bytes'] for x in d['brokers'][0]['dirs']]") ==
          "[33554432, 33554432, 33554432, 33554432]");
    CHECK(jsonQuery(tmp.path(), first, "d['problems']") == "[]");

    // fill-disk: data1 at 95 % -> a critical disk-usage alert on it, with its fix.
    const auto fill = lab.lab({"drill", "fill-disk", "--disk", "data1", "--percent", "95"});
    INFO(fill.out);
    REQUIRE(fill.exitCode == 0);
    const std::string data1 = lab.disk("data1").string();
    const std::string filled = status(lab, tmp);
    CHECK(jsonQuery(tmp.path(), filled,
                    "[(a['severity'], a['fix'] != '') for a in d['alerts'] if a['rule']=='disk-usage' and a['dir']=='" +
                        data1 + "']") == "[('critical', True)]");

    // fail-disk: data2 answers EIO; the broker takes it offline at its next
    // I/O -> offline in the merged view, a log-dir-offline alert.
    const auto fail = lab.lab({"drill", "fail-disk", "--disk", "data2"});
    INFO(fail.out);
    REQUIRE(fail.exitCode == 0);
    const std::string data2 = lab.disk("data2").string();
    std::string failed;
    CHECK(test::eventually(
        [&] {
            failed = status(lab, tmp);
            return jsonQuery(tmp.path(), failed,
                             "[a['severity'] for a in d['alerts'] if a['rule']=='log-dir-offline' and a['dir']=='" +
                                 data2 + "']") == "['critical']";
        },
        std::chrono::seconds(60)));
    CHECK(jsonQuery(tmp.path(), failed,
                    "[(x['exists'], x['offline']) for x in d['brokers'][0]['dirs'] if x['path']=='" + data2 + "']") ==
          "[(True, True)]");
}
