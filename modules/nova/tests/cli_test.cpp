// `workbench-cli nova ...` end to end: the built binary, its output and exit codes.
#include "workbench/test/cli.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using CliRun = wb::test::RunResult;

// `workbench-cli nova <args>` (a command line of plain and '…' words), stdout and stderr
// together.
CliRun run(const std::string &args)
{
    return wb::test::runCli(wb::test::shellWords("nova " + args), {.mergeStderr = true});
}

std::string lastLine(const std::string &s)
{
    const auto end = s.find_last_not_of('\n');
    const auto start = s.rfind('\n', end);
    return s.substr(start == std::string::npos ? 0 : start + 1, end - start);
}

const std::string kInst = "--instance 1 --ip 10.0.0.3 --project-net 10.0.0.0/27 ";

} // namespace

TEST(novaCli, LibvirtXmlOfTheRecordedInstance)
{
    const CliRun r = run("libvirt-xml --instance 1 --ip 10.0.0.3 --mac 02:16:3e:17:35:39");
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(r.out.rfind("<domain type='qemu'>\n    <name>instance-00000001</name>\n", 0), 0u);
    // Without the template's "/64", which libvirt's schema refuses (see tools_test).
    EXPECT_NE(r.out.find("<parameter name=\"RASERVER\" value=\"fe80::1031:39ff:fe04:58f5\" />"),
              std::string::npos);
}

TEST(novaCli, IptablesListedAndCorrected)
{
    const CliRun listed = run("iptables " + kInst);
    EXPECT_EQ(listed.code, 0);
    EXPECT_NE(listed.out.find("--icmp-type 1/65535"), std::string::npos);
    EXPECT_EQ(lastLine(listed.out), "COMMIT");
    EXPECT_EQ(listed.out.rfind("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
                               ":OUTPUT ACCEPT [0:0]\n:nova-ipv4-fallback - [0:0]\n",
                               0),
              0u)
        << listed.out;
    EXPECT_EQ(listed.out.find("..."), std::string::npos);
    const CliRun fixed = run("iptables " + kInst + "--corrected");
    EXPECT_EQ(fixed.code, 0);
    EXPECT_NE(fixed.out.find("-A nova-inst-1 -s 10.0.0.1 -p udp --sport 67 --dport 68 -j ACCEPT"),
              std::string::npos);
}

TEST(novaCli, PacketEndsWithTheVerdict)
{
    EXPECT_EQ(lastLine(run("packet " + kInst +
                           "--src 10.0.0.5 --dst 10.0.0.3 --proto tcp --dport 22 --state NEW")
                           .out),
              "verdict: ACCEPT");
    // From outside: dropped by the corrected table; the listed one never loads, so the
    // host forwards it.
    const std::string outside = "packet " + kInst +
                                "--src 192.168.1.10 --dst 10.0.0.3 --proto tcp --dport 22 "
                                "--state NEW";
    EXPECT_EQ(lastLine(run(outside + " --corrected").out), "verdict: DROP");
    EXPECT_EQ(lastLine(run(outside).out), "verdict: ACCEPT");
    const std::string ping = "packet " + kInst +
                             "--src 10.0.0.5 --dst 10.0.0.3 --proto icmp "
                             "--state NEW";
    // The listing does not load: the walk says so and FORWARD's policy decides.
    const CliRun listed = run(ping);
    EXPECT_EQ(lastLine(listed.out), "verdict: ACCEPT");
    EXPECT_NE(listed.out.find("iptables-restore: Unknown ICMP code `1/65535', error at line 19"),
              std::string::npos)
        << listed.out;
    EXPECT_NE(listed.out.find("decided by: FORWARD policy ACCEPT (the ruleset did not load)"),
              std::string::npos);
    EXPECT_EQ(lastLine(run(ping + " --corrected").out), "verdict: ACCEPT");
    // Type and code reach the packet: an echo reply from outside is dropped, and printed.
    const CliRun reply = run("packet " + kInst +
                             "--src 192.168.1.10 --dst 10.0.0.3 --proto "
                             "icmp --icmp-type 0 --icmp-code 0 --state NEW "
                             "--corrected");
    EXPECT_NE(reply.out.find("type 0 code 0"), std::string::npos) << reply.out;
    EXPECT_EQ(lastLine(reply.out), "verdict: DROP");
}

