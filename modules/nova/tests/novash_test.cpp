// nova.sh as a model (nova-sh.md): defaults, the golden nova.conf, novarc, and the plan of
// each command for the defaults and for each variable that changes it.
#include "nova/core/novash.h"

#include "workbench/core/trace.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace wb::nova;

namespace {

NovaShEnv envWith(std::initializer_list<std::pair<const char *, const char *>> vars)
{
    NovaShEnv env;
    for (const auto &[k, v] : vars) {
        std::string error;
        EXPECT_TRUE(env.set(k, v, &error)) << error;
    }
    return env;
}

std::vector<std::string> commands(const NovaShPlan &plan)
{
    std::vector<std::string> out;
    for (const auto &s : plan.steps)
        out.push_back(s.command);
    return out;
}

bool hasCommand(const NovaShPlan &plan, const std::string &text)
{
    const auto c = commands(plan);
    return std::find(c.begin(), c.end(), text) != c.end();
}

std::size_t indexOf(const NovaShPlan &plan, const std::string &text)
{
    const auto c = commands(plan);
    return static_cast<std::size_t>(std::find(c.begin(), c.end(), text) - c.begin());
}

} // namespace

TEST(novaSh, DefaultsAreTheWalkthroughs)
{
    const NovaShEnv env;
    EXPECT_EQ(env.get("USE_MYSQL"), "0");
    EXPECT_EQ(env.get("MYSQL_PASS"), "nova");
    EXPECT_EQ(env.get("INTERFACE"), "eth0");
    EXPECT_EQ(env.get("FLOATING_RANGE"), "10.6.0.0/27");
    EXPECT_EQ(env.get("FIXED_RANGE"), "10.0.0.0/24");
    EXPECT_EQ(env.get("LIBVIRT_TYPE"), "qemu");
    EXPECT_EQ(env.get("NET_MAN"), "VlanManager");
    EXPECT_EQ(env.get("FLAT_INTERFACE"), "");
    EXPECT_EQ(env.get("LOCK_PATH"), "/tmp");
    for (const char *flag : {"TEST", "USE_LDAP", "USE_OPENDJ", "USE_IPV6"})
        EXPECT_EQ(env.get(flag), "0") << flag;
    EXPECT_EQ(env.novaDir(), "/opt/novascript/trunk");
    EXPECT_EQ(env.instancesPath(), "/opt/novascript/trunk/instances");
    EXPECT_EQ(env.sqlConnection(), "sqlite:////opt/novascript/trunk/nova.sqlite");
    EXPECT_EQ(env.authDriver(), "dbdriver.DbDriver");
}

TEST(novaSh, GoldenNovaConf)
{
    // nova-sh.md section 6, resolved with the defaults and the recorded paths.
    const std::string sql = "--sql_connection=sqlite:////opt/novascript/trunk/nova.sqlite\n";
    EXPECT_EQ(novaConf(NovaShEnv{}), "--verbose\n"
                                     "--nodaemon\n"
                                     "--dhcpbridge_flagfile=/opt/novascript/trunk/bin/nova.conf\n"
                                     "--network_manager=nova.network.manager.VlanManager\n"
                                     "--my_ip=10.240.95.3\n"
                                     "--public_interface=eth0\n"
                                     "--vlan_interface=eth0\n" +
                                         sql +
                                         "--auth_driver=nova.auth.dbdriver.DbDriver\n"
                                         "--libvirt_type=qemu\n"
                                         "--fixed_range=10.0.0.0/24\n"
                                         "--lock_path=/tmp\n"
                                         "--instances_path=/opt/novascript/trunk/instances\n"
                                         "--flat_network_bridge=br100\n");
}

TEST(novaSh, NovaConfFollowsTheVariables)
{
    const auto env = envWith({{"USE_MYSQL", "1"},
                              {"MYSQL_PASS", "s3cret"},
                              {"USE_LDAP", "1"},
                              {"FLAT_INTERFACE", "eth1"},
                              {"USE_IPV6", "1"},
                              {"NET_MAN", "FlatDHCPManager"},
                              {"INTERFACE", "eth2"}});
    const std::string conf = novaConf(env);
    EXPECT_NE(conf.find("--sql_connection=mysql://root:s3cret@localhost/nova\n"),
              std::string::npos);
    EXPECT_NE(conf.find("--auth_driver=nova.auth.ldapdriver.LdapDriver\n"), std::string::npos);
    EXPECT_NE(conf.find("--network_manager=nova.network.manager.FlatDHCPManager\n"),
              std::string::npos);
    EXPECT_NE(conf.find("--vlan_interface=eth2\n"), std::string::npos);
    // The two optional lines come last, in this order.
    EXPECT_TRUE(conf.ends_with("--flat_network_bridge=br100\n--flat_interface=eth1\n"
                               "--use_ipv6\n"));
    const auto paths = envWith({{"INSTANCES_PATH", "/srv/instances"}, {"DIRNAME", "nova"}});
    EXPECT_NE(novaConf(paths).find("--instances_path=/srv/instances\n"), std::string::npos);
    EXPECT_NE(novaConf(paths).find("--dhcpbridge_flagfile=/opt/novascript/nova/bin/nova.conf"),
              std::string::npos);
}

