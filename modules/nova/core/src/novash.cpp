#include "nova/core/novash.h"

#include "nova/core/addr.h"
#include "nova/core/events.h"
#include "nova/core/network.h"

#include "workbench/core/trace.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace wb::nova {

namespace {

const std::vector<std::pair<NovaShCommand, std::string_view>> &commandNames()
{
    static const std::vector<std::pair<NovaShCommand, std::string_view>> names{
        {NovaShCommand::Branch, "branch"},
        {NovaShCommand::Install, "install"},
        {NovaShCommand::Run, "run"},
        {NovaShCommand::RunDetached, "run_detached"},
        {NovaShCommand::Terminate, "terminate"},
        {NovaShCommand::Clean, "clean"},
        {NovaShCommand::Scrub, "scrub"}};
    return names;
}

const std::vector<std::string_view> kFlags{"USE_MYSQL",  "TEST",     "USE_LDAP",
                                           "USE_OPENDJ", "USE_IPV6", "SCREEN_STATUS"};

} // namespace

std::string_view novaShCommandName(NovaShCommand c)
{
    for (const auto &[cmd, name] : commandNames())
        if (cmd == c)
            return name;
    return "?";
}

std::optional<NovaShCommand> parseNovaShCommand(std::string_view name)
{
    for (const auto &[cmd, n] : commandNames())
        if (n == name)
            return cmd;
    return std::nullopt;
}

const std::vector<NovaShCommand> &novaShCommands()
{
    static const std::vector<NovaShCommand> all = [] {
        std::vector<NovaShCommand> v;
        for (const auto &[cmd, name] : commandNames())
            v.push_back(cmd);
        return v;
    }();
    return all;
}

const std::vector<NovaShVariable> &novaShVariables()
{
    static const std::vector<NovaShVariable> vars{
        {"DIR", "/opt/novascript", "recorded run",
         "base directory (the script uses the current directory)"},
        {"DIRNAME", "trunk", "recorded run", "install directory argument (script default: nova)"},
        {"SOURCE_BRANCH", "lp:nova", "walkthrough", "the branch `branch` fetches (Launchpad)"},
        {"SCREEN_STATUS", "1", "script", "draw a status line in screen unless 0"},
        {"USE_MYSQL", "0", "walkthrough", "1: MySQL; 0: sqlite (the script later defaulted to 1)"},
        {"MYSQL_PASS", "nova", "walkthrough", "MySQL root password"},
        {"INTERFACE", "eth0", "walkthrough", "public interface and VLAN interface"},
        {"FLOATING_RANGE", "10.6.0.0/27", "walkthrough", "floating addresses"},
        {"FIXED_RANGE", "10.0.0.0/24", "walkthrough", "fixed (private) addresses of instances"},
        {"LOCK_PATH", "/tmp", "script", "--lock_path (missing from the walkthrough)"},
        {"INSTANCES_PATH", "", "derived", "where instance data lives; empty: $NOVA_DIR/instances",
         "$NOVA_DIR/instances"},
        {"TEST", "0", "walkthrough", "1 runs Nova's unit tests during run"},
        {"USE_LDAP", "0", "walkthrough", "1 keeps users in LDAP instead of the database"},
        {"USE_OPENDJ", "0", "walkthrough", "with LDAP: OpenDJ instead of OpenLDAP"},
        {"USE_IPV6", "0", "walkthrough", "enable IPv6"},
        {"LIBVIRT_TYPE", "qemu", "walkthrough", "libvirt driver: qemu, kvm, uml or lxc"},
        {"NET_MAN", "VlanManager", "walkthrough",
         "network manager: VlanManager, FlatManager or FlatDHCPManager"},
        {"FLAT_INTERFACE", "", "walkthrough",
         "unset; for FlatDHCP on several hosts an interface without an IP (e.g. ethx)"},
        {"HOST_IP", "10.240.95.3", "recorded run",
         "the host's address; empty: the first `inet addr:` of ifconfig"},
    };
    return vars;
}

NovaShEnv::NovaShEnv()
{
    for (const auto &v : novaShVariables())
        m_values.emplace_back(v.name, v.defaultValue);
}

