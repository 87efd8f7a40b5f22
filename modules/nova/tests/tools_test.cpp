// The module's artefacts judged by the tools that consume them, run here at test time:
// libvirt's schema (virt-xml-validate), iptables-restore in a throw-away network namespace,
// and bash running the module's own nova.conf script. The CLI is the built workbench-cli.
#include "workbench/test/cli.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Runs argv (looked up in PATH) with `env` as its whole environment when given, else this
// process's; no shell in between, so values travel byte for byte.
wb::test::RunResult exec(const std::vector<std::string> &argv,
                         const std::vector<std::string> *env = nullptr)
{
    if (!env)
        return wb::test::run(argv);
    std::vector<std::string> clean{"env", "-i"};
    clean.insert(clean.end(), env->begin(), env->end());
    clean.insert(clean.end(), argv.begin(), argv.end());
    return wb::test::run(clean);
}

wb::test::RunResult nova(std::vector<std::string> args)
{
    args.insert(args.begin(), "nova");
    return wb::test::runCli(args);
}

bool onPath(const std::string &tool)
{
    return exec({"sh", "-c", "command -v " + tool}).code == 0;
}

class TempDir
{
public:
    TempDir()
    {
        std::string t = (fs::temp_directory_path() / "nova-tools-XXXXXX").string();
        if (mkdtemp(t.data()))
            m_path = t;
    }
    ~TempDir()
    {
        std::error_code ec;
        if (!m_path.empty())
            fs::remove_all(m_path, ec);
    }
    fs::path file(const std::string &name, const std::string &text) const
    {
        const fs::path p = m_path / name;
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }
    bool ok() const { return !m_path.empty(); }

private:
    fs::path m_path;
};

const std::vector<std::string> kFlavors{"m1.tiny", "m1.small", "m1.medium", "m1.large",
                                        "m1.xlarge"};

struct NetSetup
{
    std::string instance, ip, mac, net;
};

const std::vector<NetSetup> kNets{
    {"1", "10.0.0.3", "02:16:3e:17:35:39", "10.0.0.0/27"},   // the recorded instance
    {"7", "10.0.0.40", "02:16:3e:aa:00:07", "10.0.0.32/27"}, // the second project
    {"255", "192.168.100.10", "02:16:3e:00:00:ff", "192.168.100.0/24"},
    {"4096", "172.16.0.13", "52:54:00:12:34:56", "172.16.0.8/29"}, // smallest usable
};

} // namespace

TEST(novaTools, EveryDomainXmlValidatesAgainstLibvirtsSchema)
{
    ASSERT_TRUE(onPath("virt-xml-validate"))
        << "virt-xml-validate is missing: install libvirt-clients (scripts/install-deps.sh)";
    TempDir dir;
    ASSERT_TRUE(dir.ok());
    int checked = 0;
    for (const auto &flavor : kFlavors)
        for (const auto &n : kNets)
            for (const bool comments : {false, true}) {
                std::vector<std::string> args{
                    "libvirt-xml", "--instance",    n.instance, "--ip",   n.ip,  "--mac",
                    n.mac,         "--project-net", n.net,      "--type", flavor};
                if (comments)
                    args.push_back("--comments");
                const wb::test::RunResult xml = nova(args);
                ASSERT_EQ(xml.code, 0) << xml.err;
                const fs::path f = dir.file("domain.xml", xml.out);
                const wb::test::RunResult v = exec({"virt-xml-validate", f.string(), "domain"});
                EXPECT_EQ(v.code, 0) << flavor << " " << n.net << " comments " << comments << "\n"
                                     << v.out << v.err << xml.out;
                ++checked;
            }
    EXPECT_EQ(checked, 40);

    // The validator does judge the filter parameters: the 2011 template's RASERVER fails.
    const wb::test::RunResult xml =
        nova({"libvirt-xml", "--instance", "1", "--ip", "10.0.0.3", "--mac", "02:16:3e:17:35:39"});
    const std::string now = "value=\"fe80::1031:39ff:fe04:58f5\"";
    const auto at = xml.out.find(now);
    ASSERT_NE(at, std::string::npos) << xml.out;
    std::string old = xml.out;
    old.replace(at, now.size(), "value=\"fe80::1031:39ff:fe04:58f5/64\"");
    const wb::test::RunResult v =
        exec({"virt-xml-validate", dir.file("old.xml", old).string(), "domain"});
    EXPECT_NE(v.code, 0) << "the 2011 RASERVER value was accepted:\n" << v.out << v.err;
}

