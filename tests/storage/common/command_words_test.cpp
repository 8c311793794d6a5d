// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/command_words.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using spillway::core::Errc;
using spillway::core::splitCommandWords;
using Words = std::vector<std::string>;

namespace {

Words split(std::string_view line)
{
    auto r = splitCommandWords(line);
    INFO(line);
    REQUIRE(r.ok());
    return *r;
}

std::string refused(std::string_view line)
{
    auto r = splitCommandWords(line);
    INFO(line);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::InvalidArgument);
    return r.error().message;
}

} // namespace

TEST_CASE("Start commands split as a POSIX shell quotes them", "[common][command]")
{
    CHECK(split("bin/kafka-server-start.sh config/server.properties") ==
          Words{"bin/kafka-server-start.sh", "config/server.properties"});
    CHECK(split("  a \t b\n c  ") == Words{"a", "b", "c"});
    CHECK(split("").empty());
    CHECK(split("   ").empty());
    // Single quotes are literal, double quotes too except for their escapes.
    CHECK(split("run '/opt/my kafka/bin/start.sh' 'a\\b'") == Words{"run", "/opt/my kafka/bin/start.sh", "a\\b"});
    CHECK(split(R"(x "a \"quoted\" \\ word" "it's")") == Words{"x", R"(a "quoted" \ word)", "it's"});
    CHECK(split(R"("\n stays")") == Words{R"(\n stays)"});
    // Backslash outside quotes escapes one character; parts join into one word.
    CHECK(split(R"(my\ dir/start.sh --name=a'b c'"d e")") == Words{"my dir/start.sh", "--name=ab cd e"});
    CHECK(split("-Dx='' ''") == Words{"-Dx=", ""});
    CHECK(split("a \\\n b") == Words{"a", "b"});
    // Characters a shell acts on are fine quoted or escaped, and mid-word for # and ~.
    CHECK(split(R"('a|b' "c;d" e\&f g#h i~j 'x*')") == Words{"a|b", "c;d", "e&f", "g#h", "i~j", "x*"});
}

TEST_CASE("Start commands a shell would interpret are refused, saying where", "[common][command]")
{
    CHECK(refused("start.sh config | tee log").find("unquoted '|' at character 17") != std::string::npos);
    CHECK(refused("start.sh > out.log").find("unquoted '>'") != std::string::npos);
    CHECK(refused("start.sh; rm -rf /").find("unquoted ';'") != std::string::npos);
    CHECK(refused("start.sh $KAFKA_HOME/config").find("unquoted '$'") != std::string::npos);
    CHECK(refused("start.sh \"$HOME/x\"").find("inside double quotes") != std::string::npos);
    CHECK(refused("start.sh `id`").find("unquoted '`'") != std::string::npos);
    CHECK(refused("start.sh config/*.properties").find("unquoted '*'") != std::string::npos);
    CHECK(refused("~/kafka/bin/start.sh").find("at the start of a word") != std::string::npos);
    CHECK(refused("start.sh # comment").find("unquoted '#'") != std::string::npos);
    CHECK(refused("start.sh 'open").find("unterminated single quote at character 10") != std::string::npos);
    CHECK(refused("start.sh \"open").find("unterminated double quote") != std::string::npos);
    CHECK(refused("start.sh \\").find("trailing backslash") != std::string::npos);
    CHECK(refused("a&").find("unquoted '&'") != std::string::npos);
}
