#include "workbench/core/recording.h"

#include "scratch.h"

#include <gtest/gtest.h>

#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

using wb::test::Scratch;

// A trace with every kind of value, several threads and real source locations.
std::shared_ptr<wb::Trace> sampleTrace()
{
    auto t = std::make_shared<wb::Trace>();
    t->add("resize", "list_resize to 8 slots", {{"old", 4}, {"new", 8}, {"moved", true}});
    t->add("round", "round 17",
           {{"a", std::uint64_t{0xefcdab8967452301ull}},
            {"ratio", 0.1 + 0.2},
            {"name", "résumé \xe2\x86\x92 ok"},
            {"negative", std::int64_t{-9'000'000'000'000}},
            {"slots", std::vector<std::int64_t>{-1, 0, 1, INT64_MIN, INT64_MAX}},
            {"block", std::vector<std::uint8_t>{0, 1, 0xfe, 0xff}},
            {"empty", wb::Value{}}},
           2);
    t->add("deadlock", "", {}, -3);
    t->add("round", "round 18", {{"a", std::uint64_t{1}}}, 2);
    return t;
}

wb::Recording sampleRecording()
{
    wb::Recording r;
    r.module = "threads";
    r.moduleVersion = "1.4.0";
    r.view = "timeline";
    r.settings = {{"scenario", "fetch-nolock"}, {"seed", "7"}, {"note", ""}};
    r.trace = sampleTrace();
    r.cursor = 3;
    return r;
}

void expectSameEvents(const wb::Trace &a, const wb::Trace &b)
{
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        const wb::Event &x = a.at(i), &y = b.at(i);
        SCOPED_TRACE("event " + std::to_string(i));
        EXPECT_EQ(x.seq, y.seq);
        EXPECT_EQ(x.tNs, y.tNs);
        EXPECT_EQ(x.thread, y.thread);
        EXPECT_EQ(x.kind, y.kind);
        EXPECT_EQ(x.label, y.label);
        EXPECT_STREQ(x.where.file, y.where.file);
        EXPECT_EQ(x.where.line, y.where.line);
        EXPECT_STREQ(x.where.function, y.where.function);
        ASSERT_EQ(x.fields.size(), y.fields.size());
        for (std::size_t f = 0; f < x.fields.size(); ++f) {
            EXPECT_EQ(x.fields[f].key, y.fields[f].key);
            EXPECT_EQ(x.fields[f].value, y.fields[f].value) << x.fields[f].key;
        }
    }
}

// Rewrites the header's checksum after a test changed a header byte on purpose, so that
// the check under test is the one that fires.
// The header's layout: signature (8), format (2), module (2 + n), version (2 + n), event
// count (8), body size (8), checksum (4).
std::size_t textAt(const std::vector<std::uint8_t> &bytes, std::size_t at)
{
    return at + 2 + (bytes[at] | bytes[at + 1] << 8);
}

std::size_t eventCountAt(const std::vector<std::uint8_t> &bytes)
{
    return textAt(bytes, textAt(bytes, 10));
}

void resealHeader(std::vector<std::uint8_t> &bytes)
{
    const std::size_t end = eventCountAt(bytes) + 16;
    const auto crc = static_cast<std::uint32_t>(crc32(0, bytes.data(), static_cast<uInt>(end)));
    for (int i = 0; i < 4; ++i)
        bytes[end + i] = static_cast<std::uint8_t>(crc >> (8 * i));
}