TEST(novaSh, NovarcMatchesTheRecordedRun)
{
    const auto entries = novarcEntries(NovaShEnv{});
    const std::vector<std::pair<std::string, std::string>> expected{
        {"EC2_ACCESS_KEY", "admin:admin"},
        {"EC2_SECRET_KEY", "admin"},
        {"EC2_URL", "http://10.240.95.3:8773/services/Cloud"},
        {"S3_URL", "http://10.240.95.3:3333"},
        {"EC2_USER_ID", "42"},
        {"EC2_PRIVATE_KEY", "${NOVA_KEY_DIR}/pk.pem"},
        {"EC2_CERT", "${NOVA_KEY_DIR}/cert.pem"},
        {"NOVA_CERT", "${NOVA_KEY_DIR}/cacert.pem"},
        {"EUCALYPTUS_CERT", "${NOVA_CERT}"},
        {"alias ec2-bundle-image", "ec2-bundle-image --cert ${EC2_CERT} --privatekey "
                                   "${EC2_PRIVATE_KEY} --user 42 --ec2cert ${NOVA_CERT}"},
        {"alias ec2-upload-bundle", "ec2-upload-bundle -a ${EC2_ACCESS_KEY} -s ${EC2_SECRET_KEY} "
                                    "--url ${S3_URL} --ec2cert ${NOVA_CERT}"},
        {"CLOUD_SERVERS_API_KEY", "admin"},
        {"CLOUD_SERVERS_USERNAME", "admin"},
        {"CLOUD_SERVERS_URL", "http://10.240.95.3:8774/v1.0/"}};
    ASSERT_EQ(entries.size(), expected.size() + 1);
    EXPECT_EQ(entries[0].first, "NOVA_KEY_DIR");
    for (std::size_t i = 0; i < expected.size(); ++i)
        EXPECT_EQ(entries[i + 1], expected[i]);
    const std::string text = novarcText(envWith({{"HOST_IP", "192.0.2.7"}}));
    EXPECT_NE(text.find("export EC2_URL=\"http://192.0.2.7:8773/services/Cloud\"\n"),
              std::string::npos);
    EXPECT_NE(text.find("alias ec2-upload-bundle=\"ec2-upload-bundle -a"), std::string::npos);
}

