// `workbench-cli list sort --record FILE`: the recording the timsort view would save for the
// same integers and policy, written whole or not at all, the printed output unchanged.
#include "list/core/viewsort.h"

#include "workbench/core/recording.h"
#include "workbench/test/cli.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

class ListRecordCli : public wb::test::CliTest
{
};

const char *const kNumbers = "5 3 9 1 7 7 2 8 6 4 0 12 11 10\n";

TEST_F(ListRecordCli, WritesTheRecordingTheSortViewWouldSave)
{
    const auto plain = cli({"list", "sort", "--policy", "cpython27"}, {.stdinText = kNumbers});
    const auto r = cli({"list", "sort", "--policy", "cpython27", "--record", "sort.wbrec"},
                       {.stdinText = kNumbers});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, plain.out); // the output is the same with --record
    EXPECT_EQ(r.err, "");
    const wb::Recording rec = wb::readRecording(path("sort.wbrec"));
    EXPECT_EQ(rec.module, "list");
    EXPECT_EQ(rec.view, "sort");
    EXPECT_FALSE(rec.moduleVersion.empty());
    const std::vector<std::pair<std::string, std::string>> settings{
        {"input", "custom"},
        {"numbers", "5 3 9 1 7 7 2 8 6 4 0 12 11 10"},
        {"policy", "cpython27"}};
    EXPECT_EQ(rec.settings, settings);
    EXPECT_EQ(rec.cursor, 1u);
    // The trace is the view's: every comparison, with the pair it compares.
    std::vector<std::int64_t> v = {5, 3, 9, 1, 7, 7, 2, 8, 6, 4, 0, 12, 11, 10};
    wb::Trace expected;
    wb::list::recordViewSort(v, wb::list::MergePolicy::CPython27, expected);
    ASSERT_EQ(rec.trace->size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(rec.trace->at(i).kind, expected.at(i).kind) << i;
        EXPECT_EQ(rec.trace->at(i).label, expected.at(i).label) << i;
        ASSERT_EQ(rec.trace->at(i).fields.size(), expected.at(i).fields.size()) << i;
        for (std::size_t k = 0; k < expected.at(i).fields.size(); ++k)
            EXPECT_EQ(rec.trace->at(i).fields[k].value, expected.at(i).fields[k].value) << i;
    }
}

TEST_F(ListRecordCli, WorksWithJson)
{
    const auto plain = cli({"list", "sort", "--json"}, {.stdinText = kNumbers});
    const auto r = cli({"list", "sort", "--json", "--record", "s.wbrec"}, {.stdinText = kNumbers});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, plain.out);
    const wb::Recording rec = wb::readRecording(path("s.wbrec"));
    EXPECT_EQ(rec.setting("policy"), "cpython311");
}

TEST_F(ListRecordCli, RefusedTargetsWriteNothing)
{
    write("taken.wbrec", "mine");
    std::filesystem::create_directory(path("folder"));
    for (const std::string target : {"taken.wbrec", "folder", "no/such/folder/x.wbrec"}) {
        const auto r = cli({"list", "sort", "--record", target}, {.stdinText = kNumbers});
        wb::test::expectCliFailure(r, 2, "list", "recording");
    }
    EXPECT_EQ(read("taken.wbrec"), "mine");
    EXPECT_TRUE(std::filesystem::is_empty(path("folder")));
    const auto empty = cli({"list", "sort", "--record", ""}, {.stdinText = kNumbers});
    wb::test::expectCliFailure(empty, 2, "list", "--record needs a file name");
}

TEST_F(ListRecordCli, ForceReplacesAnExistingFile)
{
    write("old.wbrec", "mine");
    const auto r =
        cli({"list", "sort", "--record", "old.wbrec", "--force"}, {.stdinText = kNumbers});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(wb::readRecording(path("old.wbrec")).view, "sort");
}

TEST_F(ListRecordCli, HelpMentionsRecord)
{
    const auto r = cli({"list", "--help"});
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("--record FILE"), std::string::npos) << r.out;
}

} // namespace
