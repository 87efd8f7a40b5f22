// `workbench-cli nova launch --record FILE` end to end: the recording it writes (module, view,
// the settings the Launch view keeps, the launch's events) and the targets it refuses before
// any component starts.
#include "nova/core/events.h"
#include "workbench/core/recording.h"
#include "workbench/core/typed_event.h"
#include "workbench/test/cli.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace {

class NovaRecordCli : public wb::test::CliTest
{
};

TEST_F(NovaRecordCli, KeepsTheLaunchForTheLaunchView)
{
    const auto plain =
        cli({"nova", "launch", "--scheduler", "simple", "--hosts", "5", "--seed", "4"});
    const auto r = cli({"nova", "launch", "--scheduler", "simple", "--hosts", "5", "--seed", "4",
                        "--record", "launch.wbrec"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, plain.out); // the output does not change
    const wb::Recording rec = wb::readRecording(path("launch.wbrec"));
    EXPECT_EQ(rec.module, "nova");
    EXPECT_EQ(rec.view, "launch");
    EXPECT_EQ(rec.setting("scheduler"), "simple");
    EXPECT_EQ(rec.setting("hosts"), "5");
    EXPECT_EQ(rec.setting("seed"), "4");
    EXPECT_EQ(rec.setting("broker"), "embedded");
    EXPECT_NE(rec.setting("outcome").find("is running on"), std::string::npos);
    // The launch's range begins at the user's euca-run-instances.
    const std::string range = rec.setting("launches");
    const auto dash = range.find('-');
    ASSERT_NE(dash, std::string::npos);
    const auto begin = std::stoul(range.substr(0, dash));
    EXPECT_EQ(std::stoul(range.substr(dash + 1)), rec.trace->size());
    const auto call = wb::as<wb::nova::events::Call>(rec.trace->at(begin));
    ASSERT_TRUE(call);
    EXPECT_EQ(call->from, "user");
    bool active = false;
    for (std::size_t i = 0; i < rec.trace->size(); ++i) {
        const wb::Event &e = rec.trace->at(i);
        EXPECT_NO_THROW(EXPECT_TRUE(wb::nova::events::NovaEvents::visit(e, [](const auto &) {})))
            << e.kind;
        if (const auto s = wb::as<wb::nova::events::State>(e); s && s->vmState == "active")
            active = s->launchedAt.has_value(); // launched_at travels in the trace
    }
    EXPECT_TRUE(active);

    const auto json = cli({"nova", "launch", "--json", "--record", "json.wbrec"});
    ASSERT_EQ(json.code, 0) << json.err;
    EXPECT_EQ(json.out.front(), '{');
    EXPECT_EQ(wb::readRecording(path("json.wbrec")).setting("scheduler"), "chance");
}

TEST_F(NovaRecordCli, RefusedTargetsAreExit2AndNothingStarts)
{
    write("taken.wbrec", "mine");
    std::filesystem::create_directory(path("folder"));
    for (const std::string target : {"taken.wbrec", "folder", "no/such/folder/x.wbrec"}) {
        const auto r = cli({"nova", "launch", "--record", target});
        EXPECT_EQ(r.code, 2) << target;
        EXPECT_EQ(r.out, "") << target;
        EXPECT_NE(r.err.find("recording"), std::string::npos) << r.err;
    }
    EXPECT_EQ(read("taken.wbrec"), "mine");
    const auto forced = cli({"nova", "launch", "--record", "taken.wbrec", "--force"});
    EXPECT_EQ(forced.code, 0) << forced.err;
    EXPECT_EQ(wb::readRecording(path("taken.wbrec")).view, "launch");
    const auto help = cli({"nova", "--help"});
    EXPECT_NE(help.out.find("--record FILE"), std::string::npos);
}

} // namespace