TEST(novaSh, DefaultRunPlan)
{
    wb::Trace trace;
    const NovaShPlan plan = planNovaSh(NovaShCommand::Run, NovaShEnv{}, {}, &trace);
    EXPECT_EQ(trace.size(), plan.steps.size());
    EXPECT_EQ(plan.steps.front().command, "screen -d -m -S nova -t nova");
    EXPECT_TRUE(hasCommand(plan, "screen -r \"nova\" -X hardstatus alwayslastline "
                                 "\"%-Lw%{= BW}%50>%n%f* %t%{-}%+Lw%< %= %H\""));
    const std::string bin = "/opt/novascript/trunk/bin/";
    const std::vector<std::string> ordered{
        "killall dnsmasq",
        "rm /opt/novascript/trunk/nova.sqlite",
        "rm -rf /opt/novascript/trunk/instances",
        "mkdir -p /opt/novascript/trunk/networks",
        bin + "nova-manage db sync",
        bin + "nova-manage user admin admin admin admin",
        bin + "nova-manage project create admin admin",
        bin + "nova-manage network create private 10.0.0.0/24 1 32",
        bin + "nova-manage floating create 10.6.0.0/27",
        "wget -c http://images.ansolabs.com/tty.tgz",
        "tar -C /opt/novascript/images -zxf tty.tgz",
        bin + "nova-manage image convert /opt/novascript/images",
        "screen_it api \"" + bin + "nova-api\"",
        "screen_it ajax_console_proxy \"" + bin + "nova-ajax-console-proxy\"",
        "sleep 2",
        bin + "nova-manage project zipfile admin admin /opt/novascript/trunk/nova.zip",
        "unzip -o /opt/novascript/trunk/nova.zip -d /opt/novascript/trunk/",
        "screen -S nova -x",
        "screen -S nova -X quit",
        "rm *.pid*"};
    std::size_t last = 0;
    for (const auto &c : ordered) {
        const std::size_t at = indexOf(plan, c);
        ASSERT_LT(at, plan.steps.size()) << "missing: " << c;
        EXPECT_GT(at + 1, last) << "out of order: " << c;
        last = at + 1;
    }
    // The script waits a second after killing dnsmasq (and radvd) before it goes on.
    const std::size_t killed = indexOf(plan, "killall dnsmasq");
    ASSERT_LT(killed + 1, plan.steps.size());
    EXPECT_EQ(plan.steps[killed + 1].command, "sleep 1");
    std::vector<std::string> windows;
    for (const auto &w : plan.windows)
        windows.push_back(w.title);
    EXPECT_EQ(windows,
              (std::vector<std::string>{"nova", "api", "objectstore", "compute", "network",
                                        "scheduler", "volume", "ajax_console_proxy", "test"}));
    EXPECT_EQ(plan.windows.back().command,
              "export PATH=/opt/novascript/trunk/bin:$PATH;. /opt/novascript/trunk/novarc");
    EXPECT_EQ(plan.novaConf.value(), novaConf(NovaShEnv{}));
    EXPECT_TRUE(plan.novarc);
    EXPECT_FALSE(hasCommand(plan, "killall radvd"));
    for (const auto &s : plan.steps)
        EXPECT_NE(s.phase, "lxc");
    // Derived values are listed with the variables.
    bool sql = false;
    for (const auto &v : plan.variables)
        if (v.name == "SQL_CONN") {
            sql = true;
            EXPECT_EQ(v.value, "sqlite:////opt/novascript/trunk/nova.sqlite");
        }
    EXPECT_TRUE(sql);
}

TEST(novaSh, RunDetachedStopsAfterTheTestWindow)
{
    const NovaShPlan plan = planNovaSh(NovaShCommand::RunDetached, NovaShEnv{});
    EXPECT_EQ(plan.steps.back().command.rfind("screen_it test ", 0), 0u);
    EXPECT_FALSE(hasCommand(plan, "screen -S nova -x"));
    EXPECT_FALSE(hasCommand(plan, "rm *.pid*"));
}

TEST(novaSh, VariablesChangeThePlan)
{
    const auto mysql = planNovaSh(NovaShCommand::Run, envWith({{"USE_MYSQL", "1"}}));
    EXPECT_TRUE(hasCommand(mysql, "mysql -pnova -e 'DROP DATABASE nova;'"));
    EXPECT_LT(indexOf(mysql, "mysql -pnova -e 'DROP DATABASE nova;'"),
              indexOf(mysql, "mysql -pnova -e 'CREATE DATABASE nova;'"));
    EXPECT_FALSE(hasCommand(mysql, "rm /opt/novascript/trunk/nova.sqlite"));

    const auto ldap = planNovaSh(NovaShCommand::Run, envWith({{"USE_LDAP", "1"}}));
    EXPECT_TRUE(hasCommand(ldap, "sudo /opt/novascript/trunk/nova/auth/slap.sh"));
    const auto opendj =
        planNovaSh(NovaShCommand::Run, envWith({{"USE_LDAP", "1"}, {"USE_OPENDJ", "1"}}));
    EXPECT_TRUE(hasCommand(opendj, "sudo /opt/novascript/trunk/nova/auth/opendj.sh"));
    EXPECT_FALSE(hasCommand(opendj, "sudo /opt/novascript/trunk/nova/auth/slap.sh"));

    const auto ipv6 = planNovaSh(NovaShCommand::Run, envWith({{"USE_IPV6", "1"}}));
    EXPECT_TRUE(hasCommand(ipv6, "killall radvd"));
    EXPECT_EQ(ipv6.steps[indexOf(ipv6, "killall radvd") + 1].command, "sleep 1");

    const auto test = planNovaSh(NovaShCommand::Run, envWith({{"TEST", "1"}}));
    EXPECT_TRUE(hasCommand(test, "python /opt/novascript/trunk/run_tests.py"));

    const auto fixed =
        planNovaSh(NovaShCommand::Run,
                   envWith({{"FIXED_RANGE", "10.1.0.0/16"}, {"FLOATING_RANGE", "10.7.0.0/28"}}));
    EXPECT_TRUE(hasCommand(fixed, "/opt/novascript/trunk/bin/nova-manage network create private "
                                  "10.1.0.0/16 1 32"));
    EXPECT_TRUE(hasCommand(fixed, "/opt/novascript/trunk/bin/nova-manage floating create "
                                  "10.7.0.0/28"));

    const auto quiet = planNovaSh(NovaShCommand::Run, envWith({{"SCREEN_STATUS", "0"}}));
    for (const auto &s : quiet.steps)
        EXPECT_EQ(s.command.find("hardstatus"), std::string::npos);

    const auto lxc = planNovaSh(NovaShCommand::Clean, envWith({{"LIBVIRT_TYPE", "lxc"}}));
    ASSERT_EQ(lxc.steps.front().phase, "lxc");
    EXPECT_NE(lxc.steps.front().command.find(
                  "none /cgroups cgroup cpuacct,memory,devices,cpu,freezer,blkio 0 0"),
              std::string::npos);
    NovaShHostState ready;
    ready.fstabHasCgroups = ready.cgroupsMounted = true;
    const auto lxcReady =
        planNovaSh(NovaShCommand::Clean, envWith({{"LIBVIRT_TYPE", "lxc"}}), ready);
    EXPECT_EQ(lxcReady.steps.front().command, "");

    const auto detect = planNovaSh(NovaShCommand::Run, envWith({{"HOST_IP", ""}}));
    EXPECT_EQ(detect.steps.front().phase, "variables");
    EXPECT_NE(detect.steps.front().command.find("grep -m 1 'inet addr:'"), std::string::npos);
    // The heredoc expands the empty HOST_IP: bash writes "--my_ip=" (tools_test runs bash).
    EXPECT_NE(detect.novaConf->find("\n--my_ip=\n"), std::string::npos);
}

