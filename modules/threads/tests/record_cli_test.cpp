// `workbench-cli threads run SCENARIO --record FILE`: the recording the timeline would save for
// the same run (scenario, mode, seed, script, how it ended), written whole or not at all, the
// printed output unchanged.
#include "threads/core/recording.h"

#include "workbench/core/recording.h"
#include "workbench/test/cli.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

class ThreadsRecordCli : public wb::test::CliTest
{
};

TEST_F(ThreadsRecordCli, KeepsASeededRun)
{
    const auto plain = cli({"threads", "run", "fetch-lock", "--seed", "3"});
    const auto r = cli({"threads", "run", "fetch-lock", "--seed", "3", "--record", "run.wbrec"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, plain.out); // a seeded run prints the same lines with --record
    const wb::Recording rec = wb::readRecording(path("run.wbrec"));
    EXPECT_EQ(rec.module, "threads");
    EXPECT_EQ(rec.view, "timeline");
    EXPECT_EQ(rec.setting("scenario"), "fetch-lock");
    EXPECT_EQ(rec.setting("mode"), "step");
    EXPECT_EQ(rec.setting("seed"), "3");
    EXPECT_EQ(rec.setting("script", "<absent>"), "<absent>");
    std::string error;
    const auto run = wb::threads::readRecordingSettings(rec.settings, error);
    ASSERT_TRUE(run) << error;
    ASSERT_TRUE(run->summary);
    EXPECT_EQ(run->summary->maxConcurrentWriters, 1);
    EXPECT_EQ(rec.cursor, rec.trace->size());
    for (std::size_t i = 0; i < rec.trace->size(); ++i)
        EXPECT_TRUE(wb::threads::isThreadsEvent(rec.trace->at(i))) << i;
    // The same seed records the same interleaving.
    const auto again =
        cli({"threads", "run", "fetch-lock", "--seed", "3", "--record", "again.wbrec"});
    ASSERT_EQ(again.code, 0) << again.err;
    const wb::Recording second = wb::readRecording(path("again.wbrec"));
    ASSERT_EQ(second.trace->size(), rec.trace->size());
    for (std::size_t i = 0; i < rec.trace->size(); ++i) {
        EXPECT_EQ(second.trace->at(i).thread, rec.trace->at(i).thread) << i;
        EXPECT_EQ(second.trace->at(i).kind, rec.trace->at(i).kind) << i;
    }
}

TEST_F(ThreadsRecordCli, KeepsThePlaygroundScriptAndJsonIsUnchanged)
{
    const std::string script = "lock A\nT1: acquire A; release A\nT2: acquire A; release A\n";
    const auto plain =
        cli({"threads", "run", "playground", "--script-text", script, "--seed", "1", "--json"});
    const auto r = cli({"threads", "run", "playground", "--script-text", script, "--seed", "1",
                        "--json", "--record", "p.wbrec"});
    ASSERT_EQ(r.code, 0) << r.err;
    // Times differ from run to run; the events up to them do not.
    EXPECT_EQ(r.out.substr(0, r.out.find("\"t_ns\"")),
              plain.out.substr(0, plain.out.find("\"t_ns\"")));
    const wb::Recording rec = wb::readRecording(path("p.wbrec"));
    EXPECT_EQ(rec.setting("scenario"), "playground");
    EXPECT_EQ(rec.setting("script"), script);
}

TEST_F(ThreadsRecordCli, FreeModeAndTheDefaultScript)
{
    const auto r = cli({"threads", "run", "playground", "--mode", "free", "--record", "f.wbrec"});
    ASSERT_EQ(r.code, 0) << r.err;
    const wb::Recording rec = wb::readRecording(path("f.wbrec"));
    EXPECT_EQ(rec.setting("mode"), "free");
    EXPECT_EQ(rec.setting("seed", "<absent>"), "<absent>");
    EXPECT_NE(rec.setting("script").find("lock"), std::string::npos); // the first preset
}

TEST_F(ThreadsRecordCli, RefusedTargetsWriteNothing)
{
    write("taken.wbrec", "mine");
    std::filesystem::create_directory(path("folder"));
    for (const std::string target : {"taken.wbrec", "folder", "no/such/folder/x.wbrec"}) {
        const auto r = cli({"threads", "run", "rlock", "--seed", "1", "--record", target});
        wb::test::expectCliFailure(r, 2, "threads", "recording");
    }
    EXPECT_EQ(read("taken.wbrec"), "mine");
    EXPECT_TRUE(std::filesystem::is_empty(path("folder")));
    const auto python = cli({"threads", "run", "playground", "--as-python", "--record", "x"});
    wb::test::expectCliFailure(python, 2, "threads", "--record");
    EXPECT_FALSE(std::filesystem::exists(path("x")));
}

TEST_F(ThreadsRecordCli, HelpMentionsRecord)
{
    const auto r = cli({"threads", "--help"});
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("--record FILE"), std::string::npos) << r.out;
}

} // namespace