TEST(novaCli, NovashPrintsThePlanAndNovaConf)
{
    const CliRun r = run("novash run");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("--sql_connection=sqlite:////opt/novascript/trunk/nova.sqlite\n"),
              std::string::npos);
    EXPECT_NE(r.out.find("nova-manage network create private 10.0.0.0/24 1 32"),
              std::string::npos);
    const CliRun mysql = run("novash run USE_MYSQL=1 MYSQL_PASS=pw");
    EXPECT_EQ(mysql.code, 0);
    EXPECT_NE(mysql.out.find("--sql_connection=mysql://root:pw@localhost/nova"),
              std::string::npos);
}

TEST(novaCli, SimulateJsonHasTheCounts)
{
    const CliRun r = run("simulate --requests 500 --hosts 50 --scheduler simple --seed 3 --json");
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(r.out.front(), '{');
    EXPECT_NE(r.out.find("\"placed\":"), std::string::npos);
    EXPECT_NE(r.out.find("\"failed\":"), std::string::npos);
    EXPECT_NE(r.out.find("\"per_host\":["), std::string::npos);
    EXPECT_EQ(r.out, run("simulate --requests 500 --hosts 50 --scheduler simple --seed 3 "
                         "--json")
                         .out);
}

TEST(novaCli, BadInputIsAUsageErrorWithAMessage)
{
    const std::vector<std::pair<std::string, std::string>> cases{
        {"libvirt-xml --instance 1 --ip 10.0.0.300 --mac 02:16:3e:17:35:39", "IPv4 address"},
        {"libvirt-xml --instance 1 --ip 10.0.0.3 --mac 02:16:3e:17:35", "MAC address"},
        {"iptables --instance 1 --ip 10.0.0.3 --project-net 10.0.0.0/33", "CIDR"},
        {"iptables --instance 1 --ip 10.0.0.99 --project-net 10.0.0.0/27", "not inside"},
        {"packet " + kInst + "--src 10.0.0.5 --dst 10.0.0.3 --proto sctp --state NEW",
         "unknown protocol"},
        {"packet " + kInst + "--src 10.0.0.5 --dst 10.0.0.3 --proto tcp --dport 22 --state OLD",
         "unknown connection state"},
        {"packet " + kInst + "--src 10.0.0.5 --dst 10.0.0.3 --proto tcp --state NEW", "--dport"},
        {"novash start", "unknown nova.sh command"},
        {"novash run USE_POSTGRES=1", "unknown variable"},
        {"novash run =10.0.0.0/24", "expected VAR=VALUE"},
        {"novash script USE_MYSQL=1", "takes no settings"},
        {"libvirt-xml --instance 1 --ip 10.0.0.3 --mac ff:ff:ff:ff:ff:ff", "multicast"},
        {"libvirt-xml --instance 1 --ip 10.0.0.31 --mac 02:16:3e:17:35:39", "broadcast"},
        {"packet " + kInst +
             "--src 10.0.0.5 --dst 10.0.0.3 --proto icmp --icmp-type 256 "
             "--state NEW",
         "--icmp-type needs an integer from 0 to 255"},
        {"packet " + kInst +
             "--src 10.0.0.5 --dst 10.0.0.3 --proto tcp --dport 22 "
             "--icmp-code 1 --state NEW",
         "belong to --proto icmp"},
        {"simulate --requests 10 --hosts 5 --scheduler filter", "unknown scheduler"},
        {"simulate --requests x --hosts 5 --scheduler simple", "integer"},
        {"launchx", "unknown command"},
        {"iptables --instance 1 --bogus 2", "unknown option"},
    };
    for (const auto &[args, message] : cases) {
        const CliRun r = run(args);
        EXPECT_EQ(r.code, 2) << args << "\n" << r.out;
        EXPECT_NE(r.out.find("workbench-cli nova"), std::string::npos) << args;
        EXPECT_NE(r.out.find(message), std::string::npos) << args << "\n" << r.out;
    }
}

