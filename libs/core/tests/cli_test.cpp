#include "workbench/core/cli.h"

#include "scratch.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <sstream>

using namespace wb::cli;

TEST(Options, ParsesValuesFlagsAndPositionals)
{
    Options o;
    ASSERT_TRUE(o.parse({"growth", "--policy", "cpython27", "--appends=20", "--json", "x"},
                        {"policy", "appends"}, {"json"}, Positionals::exactly(2, "CMD X")));
    EXPECT_EQ(o.value("policy"), "cpython27");
    EXPECT_EQ(o.value("appends"), "20");
    EXPECT_TRUE(o.has("json"));
    EXPECT_FALSE(o.has("quiet"));
    EXPECT_EQ(o.positionals(), (std::vector<std::string>{"growth", "x"}));
}

TEST(Options, RejectsUnknownOptionsAndMissingValues)
{
    Options a;
    EXPECT_FALSE(a.parse({"--polcy", "x"}, {"policy"}, {}));
    EXPECT_EQ(a.error(), "unknown option --polcy; this command takes --policy VALUE");
    Options b;
    EXPECT_FALSE(b.parse({"--policy"}, {"policy"}, {}));
    EXPECT_EQ(b.error(), "option --policy needs a value");
}

TEST(Options, RejectsRepeatedOptionsEvenWithTheSameValue)
{
    Options a;
    EXPECT_FALSE(a.parse({"--key", "1", "--key=1"}, {"key"}, {}));
    EXPECT_EQ(a.error(), "--key is given more than once; give it once");
    Options b;
    EXPECT_FALSE(b.parse({"--force", "--force"}, {}, {"force"}));
    EXPECT_EQ(b.error(), "--force is given more than once; give it once");
}

TEST(Options, CountsPositionalsAgainstTheDeclaration)
{
    Options none;
    EXPECT_FALSE(none.parse({"extra"}, {}, {}));
    EXPECT_EQ(none.error(), "unexpected argument 'extra'; this command takes only options");
    Options tooMany;
    EXPECT_FALSE(tooMany.parse({"a", "b", "c"}, {}, {}, Positionals::exactly(2, "IN OUT")));
    EXPECT_EQ(tooMany.error(), "unexpected argument 'c'; this command takes IN OUT");
    Options tooFew;
    EXPECT_FALSE(tooFew.parse({"a"}, {}, {}, Positionals::exactly(2, "IN OUT")));
    EXPECT_EQ(tooFew.error(), "this command takes IN OUT, got 1 argument");
    Options many;
    EXPECT_TRUE(many.parse({"a", "b", "c"}, {}, {}, Positionals::atLeast(1, "FILE...")));
    Options dashes;
    EXPECT_TRUE(dashes.parse({"--", "--x"}, {}, {}, Positionals::exactly(1, "X")));
    EXPECT_EQ(dashes.positionals(), std::vector<std::string>{"--x"});
}

TEST(Options, RefusesAValueForASwitch)
{
    Options a;
    EXPECT_FALSE(a.parse({"--json=1"}, {}, {"json"}));
    EXPECT_EQ(a.error(), "--json is a switch and takes no value");
}

TEST(Printable, EscapesControlBytesAndInvalidUtf8ButKeepsText)
{
    EXPECT_EQ(printable("plain text"), "plain text");
    EXPECT_EQ(printable("caf\xc3\xa9"), "caf\xc3\xa9"); // valid UTF-8 passes
    EXPECT_EQ(printable("\x1b[2J"), "\\x1b[2J");        // an escape sequence
    EXPECT_EQ(printable("a\xff"
                        "b"),
              "a\\xffb");                                    // a stray byte
    EXPECT_EQ(printable("\xc2\x9b"), "\\xc2\\x9b");          // C1 CSI
    EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80"); // a surrogate
    EXPECT_EQ(printable("abcdef", 3), "abc...");
}

TEST(HumanSize, UsesBinaryUnitsWithOneDecimal)
{
    EXPECT_EQ(humanSize(512), "512 B");
    EXPECT_EQ(humanSize(4096), "4.0 KiB");
    EXPECT_EQ(humanSize(5000), "4.9 KiB");
    EXPECT_EQ(humanSize(1ull << 30), "1.0 GiB");
}

TEST(ParseInt, AcceptsWholeIntegersOnly)
{
    EXPECT_EQ(parseInt("42"), 42);
    EXPECT_EQ(parseInt("-7"), -7);
    EXPECT_EQ(parseInt("+5"), 5);
    EXPECT_FALSE(parseInt(""));
    EXPECT_FALSE(parseInt("4x"));
    EXPECT_FALSE(parseInt("1.5"));
    EXPECT_FALSE(parseInt("99999999999999999999"));
}

