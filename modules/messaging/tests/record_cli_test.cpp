// `workbench-cli messaging demo --record FILE` end to end: the recording it writes (module,
// view, the settings the Topology view keeps, the broker's events) and the targets it refuses
// before the demo runs.
#include "messaging/core/events.h"
#include "workbench/core/recording.h"
#include "workbench/core/typed_event.h"
#include "workbench/test/cli.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace {

class MessagingRecordCli : public wb::test::CliTest
{
};

TEST_F(MessagingRecordCli, KeepsTheDemoForTheTopologyView)
{
    const auto plain =
        cli({"messaging", "demo", "--broker", "embedded", "--count", "12", "--seed", "3"});
    const auto r = cli({"messaging", "demo", "--broker", "embedded", "--count", "12", "--seed",
                        "3", "--prefetch", "4", "--record", "demo.wbrec"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, plain.out); // the output does not change
    const wb::Recording rec = wb::readRecording(path("demo.wbrec"));
    EXPECT_EQ(rec.module, "messaging");
    EXPECT_EQ(rec.view, "topology");
    EXPECT_EQ(rec.setting("broker"), "embedded");
    EXPECT_EQ(rec.setting("preset"), "odd-even");
    EXPECT_EQ(rec.setting("count"), "12");
    EXPECT_EQ(rec.setting("seed"), "3");
    EXPECT_EQ(rec.setting("prefetch"), "4");
    EXPECT_EQ(rec.setting("rate"), "unlimited");
    EXPECT_EQ(rec.setting("consumers"), "odds:0,evens:0");
    EXPECT_EQ(rec.cursor, rec.trace->size());
    // Every event is one of the module's kinds with its fields; 12 publishes, 12 acks.
    std::size_t publishes = 0, acks = 0;
    for (std::size_t i = 0; i < rec.trace->size(); ++i) {
        const wb::Event &e = rec.trace->at(i);
        EXPECT_NO_THROW(
            EXPECT_TRUE(wb::messaging::events::MessagingEvents::visit(e, [](const auto &) {})))
            << e.kind;
        publishes += e.kind == "publish";
        acks += e.kind == "ack";
    }
    EXPECT_EQ(publishes, 12u);
    EXPECT_EQ(acks, 12u);

    const auto json = cli({"messaging", "demo", "--broker", "embedded", "--count", "5", "--json",
                           "--record", "json.wbrec"});
    ASSERT_EQ(json.code, 0) << json.err;
    EXPECT_EQ(json.out.front(), '{');
    EXPECT_EQ(wb::readRecording(path("json.wbrec")).setting("count"), "5");
}

TEST_F(MessagingRecordCli, RefusedTargetsAreExit2AndNothingRuns)
{
    write("taken.wbrec", "mine");
    std::filesystem::create_directory(path("folder"));
    for (const std::string target : {"taken.wbrec", "folder", "no/such/folder/x.wbrec"}) {
        const auto r =
            cli({"messaging", "demo", "--broker", "embedded", "--count", "3", "--record", target});
        EXPECT_EQ(r.code, 2) << target;
        EXPECT_EQ(r.out, "") << target; // refused before the demo ran
        EXPECT_NE(r.err.find("recording"), std::string::npos) << r.err;
    }
    EXPECT_EQ(read("taken.wbrec"), "mine");
    // --force replaces it.
    const auto forced = cli({"messaging", "demo", "--broker", "embedded", "--count", "3",
                             "--record", "taken.wbrec", "--force"});
    EXPECT_EQ(forced.code, 0) << forced.err;
    EXPECT_EQ(wb::readRecording(path("taken.wbrec")).setting("count"), "3");
    // A RabbitMQ URL: nothing about routing to keep, refused before connecting.
    const auto url = cli({"messaging", "demo", "--broker", "amqp://guest:guest@127.0.0.1:1/",
                          "--count", "3", "--record", "url.wbrec"});
    EXPECT_EQ(url.code, 2);
    EXPECT_FALSE(std::filesystem::exists(path("url.wbrec")));
    const auto help = cli({"messaging", "--help"});
    EXPECT_NE(help.out.find("--record FILE"), std::string::npos);
}

} // namespace