bool NovaShEnv::set(std::string_view name, std::string_view value, std::string *error)
{
    auto it = std::find_if(m_values.begin(), m_values.end(),
                           [&](const auto &p) { return p.first == name; });
    if (it == m_values.end()) {
        if (error)
            *error = "unknown variable '" + std::string(name) +
                     "'; nova.sh reads USE_MYSQL, MYSQL_PASS, INTERFACE, FLOATING_RANGE, "
                     "FIXED_RANGE, INSTANCES_PATH, TEST, USE_LDAP, USE_OPENDJ, USE_IPV6, "
                     "LIBVIRT_TYPE, NET_MAN, FLAT_INTERFACE, HOST_IP (and DIR, DIRNAME, "
                     "SOURCE_BRANCH, LOCK_PATH, SCREEN_STATUS)";
        return false;
    }
    it->second = std::string(value);
    const std::string n(name);
    if (std::find(m_changed.begin(), m_changed.end(), n) == m_changed.end())
        m_changed.push_back(n);
    return true;
}

std::string NovaShEnv::raw(std::string_view name) const
{
    for (const auto &[n, v] : m_values)
        if (n == name)
            return v;
    return "";
}

std::string NovaShEnv::get(std::string_view name) const
{
    const std::string v = raw(name);
    if (!v.empty() || name == "HOST_IP")
        return v;
    for (const auto &var : novaShVariables())
        if (var.name == name)
            return var.defaultValue;
    return v;
}

bool NovaShEnv::isSet(std::string_view name) const
{
    return std::find(m_changed.begin(), m_changed.end(), name) != m_changed.end();
}

std::vector<std::string> NovaShEnv::warnings() const
{
    std::vector<std::string> out;
    for (const auto flagName : kFlags) {
        const std::string v = get(flagName);
        if (v != "0" && v != "1")
            out.push_back(std::string(flagName) + "='" + v + "' is neither 0 nor 1: the script " +
                          (flagName == "SCREEN_STATUS" ? "only tests != \"0\", so it is on"
                                                       : "only tests == 1, so it is off"));
    }
    for (const char *range : {"FIXED_RANGE", "FLOATING_RANGE"})
        if (!Ipv4Network::parse(get(range)))
            out.push_back(std::string(range) + "='" + get(range) +
                          "' is not a network in CIDR form: nova-manage would refuse it");
    if (!parseManagerName(get("NET_MAN")))
        out.push_back("NET_MAN='" + get("NET_MAN") +
                      "' is not VlanManager, FlatManager or "
                      "FlatDHCPManager: nova-network would fail to load "
                      "nova.network.manager." +
                      get("NET_MAN"));
    const std::string type = get("LIBVIRT_TYPE");
    if (type != "qemu" && type != "kvm" && type != "uml" && type != "lxc")
        out.push_back("LIBVIRT_TYPE='" + type +
                      "' is not qemu, kvm, uml or lxc: nova-compute "
                      "would fail to connect to libvirt");
    if (!get("HOST_IP").empty() && !Ipv4Address::parse(get("HOST_IP")))
        out.push_back("HOST_IP='" + get("HOST_IP") +
                      "' is not an IPv4 address: the services "
                      "would advertise it as their address");
    return out;
}

std::string NovaShEnv::novaDir() const
{
    return get("DIR") + "/" + get("DIRNAME");
}

std::string NovaShEnv::instancesPath() const
{
    const std::string p = get("INSTANCES_PATH");
    return p.empty() ? novaDir() + "/instances" : p;
}

std::string NovaShEnv::sqlConnection() const
{
    return flag("USE_MYSQL") ? "mysql://root:" + get("MYSQL_PASS") + "@localhost/nova"
                             : "sqlite:///" + novaDir() + "/nova.sqlite";
}

std::string NovaShEnv::authDriver() const
{
    return flag("USE_LDAP") ? "ldapdriver.LdapDriver" : "dbdriver.DbDriver";
}

namespace {

// HOST_IP as nova.conf and novarc show it: left for the shell when it is to be detected.
std::string hostIpText(const NovaShEnv &env)
{
    const std::string ip = env.get("HOST_IP");
    return ip.empty() ? "$HOST_IP" : ip;
}

} // namespace