TEST(novaTools, RefusesWhatLibvirtAndNovaWouldRefuse)
{
    const auto refused = [](std::vector<std::string> args, const std::string &why) {
        const wb::test::RunResult r = nova(args);
        EXPECT_EQ(r.code, 2) << r.out;
        EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_EQ(r.out, "");
    };
    for (const char *mac :
         {"ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "33:33:00:00:00:01", "03:16:3e:17:35:39"})
        refused({"libvirt-xml", "--instance", "1", "--ip", "10.0.0.3", "--mac", mac}, "multicast");
    // 10.0.0.0/27 under VlanManager: network .0, gateway .1, VPN .2, broadcast .31.
    const std::vector<std::pair<std::string, std::string>> reserved{{"10.0.0.0", "network"},
                                                                    {"10.0.0.1", "gateway"},
                                                                    {"10.0.0.2", "VPN"},
                                                                    {"10.0.0.31", "broadcast"}};
    for (const auto &[ip, role] : reserved)
        refused({"libvirt-xml", "--instance", "1", "--ip", ip, "--mac", "02:16:3e:17:35:39"},
                "is the " + role + " address");
    // Unicast with the locally administered bit, and the first free address, are fine.
    EXPECT_EQ(
        nova({"libvirt-xml", "--instance", "1", "--ip", "10.0.0.3", "--mac", "02:00:00:00:00:01"})
            .code,
        0);
}

namespace {

// iptables-restore --test in a network namespace of its own: nothing of the host's tables
// is read or changed. Returns the tool's result.
wb::test::RunResult restoreTest(const fs::path &rules)
{
    return exec({"unshare", "-n", "iptables-restore", "--test", rules.string()});
}

} // namespace

TEST(novaTools, PrintedRulesetsLoadWithIptablesRestore)
{
    ASSERT_TRUE(onPath("iptables-restore")) << "iptables-restore is missing: install iptables";
    const wb::test::RunResult probe = exec({"unshare", "-n", "true"});
    ASSERT_EQ(probe.code, 0) << "cannot make a network namespace (unshare -n, needs root): "
                             << probe.err;
    TempDir dir;
    ASSERT_TRUE(dir.ok());
    const std::regex failedAt(R"(Error occurred at line: (\d+))");
    const std::regex moduleSays(R"(stops at line (\d+) \(([^)]*)\))");
    for (const auto &n : kNets) {
        const std::vector<std::string> base{"iptables", "--instance",    n.instance, "--ip",
                                            n.ip,       "--project-net", n.net};
        for (const bool defects : {false, true}) {
            auto args = base;
            args.push_back("--corrected");
            if (defects)
                args.push_back("--defects");
            const wb::test::RunResult rules = nova(args);
            ASSERT_EQ(rules.code, 0) << rules.err;
            const wb::test::RunResult t = restoreTest(dir.file("corrected.rules", rules.out));
            EXPECT_EQ(t.code, 0) << n.net << "\n" << t.err << rules.out;
        }
        // The tutorial's ruleset: refused exactly where the module says.
        auto args = base;
        args.push_back("--defects");
        const wb::test::RunResult rules = nova(args);
        ASSERT_EQ(rules.code, 0) << rules.err;
        std::smatch said;
        ASSERT_TRUE(std::regex_search(rules.out, said, moduleSays)) << rules.out;
        const wb::test::RunResult t = restoreTest(dir.file("tutorial.rules", rules.out));
        EXPECT_NE(t.code, 0) << "the tutorial's ruleset loaded:\n" << rules.out;
        std::smatch real;
        ASSERT_TRUE(std::regex_search(t.err, real, failedAt)) << t.err;
        EXPECT_EQ(real[1].str(), said[1].str()) << t.err;
        EXPECT_NE(t.err.find(said[2].str()), std::string::npos) << t.err;
        EXPECT_EQ(said[1].str(), "19");

        // The packet walk reports the same line.
        const wb::test::RunResult walk =
            nova({"packet", "--instance", n.instance, "--ip", n.ip, "--project-net", n.net,
                  "--src", n.ip, "--dst", n.ip, "--proto", "icmp", "--state", "NEW"});
        EXPECT_EQ(walk.code, 0) << walk.err;
        EXPECT_NE(walk.out.find("error at line " + said[1].str()), std::string::npos) << walk.out;
    }
}

namespace {

// nova.conf as `nova novash run` shows it: the lines after "nova.conf (...):" up to the blank
// line before "novarc (".
std::string explorerNovaConf(const std::vector<std::string> &settings, std::string *err)
{
    std::vector<std::string> args{"novash", "run"};
    args.insert(args.end(), settings.begin(), settings.end());
    const wb::test::RunResult r = nova(args);
    if (r.code != 0) {
        *err = "novash run exited " + std::to_string(r.code) + ": " + r.err;
        return "";
    }
    const auto head = r.out.find("\nnova.conf (");
    const auto tail = r.out.rfind("\nnovarc (");
    if (head == std::string::npos || tail == std::string::npos || tail < head) {
        *err = "no nova.conf in:\n" + r.out;
        return "";
    }
    const auto start = r.out.find("):\n", head) + 3;
    return r.out.substr(start, tail - start);
}

} // namespace

TEST(novaTools, NovaConfScriptUnderBashMatchesTheExplorer)
{
    ASSERT_TRUE(onPath("bash"));
    const wb::test::RunResult script = nova({"novash", "script"});
    ASSERT_EQ(script.code, 0) << script.err;
    TempDir dir;
    ASSERT_TRUE(dir.ok());
    const fs::path file = dir.file("novaconf.sh", script.out);

    // Empty values, unusual values, values the script accepts but Nova would trip on, and
    // the defaults: bash decides what each means.
    const std::vector<std::vector<std::string>> matrix{
        {},
        {"INTERFACE="},
        {"LOCK_PATH="},
        {"USE_MYSQL=1", "MYSQL_PASS="},
        {"FIXED_RANGE="},
        {"NET_MAN="},
        {"USE_MYSQL="},
        {"LIBVIRT_TYPE="},
        {"SCREEN_STATUS="},
        {"USE_MYSQL=2"},
        {"USE_MYSQL=1"},
        {"USE_MYSQL=01"},
        {"USE_MYSQL= 1"},
        {"USE_LDAP=1"},
        {"USE_LDAP=yes"},
        {"USE_IPV6=1"},
        {"USE_IPV6=true"},
        {"FLAT_INTERFACE=eth1"},
        {"FLAT_INTERFACE="},
        {"HOST_IP="},
        {"HOST_IP=192.168.1.5"},
        {"HOST_IP=not-an-address"},
        {"INSTANCES_PATH=/srv/instances"},
        {"INSTANCES_PATH="},
        {"DIR=/home/me/nova work"},
        {"DIR="},
        {"DIRNAME=branch-2"},
        {"DIRNAME="},
        {"DIR=", "DIRNAME=", "INSTANCES_PATH="},
        {"NET_MAN=FlatDHCPManager", "FLAT_INTERFACE=eth2", "USE_IPV6=1"},
        {"NET_MAN=Bogus"},
        {"FIXED_RANGE=10.1.0.0/16"},
        {"FIXED_RANGE=not a range"},
        {"USE_MYSQL=1", "MYSQL_PASS=p$ss`w0rd'\"x"},
        {"USE_MYSQL=1", "MYSQL_PASS=two words"},
        {"INTERFACE=$HOME"},
        {"INTERFACE=eth\\0"},
        {"LOCK_PATH=/var/lock/*"},
        {"LIBVIRT_TYPE=kvm"},
        {"LIBVIRT_TYPE=xen"},
        {"FLAT_INTERFACE=a\nb"},
        {"USE_MYSQL=1", "USE_LDAP=1", "USE_IPV6=1", "HOST_IP=", "INTERFACE=", "LOCK_PATH="},
    };
    ASSERT_GE(matrix.size(), 30u);
    for (const auto &settings : matrix) {
        std::string label;
        for (const auto &s : settings)
            label += "[" + s + "] ";
        std::vector<std::string> env{"PATH=/usr/bin:/bin", "LC_ALL=C"};
        env.insert(env.end(), settings.begin(), settings.end());
        const wb::test::RunResult bash = exec({"bash", file.string()}, &env);
        ASSERT_EQ(bash.code, 0) << label << bash.err;
        std::string err;
        const std::string explorer = explorerNovaConf(settings, &err);
        ASSERT_TRUE(err.empty()) << label << err;
        EXPECT_EQ(explorer, bash.out) << label;
    }
}