TEST(novaSh, InstallInstallsThePackagesInOrder)
{
    const auto plan = planNovaSh(NovaShCommand::Install, NovaShEnv{});
    ASSERT_GE(plan.packages.size(), 10u);
    EXPECT_EQ(plan.packages.front(), "python-software-properties");
    EXPECT_EQ(plan.packages.back(), "python-netaddr");
    EXPECT_EQ(std::count(plan.packages.begin(), plan.packages.end(), "kvm"), 2);
    EXPECT_EQ(std::count(plan.packages.begin(), plan.packages.end(), "python-netaddr"), 2);
    EXPECT_TRUE(hasCommand(plan, "sudo apt-get install -y dnsmasq-base kpartx kvm gawk iptables "
                                 "ebtables"));
    EXPECT_TRUE(hasCommand(plan, "sudo modprobe nbd"));
    EXPECT_LT(indexOf(plan, "sudo add-apt-repository ppa:nova-core/trunk"),
              indexOf(plan, "sudo apt-get update"));
    EXPECT_EQ(std::count(plan.packages.begin(), plan.packages.end(), "mysql-server"), 0);
    EXPECT_FALSE(plan.novaConf);
    for (const auto &p : plan.packages)
        EXPECT_TRUE(packageInfo(p)) << p;

    const auto mysql =
        planNovaSh(NovaShCommand::Install, envWith({{"USE_MYSQL", "1"}, {"USE_IPV6", "1"}}));
    EXPECT_EQ(mysql.packages.back(), "python-mysqldb");
    EXPECT_EQ(std::count(mysql.packages.begin(), mysql.packages.end(), "radvd"), 1);
    bool preseed = false;
    for (const auto &s : mysql.steps)
        preseed |= s.command.find("mysql-server-5.1 mysql-server/root_password_again password "
                                  "nova") != std::string::npos;
    EXPECT_TRUE(preseed);
}