std::string errorOf(const std::vector<std::uint8_t> &bytes)
{
    try {
        wb::decodeRecording(bytes);
    } catch (const wb::RecordingError &e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST(Recording, RoundTripKeepsEveryEventFieldForField)
{
    const wb::Recording r = sampleRecording();
    const wb::Recording back = wb::decodeRecording(wb::encodeRecording(r));
    EXPECT_EQ(back.module, "threads");
    EXPECT_EQ(back.moduleVersion, "1.4.0");
    EXPECT_EQ(back.view, "timeline");
    EXPECT_EQ(back.settings, r.settings);
    EXPECT_EQ(back.setting("seed"), "7");
    EXPECT_EQ(back.setting("missing", "x"), "x");
    EXPECT_EQ(back.cursor, 3u);
    ASSERT_TRUE(back.trace);
    expectSameEvents(*r.trace, *back.trace);
    // The source file names still end where the views look for them.
    EXPECT_EQ(back.trace->at(0).where.fileName(), "recording_test.cpp");
}

TEST(Recording, TheHeaderSaysWhatTheFileIsWithoutTheBody)
{
    auto bytes = wb::encodeRecording(sampleRecording());
    const wb::RecordingHeader h = wb::decodeRecordingHeader(bytes);
    EXPECT_EQ(h.format, wb::kRecordingFormat);
    EXPECT_EQ(h.module, "threads");
    EXPECT_EQ(h.moduleVersion, "1.4.0");
    EXPECT_EQ(h.events, 4u);
    // Only the header is needed for that: a body cut short does not matter to it.
    bytes.resize(bytes.size() - 5);
    EXPECT_EQ(wb::decodeRecordingHeader(bytes).module, "threads");
    EXPECT_THROW(wb::decodeRecording(bytes), wb::RecordingError);
}

TEST(Recording, ALiveTraceIsKeptAsFarAsItHadGrown)
{
    auto trace = std::make_shared<wb::Trace>();
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        while (!stop)
            trace->add("tick", "", {{"n", 1}});
    });
    while (trace->size() < 1000)
        std::this_thread::yield();
    wb::Recording r;
    r.module = "messaging";
    r.trace = trace;
    r.cursor = 1u << 30;
    const wb::Recording back = wb::decodeRecording(wb::encodeRecording(r));
    stop = true;
    writer.join();
    EXPECT_GE(back.trace->size(), 1000u);
    EXPECT_LE(back.trace->size(), trace->size());
    EXPECT_EQ(back.cursor, back.trace->size()); // clamped to what was kept
    for (std::size_t i = 1; i < back.trace->size(); ++i)
        ASSERT_GE(back.trace->at(i).tNs, back.trace->at(i - 1).tNs);
}

TEST(Recording, SomethingElseIsNotARecording)
{
    const std::string text = "# a lesson script\nslide 1\n";
    EXPECT_NE(errorOf({text.begin(), text.end()}).find("not a workbench recording"),
              std::string::npos);
    EXPECT_NE(errorOf({}).find("not a workbench recording"), std::string::npos);
}

TEST(Recording, ANewerFormatIsRefusedByName)
{
    auto bytes = wb::encodeRecording(sampleRecording());
    bytes[8] = 2; // the format number, little-endian after the signature
    resealHeader(bytes);
    const std::string e = errorOf(bytes);
    EXPECT_NE(e.find("format 2"), std::string::npos) << e;
    EXPECT_NE(e.find("newer"), std::string::npos) << e;
}

TEST(Recording, EveryTruncationIsAClearErrorNeverAPartialLoad)
{
    const auto whole = wb::encodeRecording(sampleRecording());
    for (std::size_t n = 0; n < whole.size(); ++n) {
        const std::vector<std::uint8_t> cut(whole.begin(), whole.begin() + n);
        try {
            wb::decodeRecording(cut);
            ADD_FAILURE() << "a recording cut to " << n << " bytes was accepted";
        } catch (const wb::RecordingError &e) {
            const std::string m = e.what();
            EXPECT_TRUE(m.find("truncated") != std::string::npos ||
                        m.find("not a workbench recording") != std::string::npos ||
                        m.find("corrupt") != std::string::npos)
                << n << ": " << m;
        }
    }
}

TEST(Recording, DamageAnywhereIsFoundOrHarmless)
{
    const wb::Recording r = sampleRecording();
    const auto whole = wb::encodeRecording(r);
    const std::size_t body = eventCountAt(whole) + 20; // where the zlib stream begins
    // Flipping bits of any single byte: the header's CRC-32 finds every change there; in the
    // body, zlib's Adler-32 finds every change to what is read. A few bits of a compressed
    // stream can change without changing what it inflates to (the padding after the last
    // block, a code length no symbol uses): then what is read is exactly what was written.
    int refused = 0;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        auto bytes = whole;
        bytes[i] ^= 0xa5;
        try {
            const wb::Recording back = wb::decodeRecording(bytes);
            EXPECT_GE(i, body) << "header byte " << i << " changed without notice";
            expectSameEvents(*r.trace, *back.trace);
            EXPECT_EQ(back.settings, r.settings);
            EXPECT_EQ(back.cursor, r.cursor);
        } catch (const wb::RecordingError &) {
            ++refused;
        }
    }
    EXPECT_GE(refused * 100, static_cast<int>(whole.size()) * 95); // nearly every one
    auto longer = whole;
    longer.push_back(0);
    EXPECT_NE(errorOf(longer).find("after the end of its body"), std::string::npos)
        << errorOf(longer);
}