TEST(Registry, FindsModulesById)
{
    Registry r;
    r.add({"list", "lists", "usage", [](Invocation &) {
               return 0;
           }});
    r.add({"crypto", "crypto", "usage", [](Invocation &) {
               return 0;
           }});
    ASSERT_NE(r.find("list"), nullptr);
    EXPECT_EQ(r.find("nope"), nullptr);
    EXPECT_EQ(r.modules().front().id, "crypto");
}

TEST(RecordOption, WritesOnlyWhenAskedAndKeepsWhatExists)
{
    const wb::test::Scratch scratch;
    const std::string dir = scratch.dir.string();
    wb::Recording r;
    r.module = "list";
    r.view = "sort";
    auto trace = std::make_shared<wb::Trace>();
    trace->add("compare", "1 < 2", {{"i", 0}});
    r.trace = trace;
    std::ostringstream err;

    wb::cli::Options none;
    ASSERT_TRUE(none.parse({}, {"record"}, {}));
    EXPECT_EQ(wb::cli::writeRecordingOption(none, r, false, err), wb::cli::Ok);

    const std::string path = dir + "/run.wbrec";
    wb::cli::Options opts;
    ASSERT_TRUE(opts.parse({"--record", path}, {"record"}, {}));
    EXPECT_EQ(wb::cli::writeRecordingOption(opts, r, false, err), wb::cli::Ok) << err.str();
    EXPECT_EQ(wb::readRecording(path).trace->size(), 1u);
    // An existing recording is the user's: kept unless the command's --force says otherwise.
    EXPECT_EQ(wb::cli::writeRecordingOption(opts, r, false, err), wb::cli::Usage);
    EXPECT_NE(err.str().find("already exists"), std::string::npos) << err.str();
    EXPECT_EQ(wb::cli::writeRecordingOption(opts, r, true, err), wb::cli::Ok);

    wb::cli::Options folder;
    ASSERT_TRUE(folder.parse({"--record", dir}, {"record"}, {}));
    err.str("");
    EXPECT_EQ(wb::cli::writeRecordingOption(folder, r, true, err), wb::cli::Usage);
    EXPECT_NE(err.str().find("cannot write the recording"), std::string::npos) << err.str();

    // A folder that is not there is the user's mistake too, and nothing is made.
    wb::cli::Options missing;
    ASSERT_TRUE(missing.parse({"--record", dir + "/absent/run.wbrec"}, {"record"}, {}));
    err.str("");
    EXPECT_EQ(wb::cli::writeRecordingOption(missing, r, true, err), wb::cli::Usage);
    EXPECT_NE(err.str().find("does not exist"), std::string::npos) << err.str();
    EXPECT_FALSE(std::filesystem::exists(dir + "/absent"));

    // Without a version of its own, the recording carries the project's.
    EXPECT_EQ(wb::readRecording(path).moduleVersion, WB_TEST_PROJECT_VERSION);
}

TEST(RecordOption, ATargetIsRefusedBeforeAnythingRuns)
{
    const wb::test::Scratch scratch;
    const std::string dir = scratch.dir.string();
    const auto check = [](std::vector<std::string> args, int expected, std::string says) {
        wb::cli::Options opts;
        ASSERT_TRUE(opts.parse(args, {"record"}, {"force"})) << opts.error();
        std::string sentence;
        EXPECT_EQ(wb::cli::checkRecordTarget(opts, sentence), expected) << sentence;
        EXPECT_NE(sentence.find(says), std::string::npos) << sentence;
    };
    check({}, wb::cli::Ok, "");
    check({"--record", dir + "/new.wbrec"}, wb::cli::Ok, "");
    {
        std::ofstream(dir + "/old.wbrec") << "mine";
    }
    check({"--record", dir + "/old.wbrec"}, wb::cli::Usage, "already exists");
    check({"--record", dir + "/old.wbrec", "--force"}, wb::cli::Ok, "");
    check({"--record", dir}, wb::cli::Usage, "is a folder");
    check({"--record", dir + "/absent/run.wbrec"}, wb::cli::Usage, "does not exist");
    check({"--force"}, wb::cli::Usage, "needs --record");
    // Nothing was made or changed by the checks.
    EXPECT_FALSE(std::filesystem::exists(dir + "/new.wbrec"));
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir),
                            std::filesystem::directory_iterator()),
              1); // only old.wbrec: no temporary was left behind
    std::ifstream kept(dir + "/old.wbrec");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "mine");
}
