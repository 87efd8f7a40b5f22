#include "workbench/core/json.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace wb;

TEST(JsonWriter, WritesNestedContainersAndEscapes)
{
    std::ostringstream s;
    JsonWriter j(s);
    j.beginObject();
    j.key("name").value("a \"quoted\"\nline\x01");
    j.key("n").value(-3);
    j.key("ok").value(true);
    j.key("list").array(std::vector<std::int64_t>{1, 2, 3});
    j.key("empty").beginArray().endArray();
    j.key("obj").beginObject().endObject();
    j.key("bytes").value(Value(std::vector<std::uint8_t>{0x00, 0xab, 0xff}));
    j.key("nothing").null();
    j.endObject();
    EXPECT_EQ(s.str(), R"({"name":"a \"quoted\"\nline\u0001","n":-3,"ok":true,"list":[1,2,3],)"
                       R"("empty":[],"obj":{},"bytes":"00abff","nothing":null})");
}

TEST(JsonWriter, WritesAnEventWithItsFields)
{
    Trace t;
    t.add("resize", "grow", {{"new", 8}});
    std::ostringstream s;
    JsonWriter(s).event(t[0]);
    const std::string out = s.str();
    EXPECT_NE(out.find(R"("kind":"resize")"), std::string::npos);
    EXPECT_NE(out.find(R"("file":"json_test.cpp")"), std::string::npos);
    EXPECT_NE(out.find(R"("new":8})"), std::string::npos);
}

TEST(JsonWriter, KeepsOutputValidUtf8WhateverTheBytes)
{
    // Valid UTF-8 passes; a stray byte becomes the text \xNN; controls become \u00NN.
    EXPECT_EQ(wb::JsonWriter::escape("caf\xc3\xa9"), "caf\xc3\xa9");
    EXPECT_EQ(wb::JsonWriter::escape("caf\xe9"), "caf\\\\xe9");
    EXPECT_EQ(wb::JsonWriter::escape("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
    EXPECT_EQ(wb::JsonWriter::escape("\xf0\x9f\x98"), "\\\\xf0\\\\x9f\\\\x98");
    EXPECT_EQ(wb::JsonWriter::escape("\xc0\xaf"), "\\\\xc0\\\\xaf"); // overlong '/'
    EXPECT_EQ(wb::JsonWriter::escape(std::string("\x01\x7f", 2)), "\\u0001\\u007f");
}