TEST(Recording, AHeaderThatLiesAboutTheBodyIsRefused)
{
    const auto whole = wb::encodeRecording(sampleRecording());
    const std::size_t sizeAt = eventCountAt(whole) + 8;
    for (int delta : {-1, +1}) {
        auto bytes = whole;
        bytes[sizeAt] = static_cast<std::uint8_t>(bytes[sizeAt] + delta);
        resealHeader(bytes);
        const std::string e = errorOf(bytes);
        EXPECT_NE(e.find("corrupt"), std::string::npos) << delta << ": " << e;
    }
    // An event count beyond what the body could hold is refused before anything is read.
    auto bytes = whole;
    bytes[sizeAt - 8 + 7] = 0x7f;
    resealHeader(bytes);
    EXPECT_NE(errorOf(bytes).find("events in a body"), std::string::npos) << errorOf(bytes);
}

TEST(Recording, WrittenWholeThroughTheAtomicWriter)
{
    Scratch s;
    const std::string path = (s.dir / "run.wbrec").string();
    const wb::Recording r = sampleRecording();
    std::string error;
    ASSERT_TRUE(wb::writeRecording(path, r, false, error)) << error;
    const wb::Recording back = wb::readRecording(path);
    expectSameEvents(*r.trace, *back.trace);
    EXPECT_EQ(wb::readRecordingHeader(path).events, 4u);
    // An existing file is not replaced unless asked.
    bool usage = false;
    EXPECT_FALSE(wb::writeRecording(path, sampleRecording(), false, error, &usage));
    EXPECT_TRUE(usage);
    EXPECT_TRUE(wb::writeRecording(path, sampleRecording(), true, error)) << error;
    // No temporary is left beside it.
    int files = 0;
    for (const auto &e : fs::directory_iterator(s.dir)) {
        ++files;
        EXPECT_EQ(e.path().filename(), "run.wbrec");
    }
    EXPECT_EQ(files, 1);
    // A folder is never a target, and a recording without a trace is not written.
    EXPECT_FALSE(wb::writeRecording(s.dir.string(), sampleRecording(), true, error, &usage));
    EXPECT_TRUE(usage);
    wb::Recording empty;
    empty.module = "list";
    EXPECT_FALSE(wb::writeRecording((s.dir / "e.wbrec").string(), empty, false, error, &usage));
    EXPECT_TRUE(usage);
    EXPECT_FALSE(fs::exists(s.dir / "e.wbrec"));
}

TEST(Recording, UnreadableFilesSayWhy)
{
    Scratch s;
    try {
        wb::readRecording((s.dir / "missing.wbrec").string());
        FAIL() << "a missing file was read";
    } catch (const wb::RecordingError &e) {
        EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
    }
    try {
        wb::readRecording(s.dir.string());
        FAIL() << "a folder was read";
    } catch (const wb::RecordingError &e) {
        EXPECT_NE(std::string(e.what()).find("folder"), std::string::npos) << e.what();
    }
}

// Sized so that a test run stays short; the time to open a million events is measured in
// core_bench (BM_ReadRecording).
TEST(Recording, ManyEventsRoundTrip)
{
    auto t = std::make_shared<wb::Trace>();
    for (int i = 0; i < 50'000; ++i)
        t->add(i % 3 ? "compare" : "merge_begin", "step " + std::to_string(i),
               {{"i", i}, {"j", i * 7}, {"length_a", std::uint64_t(i % 97)}}, i % 4);
    wb::Recording r;
    r.module = "list";
    r.trace = t;
    r.cursor = 1234;
    const auto bytes = wb::encodeRecording(r);
    EXPECT_LT(bytes.size(), 50'000u * 12); // compressed well below a dozen bytes per event
    const wb::Recording back = wb::decodeRecording(bytes);
    expectSameEvents(*t, *back.trace);
    EXPECT_EQ(back.cursor, 1234u);
}