const std::vector<std::string> &novaConfTemplate()
{
    static const std::vector<std::string> lines{
        "--verbose",
        "--nodaemon",
        "--dhcpbridge_flagfile=$NOVA_DIR/bin/nova.conf",
        "--network_manager=nova.network.manager.$NET_MAN",
        "--my_ip=$HOST_IP",
        "--public_interface=$INTERFACE",
        "--vlan_interface=$INTERFACE",
        "--sql_connection=$SQL_CONN",
        "--auth_driver=nova.auth.$AUTH",
        "--libvirt_type=$LIBVIRT_TYPE",
        "--fixed_range=$FIXED_RANGE",
        "--lock_path=$LOCK_PATH",
        "--instances_path=$INSTANCES_PATH",
        "--flat_network_bridge=br100",
    };
    return lines;
}

namespace {

std::string shellValue(const NovaShEnv &env, std::string_view name)
{
    if (name == "NOVA_DIR")
        return env.novaDir();
    if (name == "SQL_CONN")
        return env.sqlConnection();
    if (name == "AUTH")
        return env.authDriver();
    if (name == "INSTANCES_PATH")
        return env.instancesPath();
    return env.get(name);
}

// Expands $NAME as an unquoted heredoc does: the value goes in as it is.
std::string expand(const NovaShEnv &env, std::string_view line)
{
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const auto isName = [](char c, bool first) {
            return c == '_' || std::isalpha(static_cast<unsigned char>(c)) ||
                   (!first && std::isdigit(static_cast<unsigned char>(c)));
        };
        if (line[i] == '$' && i + 1 < line.size() && isName(line[i + 1], true)) {
            std::size_t j = i + 1;
            while (j < line.size() && isName(line[j], false))
                ++j;
            out += shellValue(env, line.substr(i + 1, j - i - 1));
            i = j - 1;
        } else {
            out += line[i];
        }
    }
    return out;
}

} // namespace

std::string novaConf(const NovaShEnv &env)
{
    std::string c;
    for (const auto &line : novaConfTemplate())
        c += expand(env, line) + '\n';
    if (!env.get("FLAT_INTERFACE").empty())
        c += "--flat_interface=" + env.get("FLAT_INTERFACE") + '\n';
    if (env.flag("USE_IPV6"))
        c += "--use_ipv6\n";
    return c;
}

std::string novaConfScript()
{
    std::ostringstream s;
    s << "#!/usr/bin/env bash\n"
         "# nova.sh's variable section and nova.conf heredoc, as the Nova module models them.\n"
         "# Settings come from the environment; nova.conf goes to standard output (nova.sh\n"
         "# writes it to $NOVA_DIR/bin/nova.conf).\n";
    for (const auto &v : novaShVariables()) {
        if (v.name == "HOST_IP") {
            s << "# Unset: the recorded run's detected address; empty: nova.sh's detection.\n"
              << "HOST_IP=${HOST_IP-" << v.defaultValue << "}\n"
              << "if [ ! -n \"$HOST_IP\" ]; then\n"
              << "    HOST_IP=`LC_ALL=C ifconfig 2>/dev/null | grep -m 1 'inet addr:' | "
                 "cut -d: -f2 | awk '{print $1}'`\n"
              << "fi\n";
            continue;
        }
        const std::string def = v.shellDefault.empty() ? v.defaultValue : v.shellDefault;
        s << v.name << "=${" << v.name << ":-" << def << "}\n";
        if (v.name == "DIRNAME")
            s << "NOVA_DIR=$DIR/$DIRNAME\n";
    }
    s << "if [ \"$USE_MYSQL\" == 1 ]; then\n"
         "    SQL_CONN=mysql://root:$MYSQL_PASS@localhost/nova\n"
         "else\n"
         "    SQL_CONN=sqlite:///$NOVA_DIR/nova.sqlite\n"
         "fi\n"
         "if [ \"$USE_LDAP\" == 1 ]; then\n"
         "    AUTH=ldapdriver.LdapDriver\n"
         "else\n"
         "    AUTH=dbdriver.DbDriver\n"
         "fi\n"
         "cat <<NOVA_CONF_EOF\n";
    for (const auto &line : novaConfTemplate())
        s << line << '\n';
    s << "NOVA_CONF_EOF\n"
         "if [ -n \"$FLAT_INTERFACE\" ]; then\n"
         "    echo \"--flat_interface=$FLAT_INTERFACE\"\n"
         "fi\n"
         "if [ \"$USE_IPV6\" == 1 ]; then\n"
         "    echo \"--use_ipv6\"\n"
         "fi\n";
    return s.str();
}