TEST(novaCli, LaunchJsonHasStepsStatesAndTheInstance)
{
    const CliRun r = run("launch --hosts 3 --seed 7 --json");
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(
        r.out.rfind("{\"steps\":[{\"n\":1,\"from\":\"user\",\"to\":\"api\",\"kind\":\"call\","
                    "\"method\":\"run_instances\",\"routing_key\":\"api\"}",
                    0),
        0u)
        << r.out;
    EXPECT_NE(r.out.find("\"kind\":\"cast\",\"method\":\"run_instance\",\"routing_key\":"
                         "\"scheduler\""),
              std::string::npos);
    // Diablo's vm_state/task_state, and the same moment as the tutorial's era recorded it.
    EXPECT_NE(r.out.find("\"states\":[{\"vm_state\":\"building\",\"task_state\":\"scheduling\","
                         "\"state_description\":\"scheduling\",\"power_state\":0}"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("{\"vm_state\":\"building\",\"task_state\":\"spawning\","
                         "\"state_description\":\"spawning\",\"power_state\":0}"),
              std::string::npos);
    EXPECT_NE(r.out.find("{\"vm_state\":\"active\",\"task_state\":\"none\","
                         "\"state_description\":\"running\",\"power_state\":1}]"),
              std::string::npos);
    EXPECT_NE(r.out.find("\"instance\":{\"name\":\"instance-00000001\",\"fixed_ip\":\"10.0.0.3\","
                         "\"mac\":\"02:16:3e:"),
              std::string::npos);
    // The same seed, the same host and MAC.
    const auto tail = [](const std::string &s) {
        return s.substr(s.find("\"instance\":"));
    };
    EXPECT_EQ(tail(r.out), tail(run("launch --hosts 3 --seed 7 --json").out));
}

TEST(novaCli, LaunchTextAndBadInput)
{
    const CliRun r = run("launch --scheduler simple --hosts 2");
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_NE(r.out.find("allocate_fixed_ip"), std::string::npos);
    EXPECT_NE(r.out.find("fixed_ip 10.0.0.3"), std::string::npos);
    const CliRun bad = run("launch --scheduler filter");
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.out.find("unknown scheduler"), std::string::npos);
    EXPECT_EQ(run("launch --broker http://x").code, 2);
    const CliRun comp = run("component api");
    EXPECT_EQ(comp.code, 2);
    EXPECT_NE(comp.out.find("RabbitMQ URL"), std::string::npos);
}

TEST(novaCli, LaunchOnAnUnreachableBrokerExits3)
{
    const CliRun r = run("launch --broker amqp://guest:guest@127.0.0.1:1/");
    EXPECT_EQ(r.code, 3) << r.out;
    EXPECT_NE(r.out.find("workbench-cli nova: launch:"), std::string::npos) << r.out;
    const CliRun remote = run("launch --remote --broker amqp://guest:guest@127.0.0.1:1/");
    EXPECT_EQ(remote.code, 3) << remote.out;
    EXPECT_NE(remote.out.find("127.0.0.1:1"), std::string::npos) << remote.out;
    const CliRun comp = run("component network --broker amqp://guest:guest@127.0.0.1:1/");
    EXPECT_EQ(comp.code, 3) << comp.out;
    EXPECT_NE(comp.out.find("workbench-cli nova: component:"), std::string::npos) << comp.out;
}

TEST(novaCli, ComponentAndRemoteBadInputExit2)
{
    const std::string url = " --broker amqp://guest:guest@127.0.0.1:1/";
    const std::vector<std::pair<std::string, std::string>> cases{
        {"component cloud" + url, "unknown component"},
        {"component" + url, "one component"},
        {"component scheduler --host h1" + url, "--host does not apply to the scheduler"},
        {"component compute --scheduler simple" + url, "--scheduler does not apply"},
        {"component compute --host a.b" + url, "--host needs a host name"},
        {"component scheduler --scheduler filter" + url, "unknown scheduler"},
        {"component api --exchange ''" + url, "--exchange needs a name"},
        {"component api --broker http://x", "not an amqp:// URL"},
        {"launch --remote", "--remote drives components"},
        {"launch --remote --seed 3" + url, "--seed belongs to the running components"},
    };
    for (const auto &[args, message] : cases) {
        const CliRun r = run(args);
        EXPECT_EQ(r.code, 2) << args << "\n" << r.out;
        EXPECT_NE(r.out.find(message), std::string::npos) << args << "\n" << r.out;
    }
}