TEST(novaSh, BranchTerminateCleanScrub)
{
    const auto branch =
        planNovaSh(NovaShCommand::Branch, envWith({{"SOURCE_BRANCH", "lp:~me/nova/x"}}));
    EXPECT_EQ(branch.steps.front().command, "sudo apt-get install -y bzr");
    EXPECT_TRUE(hasCommand(branch, "bzr init-repo /opt/novascript"));
    EXPECT_TRUE(hasCommand(branch, "bzr branch lp:~me/nova/x /opt/novascript/trunk"));
    NovaShHostState repo;
    repo.bzrRepoExists = true;
    EXPECT_FALSE(hasCommand(planNovaSh(NovaShCommand::Branch, NovaShEnv{}, repo),
                            "bzr init-repo /opt/novascript"));

    const auto term = planNovaSh(NovaShCommand::Terminate, NovaShEnv{});
    EXPECT_EQ(commands(term),
              (std::vector<std::string>{
                  ". /opt/novascript/trunk/novarc",
                  "euca-describe-instances | grep i- | cut -f2 | xargs euca-terminate-instances",
                  "sleep 2", ". /opt/novascript/trunk/novarc",
                  "euca-describe-volumes | grep vol- | cut -f2 | xargs -n1 euca-delete-volume",
                  "sleep 2"}));
    EXPECT_EQ(commands(planNovaSh(NovaShCommand::Clean, NovaShEnv{})),
              (std::vector<std::string>{"screen -S nova -X quit", "rm *.pid*"}));

    const auto scrub = planNovaSh(NovaShCommand::Scrub, NovaShEnv{});
    EXPECT_EQ(scrub.steps[0].command, "/opt/novascript/trunk/tools/clean-vlans");
    EXPECT_EQ(scrub.steps[1].command,
              "virsh list | grep i- | awk '{print \\$1}' | xargs -n1 virsh destroy");
    const auto uml = planNovaSh(NovaShCommand::Scrub, envWith({{"LIBVIRT_TYPE", "uml"}}));
    EXPECT_NE(uml.steps[1].command.find("virsh -c uml:///system list"), std::string::npos);
    EXPECT_NE(uml.steps[1].command.find("xargs -n1 virsh -c uml:///system destroy"),
              std::string::npos);
}

TEST(novaSh, ExistingScreenSessionStopsRunWithStatusOne)
{
    NovaShHostState host;
    host.screenSessionExists = true;
    const auto plan = planNovaSh(NovaShCommand::Run, NovaShEnv{}, host);
    EXPECT_EQ(plan.exitStatus, 1);
    EXPECT_EQ(plan.steps.back().command, "exit 1");
    EXPECT_FALSE(plan.novaConf);
}

TEST(novaSh, VariablesFollowBashsDefaultRule)
{
    NovaShEnv env;
    std::string error;
    EXPECT_FALSE(env.set("USE_POSTGRES", "1", &error));
    EXPECT_NE(error.find("unknown variable 'USE_POSTGRES'"), std::string::npos);
    EXPECT_TRUE(env.warnings().empty());
    // ${VAR:-default}: empty means the default.
    for (const char *name : {"INTERFACE", "LOCK_PATH", "FIXED_RANGE", "NET_MAN", "USE_MYSQL",
                             "LIBVIRT_TYPE", "SCREEN_STATUS", "DIR", "DIRNAME"}) {
        NovaShEnv e;
        const std::string def = e.get(name);
        ASSERT_FALSE(def.empty()) << name;
        EXPECT_TRUE(e.set(name, "", &error)) << name;
        EXPECT_EQ(e.get(name), def) << name;
        EXPECT_EQ(e.raw(name), "") << name;
        EXPECT_TRUE(e.isSet(name));
    }
    const std::string conf = novaConf(envWith({{"INTERFACE", ""}, {"LOCK_PATH", ""}}));
    EXPECT_NE(conf.find("--public_interface=eth0\n"), std::string::npos);
    EXPECT_NE(conf.find("--lock_path=/tmp\n"), std::string::npos);
    EXPECT_EQ(envWith({{"USE_MYSQL", "1"}, {"MYSQL_PASS", ""}}).sqlConnection(),
              "mysql://root:nova@localhost/nova");
    // Values the script takes as they are; the tests are == 1 (and != "0").
    EXPECT_TRUE(env.set("USE_MYSQL", "2", &error));
    EXPECT_EQ(env.sqlConnection(), "sqlite:////opt/novascript/trunk/nova.sqlite");
    for (const auto &[name, value] :
         std::vector<std::pair<const char *, const char *>>{{"FIXED_RANGE", "10.0.0.0/33"},
                                                            {"HOST_IP", "10.0.0.300"},
                                                            {"NET_MAN", "NeutronManager"},
                                                            {"LIBVIRT_TYPE", "xen"}})
        EXPECT_TRUE(env.set(name, value, &error)) << name;
    EXPECT_EQ(env.warnings().size(), 5u);
    EXPECT_NE(novaConf(env).find("--fixed_range=10.0.0.0/33\n"), std::string::npos);
    EXPECT_NE(novaConf(env).find("--network_manager=nova.network.manager.NeutronManager\n"),
              std::string::npos);
    EXPECT_TRUE(env.isSet("USE_MYSQL"));
    EXPECT_EQ(parseNovaShCommand("run_detached"), NovaShCommand::RunDetached);
    EXPECT_FALSE(parseNovaShCommand("start"));
    EXPECT_EQ(novaShCommands().size(), 7u);
}