std::vector<std::pair<std::string, std::string>> novarcEntries(const NovaShEnv &env)
{
    const std::string ip = hostIpText(env);
    return {
        {"NOVA_KEY_DIR", "$(dirname of $BASH_SOURCE)"},
        {"EC2_ACCESS_KEY", "admin:admin"},
        {"EC2_SECRET_KEY", "admin"},
        {"EC2_URL", "http://" + ip + ":8773/services/Cloud"},
        {"S3_URL", "http://" + ip + ":3333"},
        {"EC2_USER_ID", "42"},
        {"EC2_PRIVATE_KEY", "${NOVA_KEY_DIR}/pk.pem"},
        {"EC2_CERT", "${NOVA_KEY_DIR}/cert.pem"},
        {"NOVA_CERT", "${NOVA_KEY_DIR}/cacert.pem"},
        {"EUCALYPTUS_CERT", "${NOVA_CERT}"},
        {"alias ec2-bundle-image", "ec2-bundle-image --cert ${EC2_CERT} --privatekey "
                                   "${EC2_PRIVATE_KEY} --user 42 --ec2cert ${NOVA_CERT}"},
        {"alias ec2-upload-bundle", "ec2-upload-bundle -a ${EC2_ACCESS_KEY} -s "
                                    "${EC2_SECRET_KEY} --url ${S3_URL} --ec2cert ${NOVA_CERT}"},
        {"CLOUD_SERVERS_API_KEY", "admin"},
        {"CLOUD_SERVERS_USERNAME", "admin"},
        {"CLOUD_SERVERS_URL", "http://" + ip + ":8774/v1.0/"},
    };
}

std::string novarcText(const NovaShEnv &env)
{
    std::ostringstream o;
    for (const auto &[name, value] : novarcEntries(env)) {
        if (name == "NOVA_KEY_DIR")
            o << "NOVA_KEY_DIR=$(pushd $(dirname $BASH_SOURCE)>/dev/null; pwd; popd>/dev/null)\n";
        else if (name.starts_with("alias "))
            o << name << "=\"" << value << "\"\n";
        else if (name == "EC2_USER_ID")
            o << "export EC2_USER_ID=" << value << " # ignored by Nova; bundling needs one\n";
        else if (value.starts_with("${"))
            o << "export " << name << '=' << value << '\n';
        else
            o << "export " << name << "=\"" << value << "\"\n";
    }
    return o.str();
}

namespace {

class PlanBuilder
{
public:
    PlanBuilder(NovaShPlan &plan, wb::Trace *trace) : m_plan(plan), m_trace(trace) {}

