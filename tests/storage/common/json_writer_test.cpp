// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/json_writer.h"

#include <catch2/catch.hpp>

using spillway::core::JsonWriter;

TEST_CASE("JsonWriter writes nested objects and arrays with commas", "[common][json]")
{
    JsonWriter w;
    w.beginObject();
    w.key("file").value("00000000000000000000.index");
    w.key("ok").value(false);
    w.key("position").value(std::int64_t{4096});
    w.key("problems").beginArray().value("a\"b").value("tab\there").endArray();
    w.key("empty").beginArray().endArray();
    w.key("nested").beginObject().key("x").null().endObject();
    w.endObject();
    CHECK(w.str() == R"({"file":"00000000000000000000.index","ok":false,"position":4096,)"
                     R"("problems":["a\"b","tab\there"],"empty":[],"nested":{"x":null}})");
}

TEST_CASE("JsonWriter escapes control characters", "[common][json]")
{
    CHECK(JsonWriter::escape(std::string("\x01", 1)) == "\"\\u0001\"");
}

TEST_CASE("JsonWriter indents when asked", "[common][json]")
{
    JsonWriter w(2);
    w.beginObject().key("a").value(1).key("b").beginArray().value(2).endArray().endObject();
    CHECK(w.str() == "{\n  \"a\": 1,\n  \"b\": [\n    2\n  ]\n}");
}
