// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/fileio.h"
#include "core/common/properties.h"

#include <catch2/catch.hpp>

#include <string>

using spillway::core::PropertiesDocument;

namespace {

PropertiesDocument parseOk(std::string_view text)
{
    auto doc = PropertiesDocument::parse(text);
    REQUIRE(doc.ok());
    return std::move(doc).value();
}

std::string fixture()
{
    auto text = spillway::core::readFile(SPILLWAY_TEST_DATA_DIR "/server.properties");
    REQUIRE(text.ok());
    return *text;
}

} // namespace

TEST_CASE("an unmodified server.properties serializes byte for byte", "[properties]")
{
    const std::string text = fixture();
    const auto doc = parseOk(text);
    CHECK(doc.serialize() == text);
    CHECK(doc.get("node.id") == "1");
    CHECK(doc.get("listeners") == "PLAINTEXT://:9092,CONTROLLER://:9093");
    CHECK(doc.get("log.dirs") == "/tmp/kraft-combined-logs");
    // Commented-out settings are comments, not keys.
    CHECK_FALSE(doc.get("log.flush.interval.messages"));
    CHECK_FALSE(doc.get("#log.retention.bytes"));
    const auto keys = doc.keys();
    REQUIRE(keys.size() == 22);
    CHECK(keys.front() == "process.roles");
    CHECK(keys.back() == "log.retention.check.interval.ms");
}

TEST_CASE("set and remove touch only their own line", "[properties]")
{
    const std::string text = fixture();
    auto doc = parseOk(text);
    doc.set("log.dirs", "/data/kafka-1,/data/kafka-2");
    CHECK(doc.remove("num.io.threads"));
    CHECK_FALSE(doc.remove("num.io.threads"));
    const std::string out = doc.serialize();

    std::string expected = text;
    const auto replaceOnce = [&](const std::string &from, const std::string &to) {
        const auto pos = expected.find(from);
        REQUIRE(pos != std::string::npos);
        expected.replace(pos, from.size(), to);
    };
    replaceOnce("log.dirs=/tmp/kraft-combined-logs\n", "log.dirs=/data/kafka-1,/data/kafka-2\n");
    replaceOnce("num.io.threads=8\n", "");
    CHECK(out == expected);

    // A new key goes at the end; the reparsed document agrees.
    doc.set("auto.create.topics.enable", "false");
    const auto again = parseOk(doc.serialize());
    CHECK(again.get("auto.create.topics.enable") == "false");
    CHECK(again.get("log.dirs") == "/data/kafka-1,/data/kafka-2");
    CHECK(doc.serialize().ends_with("log.retention.check.interval.ms=300000\nauto.create.topics.enable=false\n"));
}

TEST_CASE("Java separators - '=', ':' and whitespace", "[properties]")
{
    const auto doc = parseOk("a=1\nb:2\nc 3\n  d  =  4  \ne\nf=\ng:=x\nh = = y\n");
    CHECK(doc.get("a") == "1");
    CHECK(doc.get("b") == "2");
    CHECK(doc.get("c") == "3");
    CHECK(doc.get("d") == "4  "); // trailing whitespace belongs to the value
    CHECK(doc.get("e") == "");
    CHECK(doc.get("f") == "");
    CHECK(doc.get("g") == "=x"); // only one separator is consumed
    CHECK(doc.get("h") == "= y");
}

TEST_CASE("comments with '#' and '!', blank lines, and no continuation in comments", "[properties]")
{
    const std::string text = "# a comment \\\nkey=value\n! another\n   \n\t# indented comment\n";
    const auto doc = parseOk(text);
    CHECK(doc.keys() == std::vector<std::string>{"key"});
    CHECK(doc.get("key") == "value");
    CHECK(doc.serialize() == text);
}

TEST_CASE("backslash continuations join lines and drop leading whitespace", "[properties]")
{
    const std::string text = "fruits = apple, banana, \\\n         pear\nodd=a\\\\\nnext=b\n";
    auto doc = parseOk(text);
    CHECK(doc.get("fruits") == "apple, banana, pear");
    CHECK(doc.get("odd") == "a\\"); // an even number of backslashes does not continue
    CHECK(doc.get("next") == "b");
    CHECK(doc.serialize() == text);

    doc.set("fruits", "kiwi");
    CHECK(doc.serialize() == "fruits = kiwi\nodd=a\\\\\nnext=b\n");
}