    void step(const std::string &phase, const std::string &command, bool root,
              const std::string &note = "")
    {
        m_plan.steps.push_back({phase, command, root, note});
        if (m_trace)
            wb::record(m_trace,
                       events::NovashStep{static_cast<std::int64_t>(m_plan.steps.size()), phase,
                                          command, root, note},
                       command.empty() ? note : command);
    }
    void apt(const std::string &phase, std::vector<std::string> packages,
             const std::string &note = "")
    {
        std::string cmd = "sudo apt-get install -y";
        for (const auto &p : packages) {
            cmd += " " + p;
            m_plan.packages.push_back(p);
        }
        step(phase, cmd, true, note);
    }

private:
    NovaShPlan &m_plan;
    wb::Trace *m_trace;
};

void lxcSetup(PlanBuilder &b, const NovaShEnv &env, const NovaShHostState &host)
{
    if (env.get("LIBVIRT_TYPE") != "lxc")
        return;
    std::string cmd = ":";
    if (!host.fstabHasCgroups)
        cmd += " && mkdir -p /cgroups && echo 'none /cgroups cgroup "
               "cpuacct,memory,devices,cpu,freezer,blkio 0 0' >> /etc/fstab";
    if (!host.cgroupsMounted)
        cmd += " && mount /cgroups";
    if (cmd == ":")
        b.step("lxc", "", false, "/cgroups is in /etc/fstab and mounted: nothing to run");
    else
        b.step("lxc", "sudo sh -c \"" + cmd + "\"", true,
               "libvirt's LXC driver needs the cgroup controllers mounted; on failure the "
               "script stops with \"failed to setup lxc\"");
}

void branchPhase(PlanBuilder &b, const NovaShEnv &env, const NovaShHostState &host)
{
    const std::string dir = env.get("DIR"), novaDir = env.novaDir();
    b.apt("branch", {"bzr"}, "Bazaar, the version control system Nova used then");
    if (!host.bzrRepoExists)
        b.step("branch", "bzr init-repo " + dir, false, "no " + dir + "/.bzr yet");
    b.step("branch", "rm -rf " + novaDir, true);
    b.step("branch", "bzr branch " + env.get("SOURCE_BRANCH") + " " + novaDir, false,
           "fetch the code from Launchpad");
    b.step("branch", "cd " + novaDir, false);
    b.step("branch", "mkdir -p " + novaDir + "/instances", true);
    b.step("branch", "mkdir -p " + novaDir + "/networks", true);
}

void installPhase(PlanBuilder &b, const NovaShEnv &env)
{
    const std::string p = "install";
    b.apt(p, {"python-software-properties"});
    b.step(p, "sudo add-apt-repository ppa:nova-core/trunk", true,
           "patched packages for Nova (the archive is long gone)");
    b.step(p, "sudo apt-get update", true);
    b.apt(p, {"dnsmasq-base", "kpartx", "kvm", "gawk", "iptables", "ebtables"});
    b.apt(p, {"user-mode-linux", "kvm", "libvirt-bin"}, "kvm is installed a second time");
    b.step(p,
           "echo \"rabbitmq-server rabbitmq-server/upgrade_previous note\" | "
           "sudo debconf-set-selections",
           true, "skip RabbitMQ's \"OK\" dialog");
    b.apt(p, {"screen", "euca2ools", "vlan", "curl", "rabbitmq-server"});
    b.apt(p, {"lvm2", "iscsitarget", "open-iscsi"});
    b.apt(p, {"socat", "unzip", "glance"});
    b.step(p, "echo \"ISCSITARGET_ENABLE=true\" | sudo tee /etc/default/iscsitarget", true);
    b.step(p, "sudo /etc/init.d/iscsitarget restart", true);
    b.step(p, "sudo modprobe kvm", true);
    b.step(p, "sudo /etc/init.d/libvirt-bin restart", true);
    b.step(p, "sudo modprobe nbd", true, "the walkthrough writes `modprobe ndb`, a typo");
    b.apt(p, {"python-mox", "python-lxml", "python-kombu", "python-paste"});
    b.apt(p, {"python-migrate", "python-gflags", "python-greenlet"});
    b.apt(p, {"python-libvirt", "python-libxml2", "python-routes"});
    b.apt(p, {"python-netaddr", "python-pastedeploy", "python-eventlet"});
    b.apt(p, {"python-novaclient", "python-glance", "python-cheetah"});
    b.apt(p, {"python-carrot", "python-tempita", "python-sqlalchemy"});
    b.apt(p, {"python-suds", "python-lockfile", "python-netaddr"},
          "python-netaddr is installed a second time");
    if (env.flag("USE_IPV6")) {
        b.apt(p, {"radvd"});
        b.step(p, "sudo bash -c \"echo 1 > /proc/sys/net/ipv6/conf/all/forwarding\"", true,
               "IPv6 forwarding on");
        b.step(p, "sudo bash -c \"echo 0 > /proc/sys/net/ipv6/conf/all/accept_ra\"", true,
               "ignore router advertisements");
    }
    if (env.flag("USE_MYSQL")) {
        const std::string pass = env.get("MYSQL_PASS");
        b.step(p,
               "cat <<MYSQL_PRESEED | debconf-set-selections\n"
               "mysql-server-5.1 mysql-server/root_password password " +
                   pass +
                   "\n"
                   "mysql-server-5.1 mysql-server/root_password_again password " +
                   pass +
                   "\n"
                   "mysql-server-5.1 mysql-server/start_on_boot boolean true\n"
                   "MYSQL_PRESEED",
               true, "preseed the root password; the walkthrough's line lacks sudo");
        b.apt(p, {"mysql-server", "python-mysqldb"}, "the walkthrough's line lacks sudo");
    }
}

void screenIt(PlanBuilder &b, NovaShPlan &plan, const std::string &window,
              const std::string &command)
{
    plan.windows.push_back({window, command});
    b.step("run", "screen_it " + window + " \"" + command + "\"", true,
           "screen -r nova -x -X screen -t " + window + "; screen -r nova -x -p " + window +
               " -X stuff \"" + command +
               "$NL\" (typed in: nova-api crashed as a plain "
               "screen command)");
}

void terminatePhase(PlanBuilder &b, const NovaShEnv &env)
{
    const std::string p = "terminate";
    b.step(p, ". " + env.novaDir() + "/novarc", false);
    b.step(p, "euca-describe-instances | grep i- | cut -f2 | xargs euca-terminate-instances",
           false, "without -r, xargs runs euca-terminate-instances even when there is none");
    b.step(p, "sleep 2", false);
    b.step(p, ". " + env.novaDir() + "/novarc", false);
    b.step(p, "euca-describe-volumes | grep vol- | cut -f2 | xargs -n1 euca-delete-volume", false,
           "parses human-oriented output");
    b.step(p, "sleep 2", false);
}

void cleanPhase(PlanBuilder &b)
{
    b.step("clean", "screen -S nova -X quit", true, "force the session down");
    b.step("clean", "rm *.pid*", true,
           "deletes matching files in whatever directory the script started from");
}

void scrubPhase(PlanBuilder &b, const NovaShEnv &env)
{
    b.step("scrub", env.novaDir() + "/tools/clean-vlans", true, "remove bridges and VLANs");
    const std::string virsh =
        env.get("LIBVIRT_TYPE") == "uml" ? "virsh -c uml:///system" : "virsh";
    b.step("scrub",
           virsh + " list | grep i- | awk '{print \\$1}' | xargs -n1 " + virsh + " destroy", true,
           "the \\$1 inside single quotes reaches awk with its backslash; mawk rejects it "
           "(\"unexpected character '\\'\"), so nothing is destroyed: use '{print $1}'");
}

void runPhase(PlanBuilder &b, NovaShPlan &plan, const NovaShEnv &env, const NovaShHostState &host,
              bool detached)
{
    const std::string p = "run";
    const std::string dir = env.get("DIR"), novaDir = env.novaDir(), bin = novaDir + "/bin/";
    if (host.screenSessionExists) {
        b.step(p, "echo \"screen named 'nova' already exists!\"", false,
               "kill it with: screen -r 'nova' -x -X quit; attach to it with: "
               "screen -d -r 'nova'");
        b.step(p, "exit 1", false, "the existing session is left alone");
        plan.exitStatus = 1;
        return;
    }
    b.step(p, "screen -d -m -S nova -t nova", true, "a detached screen session named nova");
    plan.windows.push_back({"nova", ""});
    b.step(p, "sleep 1", false);
    if (env.get("SCREEN_STATUS") != "0")
        b.step(p,
               "screen -r \"nova\" -X hardstatus alwayslastline "
               "\"%-Lw%{= BW}%50>%n%f* %t%{-}%+Lw%< %= %H\"",
               true, "the status line listing the windows");
    plan.novaConf = novaConf(env);
    b.step(p, "cat > " + bin + "nova.conf <<EOF\n" + *plan.novaConf + "EOF", true,
           "write the flag file every service reads");
    b.step(p, "killall dnsmasq", true,
           "kills every dnsmasq on the host, also libvirt's and NetworkManager's");
    if (env.flag("USE_IPV6"))
        b.step(p, "killall radvd", true);
    b.step(p, "sleep 1", false, "gives the killed daemons a moment to exit");
    if (env.flag("USE_MYSQL")) {
        const std::string pass = env.get("MYSQL_PASS");
        b.step(p, "mysql -p" + pass + " -e 'DROP DATABASE nova;'", true,
               "fails on the first run (use DROP DATABASE IF EXISTS); -p shows the password "
               "in the process list");
        b.step(p, "mysql -p" + pass + " -e 'CREATE DATABASE nova;'", true);
    } else {
        b.step(p, "rm " + novaDir + "/nova.sqlite", true, "fails when absent (use rm -f)");
    }
    if (env.flag("USE_LDAP")) {
        if (env.flag("USE_OPENDJ")) {
            b.step(p,
                   "echo '--ldap_user_dn=cn=Directory Manager' >> "
                   "/etc/nova/nova-manage.conf",
                   true, "fails if /etc/nova is missing");
            b.step(p, "sudo " + novaDir + "/nova/auth/opendj.sh", true, "OpenDJ");
        } else {
            b.step(p, "sudo " + novaDir + "/nova/auth/slap.sh", true, "OpenLDAP");
        }
    }
    for (const char *sub : {"instances", "networks"}) {
        b.step(p, "rm -rf " + novaDir + "/" + sub, true);
        b.step(p, "mkdir -p " + novaDir + "/" + sub, true);
    }
    if (env.flag("TEST")) {
        b.step(p, "cd " + novaDir, false);
        b.step(p, "python " + novaDir + "/run_tests.py", false, "Nova's unit tests");
        b.step(p, "cd " + dir, false);
    }
    b.step(p, bin + "nova-manage db sync", true, "create the schema");
    b.step(p, bin + "nova-manage user admin admin admin admin", true,
           "admin user with access key admin and secret key admin");
    b.step(p, bin + "nova-manage project create admin admin", true,
           "project admin managed by user admin");
    b.step(p, bin + "nova-manage network create private " + env.get("FIXED_RANGE") + " 1 32", true,
           "one network of 32 addresses carved from the fixed range");
    b.step(p, bin + "nova-manage floating create " + env.get("FLOATING_RANGE"), true);
    if (!host.imagesDirExists) {
        b.step(p, "mkdir -p " + dir + "/images", true);
        b.step(p, "wget -c http://images.ansolabs.com/tty.tgz", false,
               "plain HTTP, no checksum; the host is long gone");
        b.step(p, "tar -C " + dir + "/images -zxf tty.tgz", false);
    }
    if (!host.glanceHasImage)
        b.step(p, bin + "nova-manage image convert " + dir + "/images", true,
               "`glance details | grep ami-tty` found nothing: convert the Bexar layout");
    const std::vector<std::pair<std::string, std::string>> services{
        {"api", "nova-api"},
        {"objectstore", "nova-objectstore"},
        {"compute", "nova-compute"},
        {"network", "nova-network"},
        {"scheduler", "nova-scheduler"},
        {"volume", "nova-volume"},
        {"ajax_console_proxy", "nova-ajax-console-proxy"}};
    for (const auto &[window, binary] : services)
        screenIt(b, plan, window, bin + binary);
    b.step(p, "sleep 2", false);
    b.step(p, bin + "nova-manage project zipfile admin admin " + novaDir + "/nova.zip", true,
           "credentials and certificates");
    b.step(p, "unzip -o " + novaDir + "/nova.zip -d " + novaDir + "/", true,
           "produces novarc and the certificates");
    plan.novarc = novarcText(env);
    screenIt(b, plan, "test", "export PATH=" + novaDir + "/bin:$PATH;. " + novaDir + "/novarc");
    if (detached)
        return;
    b.step("attach", "screen -S nova -x", true, "attach; leaving the session ends the run");
    terminatePhase(b, env);
    cleanPhase(b);
}

} // namespace

