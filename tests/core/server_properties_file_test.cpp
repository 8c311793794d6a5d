// SPDX-License-Identifier: GPL-3.0-or-later
// server.properties edited the way an operator would by hand: comments and
// order kept, a backup next to the file, an atomic replace, a diff to preview.
#include "core/common/fileio.h"
#include "core/services/server_properties_file.h"
#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sys/stat.h>

using namespace spillway::core;
using spillway::test::TempDir;

namespace {

const std::string kOriginal = "# Kafka broker 3\n"
                              "broker.id=3\n"
                              "\n"
                              "# The disks. data4 is the spare.\n"
                              "log.dirs=/data0,/data1,/data2,/data3\n"
                              "num.partitions = 12\n"
                              "log.retention.hours=168\n";

std::vector<std::filesystem::path> backupsIn(const std::filesystem::path &dir)
{
    std::vector<std::filesystem::path> out;
    for (const auto &e : std::filesystem::directory_iterator(dir))
        if (e.path().filename().string().find(".spillway-backup-") != std::string::npos)
            out.push_back(e.path());
    return out;
}

} // namespace

TEST_CASE("Editing server.properties keeps comments and order, backs up the old file and shows the diff",
          "[core][properties]")
{
    TempDir dir;
    const auto file = dir / "server.properties";
    std::ofstream(file) << kOriginal;

    auto props = ServerPropertiesFile::load(file);
    REQUIRE(props.ok());
    CHECK(props->get("num.partitions") == "12");
    props->set("log.dirs", "/data0,/data1,/data2,/data4");
    props->set("log.cleaner.enable", "true");
    CHECK(props->remove("log.retention.hours"));
    CHECK(props->diffSummary() == "log.dirs: /data0,/data1,/data2,/data3 -> /data0,/data1,/data2,/data4\n"
                                  "- log.retention.hours (was 168)\n"
                                  "+ log.cleaner.enable=true\n");
    CHECK(*readFile(file) == kOriginal); // nothing written before save()

    auto saved = props->save("20240131T235959Z");
    REQUIRE(saved.ok());
    CHECK(saved->changes.size() == 3);
    CHECK(saved->backup == dir / "server.properties.spillway-backup-20240131T235959Z");
    CHECK(*readFile(saved->backup) == kOriginal);
    CHECK(*readFile(file) == "# Kafka broker 3\n"
                             "broker.id=3\n"
                             "\n"
                             "# The disks. data4 is the spare.\n"
                             "log.dirs=/data0,/data1,/data2,/data4\n"
                             "num.partitions = 12\n"
                             "log.cleaner.enable=true\n");
    CHECK(!std::filesystem::exists(dir / "server.properties.spillway-tmp"));

    // A second save in the same second keeps both backups.
    props->set("broker.id", "4");
    auto again = props->save("20240131T235959Z");
    REQUIRE(again.ok());
    CHECK(again->backup == dir / "server.properties.spillway-backup-20240131T235959Z-2");
    CHECK(backupsIn(dir.path()).size() == 2);
    CHECK(ServerPropertiesFile::load(file)->get("broker.id") == "4");
}

TEST_CASE("Saving with nothing changed writes no file and no backup", "[core][properties]")
{
    TempDir dir;
    std::ofstream(dir / "server.properties") << kOriginal;
    auto props = ServerPropertiesFile::load(dir / "server.properties");
    REQUIRE(props.ok());
    props->set("broker.id", "3"); // the same value
    auto saved = props->save();
    REQUIRE(saved.ok());
    CHECK(saved->changes.empty());
    CHECK(saved->backup.empty());
    CHECK(backupsIn(dir.path()).empty());
}

TEST_CASE("A save is refused when server.properties changed on disk since it was loaded", "[core][properties]")
{
    TempDir dir;
    const auto file = dir / "server.properties";
    std::ofstream(file) << kOriginal;
    auto props = ServerPropertiesFile::load(file);
    REQUIRE(props.ok());
    std::ofstream(file, std::ios::app) << "someone.else=edited\n";
    props->set("broker.id", "9");
    auto saved = props->save();
    REQUIRE(!saved.ok());
    CHECK(saved.error().message.find("changed on disk") != std::string::npos);
    CHECK(*readFile(file) == kOriginal + "someone.else=edited\n");
    CHECK(backupsIn(dir.path()).empty());
}

TEST_CASE("Saving keeps the file's mode and edits the target of a symlink", "[core][properties]")
{
    TempDir dir;
    std::filesystem::create_directories(dir / "real");
    const auto target = dir / "real/server.properties";
    std::ofstream(target) << "sasl.jaas.config=secret\nbroker.id=1\n";
    REQUIRE(::chmod(target.c_str(), 0600) == 0);
    std::filesystem::create_symlink(target, dir / "server.properties");

    auto props = ServerPropertiesFile::load(dir / "server.properties");
    REQUIRE(props.ok());
    props->set("broker.id", "2");
    auto saved = props->save();
    REQUIRE(saved.ok());
    CHECK(std::filesystem::is_symlink(dir / "server.properties"));
    CHECK(saved->file == std::filesystem::canonical(target));
    CHECK(*readFile(target) == "sasl.jaas.config=secret\nbroker.id=2\n");
    struct stat st {};
    REQUIRE(::stat(target.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(::stat(saved->backup.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(saved->backup.parent_path() == std::filesystem::canonical(dir / "real"));
}

TEST_CASE("Loading a missing or malformed server.properties names the file", "[core][properties]")
{
    TempDir dir;
    auto missing = ServerPropertiesFile::load(dir / "nope.properties");
    REQUIRE(!missing.ok());
    CHECK(missing.error().code == Errc::NotFound);
    std::ofstream(dir / "bad.properties") << "a=\\uZZZZ\n";
    auto bad = ServerPropertiesFile::load(dir / "bad.properties");
    REQUIRE(!bad.ok());
    CHECK(bad.error().code == Errc::Corrupt);
    CHECK(bad.error().message.find("bad.properties") != std::string::npos);
}
