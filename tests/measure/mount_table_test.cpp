// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/measure/mount_table.h"

#include <catch2/catch.hpp>

using namespace spillway::core;
using namespace spillway::core::measure;

namespace {

// A trimmed /proc/self/mountinfo of a Kafka host: root on vda1, two data
// disks, one mount point with a space (written as \040), a bind mount,
// optional fields (shared:N, master:N) before the '-' separator, and /dev/shm
// mounted twice (the second on top of the first).
constexpr const char *kMountinfo = "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
                                   "27 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,discard\n"
                                   "40 27 8:16 / /mnt/data0 rw,noatime shared:20 - xfs /dev/sdb rw,attr2\n"
                                   "41 27 8:32 / /mnt/data1 rw,noatime shared:21 master:3 - xfs /dev/sdc rw,attr2\n"
                                   "42 27 8:48 / /mnt/my\\040disk rw,noatime - ext4 /dev/sdd rw\n"
                                   "43 27 8:16 /kafka /srv/kafka-bind rw,noatime - xfs /dev/sdb rw\n"
                                   "25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=100k\n"
                                   "30 25 0:27 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=200k\n"
                                   "\n";

} // namespace

TEST_CASE("mountinfo parses fields, optional fields and octal escapes", "[measure][mounts]")
{
    auto table = MountTable::parse(kMountinfo);
    REQUIRE(table.ok());
    REQUIRE(table->entries().size() == 8);
    const auto &root = table->entries()[1];
    CHECK(root.mountId == 27);
    CHECK(root.parentId == 1);
    CHECK(root.device == DeviceId{254, 1});
    CHECK(root.device.toString() == "254:1");
    CHECK(root.mountPoint == "/");
    CHECK(root.fsType == "ext4");
    CHECK(root.source == "/dev/vda1");
    CHECK(table->entries()[3].fsType == "xfs"); // after two optional fields
    CHECK(table->entries()[4].mountPoint == "/mnt/my disk");
    CHECK(table->entries()[5].root == "/kafka");
}

TEST_CASE("unescapeMountField undoes the kernel's octal escapes only", "[measure][mounts]")
{
    CHECK(unescapeMountField("/a\\040b") == "/a b");
    CHECK(unescapeMountField("/tab\\011x\\012y") == "/tab\tx\ny");
    CHECK(unescapeMountField("/back\\134slash") == "/back\\slash");
    CHECK(unescapeMountField("/not\\08octal") == "/not\\08octal");
    CHECK(unescapeMountField("/short\\04") == "/short\\04");
    CHECK(unescapeMountField("/plain") == "/plain");
}

TEST_CASE("the mount of a path is the longest matching mount point", "[measure][mounts]")
{
    auto table = MountTable::parse(kMountinfo);
    REQUIRE(table.ok());
    CHECK(table->mountFor("/mnt/data0/kafka")->mountPoint == "/mnt/data0");
    CHECK(table->mountFor("/mnt/data0")->mountPoint == "/mnt/data0");
    // Component-wise: /mnt/data00 is not under /mnt/data0.
    CHECK(table->mountFor("/mnt/data00/kafka")->mountPoint == "/");
    CHECK(table->mountFor("/mnt/my disk/logs")->source == "/dev/sdd");
    CHECK(table->mountFor("/var/lib/kafka")->mountPoint == "/");
    CHECK(table->isMountPoint("/mnt/data1"));
    CHECK_FALSE(table->isMountPoint("/mnt/data1/kafka"));
}

TEST_CASE("a mount point mounted twice resolves to the one on top, or to the path's device", "[measure][mounts]")
{
    auto table = MountTable::parse(kMountinfo);
    REQUIRE(table.ok());
    CHECK(table->mountFor("/dev/shm/x")->mountId == 30);
    const DeviceId lower{0, 23};
    CHECK(table->mountFor("/dev/shm/x", &lower)->mountId == 25);
    const DeviceId other{9, 9};
    CHECK(table->mountFor("/dev/shm/x", &other)->mountId == 30);
}

TEST_CASE("a malformed mountinfo line is an error naming the line", "[measure][mounts]")
{
    auto table = MountTable::parse("27 1 254:1 / / rw - ext4 /dev/vda1 rw\nthis is not mountinfo\n");
    REQUIRE_FALSE(table.ok());
    CHECK(table.error().code == Errc::Corrupt);
    CHECK(table.error().message.find("line 2") != std::string::npos);
    CHECK_FALSE(MountTable::parse("27 1 254-1 / / rw - ext4 /dev/vda1 rw\n").ok());
    CHECK_FALSE(MountTable::parse("27 1 254:1 / / rw shared:1 ext4 /dev/vda1 rw\n").ok()); // no separator
}

TEST_CASE("this process's mount table has a root mount", "[measure][mounts]")
{
    auto table = MountTable::readSelf();
    REQUIRE(table.ok());
    const MountEntry *root = table->mountFor("/");
    REQUIRE(root != nullptr);
    CHECK(root->mountPoint == "/");
}

TEST_CASE("fstab mount points skip comments, swap and none, and unescape", "[measure][mounts]")
{
    const auto points = parseFstabMountPoints("# <file system> <mount point> <type>\n"
                                              "UUID=abcd / ext4 errors=remount-ro 0 1\n"
                                              "/dev/sdb /mnt/data0 xfs noatime,nofail 0 2\n"
                                              "/dev/sdc /mnt/data\\0401/ xfs noatime 0 2\n"
                                              "/dev/sda2 none swap sw 0 0\n"
                                              "   \n"
                                              "proc /proc proc defaults 0 0\n");
    REQUIRE(points.size() == 4);
    CHECK(points[0] == "/");
    CHECK(points[1] == "/mnt/data0");
    CHECK(points[2] == "/mnt/data 1");
    CHECK(points[3] == "/proc");
}

TEST_CASE("isPathPrefix compares whole components", "[measure][mounts]")
{
    CHECK(isPathPrefix("/", "/anything"));
    CHECK(isPathPrefix("/data", "/data"));
    CHECK(isPathPrefix("/data", "/data/kafka"));
    CHECK(isPathPrefix("/data/", "/data/kafka"));
    CHECK_FALSE(isPathPrefix("/data", "/data1"));
    CHECK_FALSE(isPathPrefix("/data/kafka", "/data"));
}