NovaShPlan planNovaSh(NovaShCommand command, const NovaShEnv &env, const NovaShHostState &host,
                      wb::Trace *trace)
{
    NovaShPlan plan;
    plan.command = command;
    for (const auto &v : novaShVariables())
        plan.variables.push_back({v.name, env.get(v.name),
                                  !env.isSet(v.name) ? v.origin
                                  : env.raw(v.name).empty() && v.name != "HOST_IP"
                                      ? "set empty: the default"
                                      : "set"});
    for (auto &v : plan.variables)
        if (v.name == "INSTANCES_PATH" && v.value.empty())
            v.value = env.instancesPath();
    plan.variables.push_back({"NOVA_DIR", env.novaDir(), "derived"});
    plan.variables.push_back({"SQL_CONN", env.sqlConnection(), "derived"});
    plan.variables.push_back({"AUTH", env.authDriver(), "derived"});

    PlanBuilder b(plan, trace);
    if (env.get("HOST_IP").empty())
        b.step("variables",
               "HOST_IP=`LC_ALL=C ifconfig | grep -m 1 'inet addr:' | cut -d: -f2 | "
               "awk '{print $1}'`",
               false,
               "current ifconfig prints `inet 10.0.0.1`, so this comes out empty; use "
               "`ip -4 -o addr show dev <iface>` or set HOST_IP");
    switch (command) {
    case NovaShCommand::Branch:
        branchPhase(b, env, host);
        b.step("branch", "exit", false);
        break;
    case NovaShCommand::Install:
        lxcSetup(b, env, host);
        installPhase(b, env);
        b.step("install", "exit", false);
        break;
    case NovaShCommand::Run:
    case NovaShCommand::RunDetached:
        lxcSetup(b, env, host);
        runPhase(b, plan, env, host, command == NovaShCommand::RunDetached);
        break;
    case NovaShCommand::Terminate:
        lxcSetup(b, env, host);
        terminatePhase(b, env);
        break;
    case NovaShCommand::Clean:
        lxcSetup(b, env, host);
        cleanPhase(b);
        break;
    case NovaShCommand::Scrub:
        lxcSetup(b, env, host);
        scrubPhase(b, env);
        break;
    }
    return plan;
}