TEST_CASE("escapes - \\t \\n \\uXXXX, escaped separators in keys", "[properties]")
{
    const auto doc = parseOk("tab=a\\tb\nnl=x\\ny\nuni=caf\\u00e9\nemoji=\\uD83D\\uDE00\nmy\\ key\\=1=v\nplain=\\q\n");
    CHECK(doc.get("tab") == "a\tb");
    CHECK(doc.get("nl") == "x\ny");
    CHECK(doc.get("uni") == "caf\xC3\xA9");
    CHECK(doc.get("emoji") == "\xF0\x9F\x98\x80");
    CHECK(doc.get("my key=1") == "v");
    CHECK(doc.get("plain") == "q");
}

TEST_CASE("a malformed \\u escape is an error naming the line", "[properties]")
{
    const auto doc = PropertiesDocument::parse("a=1\n# c\nb=\\u12G4\n");
    REQUIRE_FALSE(doc.ok());
    CHECK(doc.error().message.find("line 3") != std::string::npos);
}

TEST_CASE("duplicate keys - last wins, set edits the last, remove removes all", "[properties]")
{
    auto doc = parseOk("k=1\nother=x\nk=2\n");
    CHECK(doc.get("k") == "2");
    CHECK(doc.keys() == std::vector<std::string>{"k", "other"});
    doc.set("k", "3");
    CHECK(doc.serialize() == "k=1\nother=x\nk=3\n");
    CHECK(doc.remove("k"));
    CHECK_FALSE(doc.get("k"));
    CHECK(doc.serialize() == "other=x\n");
}

TEST_CASE("values are escaped the way Properties.store writes them", "[properties]")
{
    CHECK(PropertiesDocument::escapeValue(" lead and inner ") == "\\ lead and inner ");
    CHECK(PropertiesDocument::escapeKey("a b") == "a\\ b");
    CHECK(PropertiesDocument::escapeValue("a=b:c#d!e\\f") == "a\\=b\\:c\\#d\\!e\\\\f");
    CHECK(PropertiesDocument::escapeValue("caf\xC3\xA9\t") == "caf\\u00E9\\t");
    CHECK(PropertiesDocument::escapeValue("\xF0\x9F\x98\x80") == "\\uD83D\\uDE00");

    auto doc = parseOk("");
    doc.set("weird key", " v=1 \xC3\xA9\n");
    const auto again = parseOk(doc.serialize());
    CHECK(again.get("weird key") == " v=1 \xC3\xA9\n");
}

TEST_CASE("line endings are kept - CRLF files stay CRLF, a missing last newline is added before appending",
          "[properties]")
{
    auto crlf = parseOk("a=1\r\nb=2\r\n");
    CHECK(crlf.get("a") == "1");
    crlf.set("a", "9");
    crlf.set("c", "3");
    CHECK(crlf.serialize() == "a=9\r\nb=2\r\nc=3\r\n");

    auto noNewline = parseOk("a=1");
    noNewline.set("b", "2");
    CHECK(noNewline.serialize() == "a=1\nb=2\n");

    auto bare = parseOk("flag\n");
    bare.set("flag", "on");
    CHECK(bare.serialize() == "flag=on\n");
}

TEST_CASE("PropertiesDocument getInt reads whole decimal integers only", "[properties]")
{
    const auto doc = parseOk("a=42\nb=-7\nc=12x\nd=\ne=9223372036854775808\n");
    CHECK(doc.getInt("a") == 42);
    CHECK(doc.getInt("b") == -7);
    CHECK_FALSE(doc.getInt("c").has_value());
    CHECK_FALSE(doc.getInt("d").has_value());
    CHECK_FALSE(doc.getInt("e").has_value()); // out of range
    CHECK_FALSE(doc.getInt("missing").has_value());
}