std::optional<PackageInfo> packageInfo(std::string_view name)
{
    static const std::vector<PackageInfo> table{
        {"python-software-properties", "system", "manage APT sources"},
        {"kvm", "system", "full virtualization on x86"},
        {"user-mode-linux", "system", "a Linux kernel running as a user program"},
        {"libvirt-bin", "system", "libvirt's programs"},
        {"kpartx", "system", "device mappings for partitions"},
        {"gawk", "system", "pattern scanning language"},
        {"screen", "system", "terminal multiplexer"},
        {"curl", "system", "URL transfers"},
        {"unzip", "system", "zip extraction"},
        {"socat", "system", "bidirectional relay"},
        {"euca2ools", "system", "EC2-style cloud command-line tools"},
        {"bzr", "system", "Bazaar version control"},
        {"dnsmasq-base", "networking", "small DNS cache and DHCP/TFTP server"},
        {"iptables", "networking", "packet filtering and NAT"},
        {"ebtables", "networking", "Ethernet bridge filtering"},
        {"vlan", "networking", "VLAN user tools"},
        {"radvd", "networking", "IPv6 router advertisement daemon"},
        {"lvm2", "storage", "logical volumes"},
        {"iscsitarget", "storage", "iSCSI target tools"},
        {"open-iscsi", "storage", "iSCSI initiator"},
        {"rabbitmq-server", "messaging", "AMQP broker written in Erlang"},
        {"glance", "messaging", "image registry and delivery"},
        {"python-glance", "python", "image service client library"},
        {"mysql-server", "storage", "MySQL database server"},
        {"python-mysqldb", "python", "MySQL bindings"},
        {"python-sqlalchemy", "python", "SQL toolkit and ORM"},
        {"python-suds", "python", "SOAP client"},
        {"python-lockfile", "python", "file locks"},
        {"python-mox", "python", "mock objects"},
        {"python-lxml", "python", "XML bindings"},
        {"python-libxml2", "python", "XML bindings"},
        {"python-kombu", "python", "AMQP messaging"},
        {"python-carrot", "python", "AMQP messaging"},
        {"python-greenlet", "python", "lightweight coroutines"},
        {"python-eventlet", "python", "concurrent networking"},
        {"python-migrate", "python", "schema migrations"},
        {"python-gflags", "python", "command-line flags"},
        {"python-novaclient", "python", "Compute API client"},
        {"python-netaddr", "python", "IP address handling"},
        {"python-cheetah", "python", "templates"},
        {"python-tempita", "python", "templates"},
        {"python-libvirt", "python", "libvirt bindings"},
        {"python-routes", "python", "URL routing"},
        {"python-paste", "python", "WSGI tooling"},
        {"python-pastedeploy", "python", "WSGI tooling"},
    };
    for (const auto &p : table)
        if (p.name == name)
            return p;
    return std::nullopt;
}

} // namespace wb::nova
