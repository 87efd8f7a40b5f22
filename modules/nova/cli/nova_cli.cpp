// `workbench-cli nova ...`: Nova's spawn internals, nova.sh, the scheduler simulation and
// the launch over the message bus, without a display. A new command is one entry in
// kCommands.
#include "nova/core/addr.h"
#include "nova/core/events.h"
#include "nova/core/iptables.h"
#include "nova/core/launch.h"
#include "nova/core/libvirt_xml.h"
#include "nova/core/novash.h"
#include "nova/core/simulation.h"

#include "messaging/core/client.h"
#include "workbench/core/cli.h"
#include "workbench/core/json.h"
#include "workbench/core/recording.h"
#include "workbench/core/typed_event.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <functional>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace {

using namespace wb::nova;
namespace cli = wb::cli;

const char *const kUsage =
    "Usage: workbench-cli nova <command> [options]\n"
    "\n"
    "  libvirt-xml --instance N --ip IP --mac MAC [--project-net CIDR] [--type FLAVOR]\n"
    "      The libvirt domain XML of instance N (project network default 10.0.0.0/27,\n"
    "      flavor default m1.tiny). A multicast MAC and the network's reserved addresses\n"
    "      (network, gateway, VPN, broadcast) are refused.\n"
    "  iptables --instance N --ip IP --project-net CIDR [--corrected] [--defects]\n"
    "      The filter table for the instance in iptables-save form, as the recorded listing\n"
    "      has its rules or with its defects fixed; --defects adds what is wrong with the\n"
    "      listing as # comments. The listing's own rules do not load (iptables-restore\n"
    "      stops at its ICMP rule); the corrected ones do.\n"
    "  packet --instance N --ip IP --project-net CIDR --src A --dst B --proto tcp|udp|icmp\n"
    "         [--dport P] [--sport P] [--icmp-type T] [--icmp-code C]\n"
    "         --state NEW|ESTABLISHED|RELATED|INVALID [--corrected]\n"
    "      Walk a packet through the chains rule by rule; the last line is\n"
    "      `verdict: ACCEPT` or `verdict: DROP`. tcp and udp need --dport; ICMP type and\n"
    "      code default to 8 and 0 (echo request). A ruleset that does not load is walked\n"
    "      as the table the host keeps.\n"
    "  novash COMMAND [VAR=VALUE...]\n"
    "      What nova.sh COMMAND (branch, install, run, run_detached, terminate, clean,\n"
    "      scrub) would do, in order, with nova.conf and novarc. A dry run. An empty\n"
    "      VALUE means the default, as the script's ${VAR:-default} reads it.\n"
    "  novash script\n"
    "      The module's variable section and nova.conf heredoc as a bash script that reads\n"
    "      the settings from its environment and prints nova.conf.\n"
    "  simulate --requests N --hosts M --scheduler chance|zone|simple [--seed X]\n"
    "           [--zones Z] [--json]\n"
    "      Many launches against one scheduler: placements, NoValidHost, phase latencies.\n"
    "  launch [--scheduler chance|zone|simple] [--hosts N] [--seed S]\n"
    "         [--broker embedded|URL] [--exchange NAME] [--json] [--record FILE [--force]]\n"
    "      Start the components (api, cloud, scheduler, network, compute per host) on the\n"
    "      broker, launch one m1.tiny instance of ami-tiny, print the numbered messages,\n"
    "      the states and the instance. --record FILE: keep the launch's trace as a\n"
    "      recording that `workbench --open FILE` shows in the launch view without running\n"
    "      anything (an existing FILE is kept, exit 2, unless --force).\n"
    "  launch --remote --broker URL [--exchange NAME] [--json] [--record FILE [--force]]\n"
    "      The same launch through components already running as `nova component`\n"
    "      processes, on this host or others, that share the RabbitMQ node at URL.\n"
    "  component api|scheduler|compute|network --broker URL [--exchange NAME]\n"
    "            [--host H] [--vcpus N] [--zone Z] [--scheduler KIND] [--seed S]\n"
    "      One component as its own process until SIGINT or SIGTERM, one line per step.\n"
    "      api also keeps the database (topic db); compute: host H (default: this\n"
    "      host's name), N cores, zone Z; scheduler: chance, zone or simple; --seed for\n"
    "      the scheduler's choice and the api's MACs. --exchange: Nova's control_exchange\n"
    "      (default nova), the same for every component and the launch.\n"
    "\n"
    "Nothing is ever run on this machine. Exit codes: 0 ok, 1 the instance went to error,\n"
    "2 bad usage or input, 3 broker unreachable or launch not finished.\n";

struct Ctx
{
    cli::Invocation &inv;
    std::string command;

    int usage(const std::string &message) const
    {
        inv.err << "workbench-cli nova: " << command << ": " << message << '\n';
        return cli::Usage;
    }
};

// Each getter reports its own error; callers return cli::Usage when it yields nullopt.
std::optional<std::string> required(const Ctx &c, const cli::Options &o, const char *name)
{
    auto v = o.value(name);
    if (!v)
        c.usage(std::string("--") + name + " is required; see `workbench-cli nova --help`.");
    return v;
}

std::optional<std::int64_t> intOption(const Ctx &c, const cli::Options &o, const char *name,
                                      std::int64_t lo, std::int64_t hi,
                                      std::optional<std::int64_t> fallback = std::nullopt)
{
    auto text = o.value(name);
    if (!text) {
        if (!fallback)
            c.usage(std::string("--") + name + " is required; see `workbench-cli nova --help`.");
        return fallback;
    }
    auto n = cli::parseInt(*text);
    if (!n || *n < lo || *n > hi) {
        c.usage(std::string("--") + name + " needs an integer from " + std::to_string(lo) +
                " to " + std::to_string(hi) + ", not '" + *text + "'.");
        return std::nullopt;
    }
    return n;
}

std::optional<Ipv4Address> ipOption(const Ctx &c, const cli::Options &o, const char *name)
{
    auto text = required(c, o, name);
    if (!text)
        return std::nullopt;
    auto ip = Ipv4Address::parse(*text);
    if (!ip)
        c.usage(std::string("--") + name + " '" + *text +
                "' is not an IPv4 address; write it as four numbers 0-255, e.g. 10.0.0.3.");
    return ip;
}

std::optional<Ipv4Network> cidrOption(const Ctx &c, const cli::Options &o, const char *name,
                                      std::optional<std::string> fallback = std::nullopt)
{
    auto text = o.value(name);
    if (!text)
        text = fallback;
    if (!text) {
        c.usage(std::string("--") + name + " is required; see `workbench-cli nova --help`.");
        return std::nullopt;
    }
    auto net = Ipv4Network::parse(*text);
    if (!net)
        c.usage(std::string("--") + name + " '" + *text +
                "' is not a network in CIDR form with its host bits zero, e.g. 10.0.0.0/27.");
    return net;
}

// The instance, address and project network every spawn command shares.
struct InstanceArgs
{
    int id;
    Ipv4Address ip;
    Ipv4Network net;
};

std::optional<InstanceArgs> instanceArgs(const Ctx &c, const cli::Options &o,
                                         std::optional<std::string> netFallback)
{
    auto id = intOption(c, o, "instance", 1, 0x7fffffff);
    if (!id)
        return std::nullopt;
    auto ip = ipOption(c, o, "ip");
    if (!ip)
        return std::nullopt;
    auto net = cidrOption(c, o, "project-net", netFallback);
    if (!net)
        return std::nullopt;
    if (!net->contains(*ip)) {
        c.usage("--ip " + ip->toString() + " is not inside the project network " +
                net->toString() + "; give an address of that network.");
        return std::nullopt;
    }
    return InstanceArgs{static_cast<int>(*id), *ip, *net};
}

bool parse(const Ctx &c, cli::Options &o, const std::vector<std::string> &args,
           std::vector<std::string> values, std::vector<std::string> flags)
{
    if (!o.parse(args, std::move(values), std::move(flags))) {
        c.usage(o.error() + "; see `workbench-cli nova --help`.");
        return false;
    }
    if (!o.positionals().empty()) {
        c.usage("unexpected argument '" + o.positionals().front() + "'.");
        return false;
    }
    return true;
}

int runLibvirtXml(const Ctx &c, const std::vector<std::string> &args)
{
    cli::Options o;
    if (!parse(c, o, args, {"instance", "ip", "mac", "project-net", "type"}, {"comments"}))
        return cli::Usage;
    auto a = instanceArgs(c, o, std::string("10.0.0.0/27"));
    if (!a)
        return cli::Usage;
    auto macText = required(c, o, "mac");
    if (!macText)
        return cli::Usage;
    auto mac = MacAddress::parse(*macText);
    if (!mac)
        return c.usage("--mac '" + *macText +
                       "' is not a MAC address; write six hex pairs, e.g. 02:16:3e:17:35:39.");
    if (const std::string why = macProblem(*mac); !why.empty())
        return c.usage("--mac: " + why + ".");
    const std::string typeName = o.valueOr("type", "m1.tiny");
    auto type = instanceTypeByName(typeName);
    if (!type)
        return c.usage("unknown instance type '" + typeName +
                       "'; use m1.tiny, m1.small, m1.medium, m1.large or m1.xlarge.");
    if (a->net.prefix > 30)
        return c.usage("the project network " + a->net.toString() +
                       " is too small for a gateway; use /30 or larger.");
    NetworkCreateRequest req;
    req.fixedRange = a->net;
    req.networkSize = static_cast<std::uint32_t>(a->net.size());
    const auto networks = createNetworks(req, NetworkManagerKind::Vlan);
    if (const std::string why = fixedIpProblem(networks.front(), a->ip); !why.empty())
        return c.usage("--ip: " + why + ".");
    Instance inst;
    inst.id = a->id;
    inst.type = *type;
    inst.fixedIp = a->ip;
    inst.mac = mac;
    DomainSpec spec = domainSpecFor(inst, networks.front(), *MacAddress::parse(kRecordedHostMac));
    spec.withComments = o.has("comments");
    c.inv.out << toDomainXml(spec);
    return cli::Ok;
}

int runIptables(const Ctx &c, const std::vector<std::string> &args)
{
    cli::Options o;
    if (!parse(c, o, args, {"instance", "ip", "project-net"}, {"corrected", "defects"}))
        return cli::Usage;
    auto a = instanceArgs(c, o, std::nullopt);
    if (!a)
        return cli::Usage;
    const auto spec = RulesetSpec::recorded(a->id, a->ip, a->net, o.has("corrected"));
    c.inv.out << buildRuleset(spec).text();
    if (o.has("defects")) {
        for (const auto &d : listingDefects(spec))
            c.inv.out << "# defect " << d.id << ": " << d.problem << "\n#   listed: " << d.rule
                      << "\n#   fix:    " << d.fix << '\n';
        if (const RulesetLoad load = loadRuleset(buildRuleset(spec)); !load.loaded)
            c.inv.out << "# iptables-restore stops at line " << load.failedLine << " ("
                      << load.error << ") and loads none of this table\n";
    }
    return cli::Ok;
}

int runPacket(const Ctx &c, const std::vector<std::string> &args)
{
    cli::Options o;
    if (!parse(c, o, args,
               {"instance", "ip", "project-net", "src", "dst", "proto", "dport", "sport", "state",
                "icmp-type", "icmp-code"},
               {"corrected"}))
        return cli::Usage;
    auto a = instanceArgs(c, o, std::nullopt);
    if (!a)
        return cli::Usage;
    Packet p;
    auto src = ipOption(c, o, "src");
    if (!src)
        return cli::Usage;
    auto dst = ipOption(c, o, "dst");
    if (!dst)
        return cli::Usage;
    p.src = *src;
    p.dst = *dst;
    auto protoText = required(c, o, "proto");
    if (!protoText)
        return cli::Usage;
    auto proto = parseProto(*protoText);
    if (!proto)
        return c.usage("unknown protocol '" + *protoText + "'; use tcp, udp or icmp.");
    p.proto = *proto;
    auto stateText = required(c, o, "state");
    if (!stateText)
        return cli::Usage;
    auto state = parseConnState(*stateText);
    if (!state)
        return c.usage("unknown connection state '" + *stateText +
                       "'; use NEW, ESTABLISHED, RELATED or INVALID.");
    p.state = *state;
    if (p.proto == Proto::Icmp) {
        if (o.has("dport") || o.has("sport"))
            return c.usage("ICMP has no ports; leave out --dport and --sport.");
        auto type = intOption(c, o, "icmp-type", 0, 255, 8);
        if (!type)
            return cli::Usage;
        auto code = intOption(c, o, "icmp-code", 0, 255, 0);
        if (!code)
            return cli::Usage;
        p.icmpType = static_cast<int>(*type);
        p.icmpCode = static_cast<int>(*code);
    } else {
        if (o.has("icmp-type") || o.has("icmp-code"))
            return c.usage("--icmp-type and --icmp-code belong to --proto icmp.");
        auto dport = intOption(c, o, "dport", 0, 65535);
        if (!dport)
            return cli::Usage;
        p.dport = static_cast<int>(*dport);
        if (o.has("sport")) {
            auto sport = intOption(c, o, "sport", 0, 65535);
            if (!sport)
                return cli::Usage;
            p.sport = static_cast<int>(*sport);
        }
    }
    const auto rules =
        buildRuleset(RulesetSpec::recorded(a->id, a->ip, a->net, o.has("corrected")));
    const PacketWalk walk = walkPacket(rules, p);
    auto &out = c.inv.out;
    out << "packet: " << p.describe() << " (" << (o.has("corrected") ? "corrected" : "listed")
        << " ruleset)\n";
    for (const auto &s : walk.steps) {
        if (s.ruleNumber == 0) {
            out << "  " << s.chain << ": " << s.reason << '\n';
            continue;
        }
        out << "  " << s.chain << " #" << s.ruleNumber << "  " << s.ruleText << "\n      "
            << (s.matched ? "match -> " + s.action : std::string("no match")) << ": " << s.reason
            << '\n';
    }
    out << "decided by: " << walk.decidedBy << '\n';
    out << "verdict: " << verdictName(walk.verdict) << '\n';
    return cli::Ok;
}

int runNovaSh(const Ctx &c, const std::vector<std::string> &args)
{
    if (args.empty())
        return c.usage("give a command: branch, install, run, run_detached, terminate, clean "
                       "or scrub.");
    if (args.front() == "script") {
        if (args.size() > 1)
            return c.usage("`novash script` takes no settings; give them to bash in its "
                           "environment.");
        c.inv.out << novaConfScript();
        return cli::Ok;
    }
    auto command = parseNovaShCommand(args.front());
    if (!command)
        return c.usage("unknown nova.sh command '" + args.front() +
                       "'; use branch, install, run, run_detached, terminate, clean or scrub.");
    NovaShEnv env;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const auto eq = args[i].find('=');
        if (eq == std::string::npos || eq == 0)
            return c.usage("expected VAR=VALUE, not '" + args[i] + "'.");
        for (std::size_t j = 1; j < i; ++j)
            if (args[j].compare(0, eq + 1, args[i], 0, eq + 1) == 0)
                return c.usage(args[i].substr(0, eq) + " is given more than once; give it once.");
        std::string error;
        if (!env.set(args[i].substr(0, eq), args[i].substr(eq + 1), &error))
            return c.usage(error + ".");
    }
    const NovaShPlan plan = planNovaSh(*command, env);
    auto &out = c.inv.out;
    out << "# sudo ./nova.sh " << novaShCommandName(*command)
        << " -- dry run: nothing is executed\n\nvariables:\n";
    for (const auto &v : plan.variables)
        out << "  " << v.name << '=' << v.value << "  (" << v.origin << ")\n";
    for (const auto &w : env.warnings())
        out << "  warning: " << w << '\n';
    out << "\nplan ('#' runs as root):\n";
    int n = 0;
    std::string phase;
    for (const auto &s : plan.steps) {
        if (s.phase != phase) {
            phase = s.phase;
            out << "  [" << phase << "]\n";
        }
        out << std::setw(4) << ++n << (s.root ? " # " : " $ ") << s.command << '\n';
        if (!s.note.empty())
            out << "        -- " << s.note << '\n';
    }
    if (!plan.windows.empty()) {
        out << "\nscreen session 'nova', windows:";
        for (const auto &w : plan.windows)
            out << ' ' << w.title;
        out << '\n';
    }
    if (plan.novaConf)
        out << "\nnova.conf (" << env.novaDir() << "/bin/nova.conf):\n" << *plan.novaConf;
    if (plan.novarc)
        out << "\nnovarc (" << env.novaDir() << "/novarc):\n" << *plan.novarc;
    if (plan.exitStatus != 0)
        out << "\nexit status " << plan.exitStatus << '\n';
    return cli::Ok;
}

int runSimulate(const Ctx &c, const std::vector<std::string> &args)
{
    cli::Options o;
    if (!parse(c, o, args, {"requests", "hosts", "scheduler", "seed", "zones"}, {"json"}))
        return cli::Usage;
    auto requests = intOption(c, o, "requests", 1, 10'000'000);
    if (!requests)
        return cli::Usage;
    auto hosts = intOption(c, o, "hosts", 1, 100'000);
    if (!hosts)
        return cli::Usage;
    auto schedText = required(c, o, "scheduler");
    if (!schedText)
        return cli::Usage;
    auto kind = parseSchedulerName(*schedText);
    if (!kind)
        return c.usage("unknown scheduler '" + *schedText + "'; use chance, zone or simple.");
    auto seed = intOption(c, o, "seed", 0, INT64_MAX, 1);
    if (!seed)
        return cli::Usage;
    auto zones = intOption(c, o, "zones", 1, 1000, 4);
    if (!zones)
        return cli::Usage;
    SimulationConfig cfg;
    cfg.scheduler = *kind;
    cfg.requests = static_cast<int>(*requests);
    cfg.hosts = static_cast<int>(*hosts);
    cfg.seed = static_cast<std::uint64_t>(*seed);
    cfg.zones = static_cast<int>(*zones);
    const SimulationResult r = simulateLaunches(cfg);
    auto &out = c.inv.out;
    if (o.has("json")) {
        wb::JsonWriter j(out);
        j.beginObject();
        j.key("scheduler").value(schedulerName(cfg.scheduler));
        j.key("seed").value(cfg.seed);
        j.key("requests").value(r.requests);
        j.key("hosts").value(cfg.hosts);
        j.key("placed").value(r.placed);
        j.key("failed").value(r.failed);
        j.key("no_valid_host").value(r.noValidHost);
        j.key("compute_rejected").value(r.computeRejected);
        j.key("simulated_seconds").value(r.simulatedSeconds);
        j.key("per_host").beginArray();
        for (const auto &h : r.hosts)
            j.value(h.placed);
        j.endArray();
        j.key("host_detail").beginArray();
        for (const auto &h : r.hosts) {
            j.beginObject();
            j.key("name").value(std::string_view(h.name));
            j.key("zone").value(std::string_view(h.zone)).key("up").value(h.up);
            j.key("vcpus").value(h.vcpus).key("memory_mb").value(h.memoryMb);
            j.key("placed").value(h.placed).key("peak_vcpus").value(h.peakVcpus);
            j.key("peak_memory_mb").value(h.peakMemoryMb);
            j.endObject();
        }
        j.endArray();
        j.key("phases").beginArray();
        for (const auto &p : r.phases) {
            j.beginObject();
            j.key("phase").value(std::string_view(p.phase));
            j.key("count").value(static_cast<std::uint64_t>(p.count));
            j.key("mean_ms").value(p.meanMs).key("p50_ms").value(p.p50Ms);
            j.key("p95_ms").value(p.p95Ms).key("max_ms").value(p.maxMs);
            j.endObject();
        }
        j.endArray();
        j.endObject();
        out << '\n';
        return cli::Ok;
    }
    out << "scheduler " << schedulerName(cfg.scheduler) << ", seed " << cfg.seed << ": "
        << r.requests << " requests over " << cfg.hosts << " hosts\n"
        << "placed " << r.placed << ", failed " << r.failed << " (NoValidHost " << r.noValidHost
        << ", rejected by compute " << r.computeRejected << ")\n";
    int maxPlaced = 0, minPlaced = r.requests, upHosts = 0;
    for (const auto &h : r.hosts)
        if (h.up) {
            ++upHosts;
            maxPlaced = std::max(maxPlaced, h.placed);
            minPlaced = std::min(minPlaced, h.placed);
        }
    out << "instances per up host: min " << (upHosts ? minPlaced : 0) << ", max " << maxPlaced
        << " (" << upHosts << " of " << cfg.hosts << " hosts up)\n"
        << "phase latency (ms):   mean      p50      p95      max\n";
    for (const auto &p : r.phases)
        out << "  " << std::left << std::setw(21) << p.phase << std::right << std::fixed
            << std::setprecision(1) << std::setw(7) << p.meanMs << std::setw(9) << p.p50Ms
            << std::setw(9) << p.p95Ms << std::setw(9) << p.maxMs << '\n';
    return cli::Ok;
}

// The control exchange (Nova's flag control_exchange) from --exchange, default "nova".
std::optional<std::string> exchangeOption(const Ctx &c, const cli::Options &o)
{
    const std::string name = o.valueOr("exchange", kControlExchange);
    if (name.empty() || name.size() > 200 || name.find_first_of(" \t\n") != std::string::npos) {
        c.usage("--exchange needs a name of 1 to 200 characters without spaces, not '" + name +
                "'.");
        return std::nullopt;
    }
    if (name.rfind("amq.", 0) == 0) { // RabbitMQ refuses to declare these: 403 ACCESS_REFUSED
        c.usage("--exchange " + name +
                ": names starting with `amq.` are reserved for the "
                "broker; choose another control exchange.");
        return std::nullopt;
    }
    return name;
}

void printLaunch(std::ostream &out, const LaunchResult &r, const std::string &setting, bool json)
{
    const Instance &inst = r.instance;
    const std::string ip = inst.fixedIp ? inst.fixedIp->toString() : std::string();
    const std::string mac = inst.mac ? inst.mac->toString() : std::string();
    if (json) {
        wb::JsonWriter j(out);
        j.beginObject();
        j.key("steps").beginArray();
        for (const auto &s : r.steps) {
            j.beginObject();
            j.key("n").value(s.n);
            j.key("from").value(std::string_view(s.from));
            j.key("to").value(std::string_view(s.to));
            j.key("kind").value(std::string_view(s.kind));
            j.key("method").value(std::string_view(s.method));
            j.key("routing_key").value(std::string_view(s.routingKey));
            j.endObject();
        }
        j.endArray();
        j.key("states").beginArray();
        for (const auto &st : r.states) {
            j.beginObject();
            j.key("vm_state").value(vmStateName(st.vmState));
            j.key("task_state").value(taskStateName(st.taskState));
            const LegacyState legacy = legacyState(st.vmState, st.taskState);
            j.key("state_description").value(legacy.description);
            j.key("power_state").value(legacy.powerState);
            j.endObject();
        }
        j.endArray();
        j.key("instance").beginObject();
        j.key("name").value(std::string_view(inst.name()));
        j.key("fixed_ip").value(std::string_view(ip));
        j.key("mac").value(std::string_view(mac));
        j.key("host").value(std::string_view(inst.host));
        j.endObject();
        j.endObject();
        out << '\n';
        return;
    }
    out << "launch of " << inst.name() << " (" << inst.type.name << ", " << inst.imageId << ") "
        << setting << "\n\n";
    for (const auto &s : r.steps)
        out << std::setw(2) << s.n << "  " << std::left << std::setw(6) << s.kind << std::setw(16)
            << s.from << "-> " << std::setw(16) << s.to << std::setw(30) << s.method << std::right
            << s.routingKey << '\n';
    out << "\nstates:";
    for (const auto &st : r.states)
        out << ' ' << vmStateName(st.vmState) << '/' << taskStateName(st.taskState);
    out << "\ninstance " << inst.name() << ": " << vmStateName(inst.vmState) << ", host "
        << (inst.host.empty() ? "-" : inst.host) << ", fixed_ip " << (ip.empty() ? "-" : ip)
        << ", mac " << mac << '\n';
    if (!r.error.empty())
        out << "error: " << r.error << '\n';
}

// --record FILE checked before anything runs (wb::cli::checkRecordTarget).
int recordTarget(const Ctx &c, const cli::Options &o)
{
    std::string refused;
    const int code = cli::checkRecordTarget(o, refused);
    if (code != cli::Ok)
        c.inv.err << "workbench-cli nova: " << c.command << ": " << refused << ".\n";
    return code;
}

// What the launch view keeps of a run (LaunchPage::recordingSettings): the scheduler, hosts
// and seed of a deployment started here, the broker (a URL without user or password), the
// launch's range of the trace and the sentence the view says of its outcome.
wb::Recording launchRecording(std::shared_ptr<const wb::Trace> trace, const LaunchOptions &lo,
                              bool remote, const LaunchResult &r)
{
    wb::Recording rec;
    rec.module = "nova";
    rec.view = "launch";
    if (!remote)
        rec.settings = {{"scheduler", std::string(schedulerName(lo.scheduler))},
                        {"hosts", std::to_string(lo.hosts)},
                        {"seed", std::to_string(lo.seed)}};
    if (lo.brokerUrl == "embedded")
        rec.settings.emplace_back("broker", "embedded");
    else {
        rec.settings.emplace_back("broker", "rabbitmq");
        if (const auto url = wb::messaging::BrokerUrl::parse(lo.brokerUrl))
            rec.settings.emplace_back("url", url->anonymous());
    }
    // The launch begins with the user's euca-run-instances reaching the API server.
    std::size_t begin = 0;
    for (std::size_t i = 0; i < trace->size(); ++i)
        if (const auto call = wb::as<events::Call>(trace->at(i)); call && call->from == "user") {
            begin = i;
            break;
        }
    rec.settings.emplace_back("launches",
                              std::to_string(begin) + "-" + std::to_string(trace->size()));
    const Instance &inst = r.instance;
    std::string outcome;
    if (r.states.empty())
        outcome = "Refused: " + r.error;
    else if (inst.vmState == VmState::Active)
        outcome = ec2InstanceId(inst.id) + " is running on " + inst.host + " with " +
                  (inst.fixedIp ? inst.fixedIp->toString() : std::string()) +
                  ". Press \u25B6 (or Space) to watch it again step by step.";
    else
        outcome = ec2InstanceId(inst.id) + " failed: " + r.error;
    rec.settings.emplace_back("outcome", outcome);
    rec.cursor = trace->size();
    rec.trace = std::move(trace);
    return rec;
}

int runLaunch(const Ctx &c, const std::vector<std::string> &args)
{
    cli::Options o;
    if (!parse(c, o, args, {"scheduler", "hosts", "seed", "broker", "exchange", "record"},
               {"json", "remote", "force"}))
        return cli::Usage;
    auto trace = std::make_shared<wb::Trace>();
    wb::Trace *recorded = o.has("record") ? trace.get() : nullptr;
    LaunchOptions lo;
    auto exchange = exchangeOption(c, o);
    if (!exchange)
        return cli::Usage;
    lo.controlExchange = *exchange;
    lo.brokerUrl = o.valueOr("broker", "embedded");
    std::optional<ConnectionFactory> remote;
    if (lo.brokerUrl != "embedded") {
        std::string why;
        remote = urlConnections(lo.brokerUrl, &why);
        if (!remote)
            return c.usage("--broker '" + lo.brokerUrl + "' is neither `embedded` nor an " +
                           "amqp:// URL: " + why);
    }
    std::string setting;
    LaunchResult r;
    if (o.has("remote")) {
        if (!remote)
            return c.usage("--remote drives components already running on a RabbitMQ node; "
                           "give its URL with --broker amqp://...");
        for (const char *own : {"scheduler", "hosts", "seed"})
            if (o.has(own))
                return c.usage(std::string("--") + own + " belongs to the running components " +
                               "(`nova component ...`), not to --remote.");
        setting = "on the running components, broker " +
                  wb::messaging::BrokerUrl::parse(lo.brokerUrl)->redacted();
        if (const int refused = recordTarget(c, o); refused != cli::Ok)
            return refused;
        r = launchOnComponents(lo, *remote, recorded);
    } else {
        const std::string schedText = o.valueOr("scheduler", "chance");
        auto kind = parseSchedulerName(schedText);
        if (!kind)
            return c.usage("unknown scheduler '" + schedText + "'; use chance, zone or simple.");
        lo.scheduler = *kind;
        auto hosts = intOption(c, o, "hosts", 1, 64, 3);
        if (!hosts)
            return cli::Usage;
        lo.hosts = static_cast<int>(*hosts);
        auto seed = intOption(c, o, "seed", 0, INT64_MAX, 1);
        if (!seed)
            return cli::Usage;
        lo.seed = static_cast<std::uint64_t>(*seed);
        setting = "with the " + std::string(schedulerName(lo.scheduler)) + " scheduler on " +
                  std::to_string(lo.hosts) + " hosts, broker " + lo.brokerUrl;
        if (const int refused = recordTarget(c, o); refused != cli::Ok)
            return refused;
        r = launchInstance(lo, recorded);
    }
    if (recorded && (r.finished || !r.states.empty()))
        if (const int written = cli::writeRecordingOption(
                o, launchRecording(trace, lo, o.has("remote"), r), o.has("force"), c.inv.err);
            written != cli::Ok)
            return written;
    if (!r.finished) {
        c.inv.err << "workbench-cli nova: launch: " << r.error << '\n';
        return cli::Failure;
    }
    if (r.states.empty()) { // refused before an instance existed
        c.inv.err << "workbench-cli nova: launch: " << r.error << '\n';
        return cli::Negative;
    }
    printLaunch(c.inv.out, r, setting, o.has("json"));
    return r.instance.vmState == VmState::Active ? cli::Ok : cli::Negative;
}

// SIGINT and SIGTERM end a component; the handler only sets this flag.
std::atomic<bool> g_stopRequested{false};

void requestStop(int)
{
    g_stopRequested.store(true);
}

// Installs requestStop for SIGINT and SIGTERM while it lives.
class StopSignals
{
public:
    StopSignals()
    {
        g_stopRequested = false;
        struct sigaction sa = {};
        sa.sa_handler = requestStop;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &m_oldInt);
        sigaction(SIGTERM, &sa, &m_oldTerm);
    }
    ~StopSignals()
    {
        sigaction(SIGINT, &m_oldInt, nullptr);
        sigaction(SIGTERM, &m_oldTerm, nullptr);
    }
    StopSignals(const StopSignals &) = delete;
    StopSignals &operator=(const StopSignals &) = delete;

private:
    struct sigaction m_oldInt = {};
    struct sigaction m_oldTerm = {};
};

// One line per step the component took (the events of its trace from `from` on).
std::size_t printSteps(std::ostream &out, const wb::Trace &trace, std::size_t from)
{
    for (; from < trace.size(); ++from) {
        const wb::Event &e = trace.at(from);
        // The kinds a component reports (and no other: walkPacket's "return" shares its name
        // with the broker's basic.return).
        using Reported = wb::EventSet<events::Cast, events::Call, events::Reply, events::Local,
                                      events::Service, events::State, events::ComponentError>;
        const auto message = [&]<class Name>(const events::RpcMessage<Name> &m) {
            out << m.n << ' ' << e.kind << ' ' << m.from << " -> " << m.to << ' ' << m.method
                << " [" << m.routingKey << "]\n";
        };
        const auto local = [&](const events::Local &l) {
            out << l.n << " local " << l.from << ' ' << l.method << ": " << l.detail << '\n';
        };
        const auto labelled = [&](const auto &) {
            out << e.kind << ' ' << e.label << '\n';
        };
        Reported::visit(e, events::Overloaded{message, local, labelled});
    }
    out.flush();
    return from;
}

int runComponent(const Ctx &c, const std::vector<std::string> &args)
{
    cli::Options o;
    if (!o.parse(args, {"broker", "host", "scheduler", "seed", "exchange", "vcpus", "zone"}, {},
                 cli::Positionals::exactly(1, "one component: api, scheduler, compute or "
                                              "network")))
        return c.usage(o.error() + "; see `workbench-cli nova --help`.");
    const auto role = parseRoleName(o.positionals().front());
    if (!role)
        return c.usage("unknown component '" + o.positionals().front() +
                       "'; use api, scheduler, compute or network.");
    const auto only = [&](const char *option, std::initializer_list<NovaRole> roles) {
        if (!o.has(option) || std::find(roles.begin(), roles.end(), *role) != roles.end())
            return true;
        c.usage(std::string("--") + option + " does not apply to the " +
                std::string(roleName(*role)) + " component.");
        return false;
    };
    if (!only("host", {NovaRole::Compute}) || !only("vcpus", {NovaRole::Compute}) ||
        !only("zone", {NovaRole::Compute}) || !only("scheduler", {NovaRole::Scheduler}) ||
        !only("seed", {NovaRole::Scheduler, NovaRole::Api}))
        return cli::Usage;
    const auto url = o.value("broker");
    if (!url || *url == "embedded")
        return c.usage("a component on its own needs a RabbitMQ URL (--broker amqp://...): the " +
                       std::string("embedded broker lives inside one process."));
    std::string why;
    auto connect = urlConnections(*url, &why);
    if (!connect)
        return c.usage("--broker '" + *url + "' is not an amqp:// URL: " + why);
    auto exchange = exchangeOption(c, o);
    if (!exchange)
        return cli::Usage;

    ComponentOptions co;
    co.role = *role;
    co.settings.controlExchange = *exchange;
    const std::string schedText = o.valueOr("scheduler", "chance");
    auto kind = parseSchedulerName(schedText);
    if (!kind)
        return c.usage("unknown scheduler '" + schedText + "'; use chance, zone or simple.");
    co.settings.scheduler = *kind;
    auto seed = intOption(c, o, "seed", 0, INT64_MAX, 1);
    if (!seed)
        return cli::Usage;
    co.settings.seed = static_cast<std::uint64_t>(*seed);
    if (*role == NovaRole::Compute) {
        // Nova's FLAGS.host defaults to the machine's name (here without its domain).
        char name[256] = {};
        gethostname(name, sizeof name - 1);
        const std::string shortName(name, std::strcspn(name, "."));
        co.host.name = o.valueOr("host", shortName);
        if (co.host.name.empty() || co.host.name.find_first_of(" \t\n.#*") != std::string::npos)
            return c.usage("--host needs a host name without spaces, dots, '#' or '*' (it "
                           "becomes the routing key compute.<host>), not '" +
                           co.host.name + "'.");
        if (co.host.name.size() > 255 - std::strlen("compute."))
            return c.usage("--host is " + std::to_string(co.host.name.size()) +
                           " bytes: the routing key compute.<host> would be longer than 255 "
                           "bytes (the AMQP 0-9-1 limit).");
        auto vcpus = intOption(c, o, "vcpus", 1, 1024, 16);
        if (!vcpus)
            return cli::Usage;
        co.host.vcpus = static_cast<int>(*vcpus);
        co.host.memoryMb = co.host.vcpus * 2048;
        co.host.zone = o.valueOr("zone", "nova");
    }

    wb::Trace trace;
    NovaComponent component(co, *connect, &trace);
    StopSignals signals;
    try {
        component.start();
    } catch (const std::exception &e) {
        c.inv.err << "workbench-cli nova: component: " << e.what() << '\n';
        return cli::Failure;
    }
    auto &out = c.inv.out;
    out << "nova " << roleName(*role) << ": consuming";
    for (const auto &q : component.queues())
        out << ' ' << q;
    out << " on exchange " << *exchange << " at "
        << wb::messaging::BrokerUrl::parse(*url)->redacted() << std::endl;
    std::size_t printed = 0;
    while (!g_stopRequested.load() && component.healthy()) {
        printed = printSteps(out, trace, printed);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const bool lost = !component.healthy();
    component.stop();
    printSteps(out, trace, printed);
    if (lost) {
        c.inv.err << "workbench-cli nova: component: lost the connection to the broker\n";
        return cli::Failure;
    }
    out << "nova " << roleName(*role) << ": stopped" << std::endl;
    return cli::Ok;
}

struct Command
{
    const char *name;
    std::function<int(const Ctx &, const std::vector<std::string> &)> run;
};

const std::vector<Command> kCommands{
    {"libvirt-xml", runLibvirtXml}, {"iptables", runIptables}, {"packet", runPacket},
    {"novash", runNovaSh},          {"simulate", runSimulate}, {"launch", runLaunch},
    {"component", runComponent},
};

int runNova(cli::Invocation &inv)
{
    if (inv.args.empty()) {
        inv.err << "workbench-cli nova: give a command; see `workbench-cli nova --help`.\n";
        return cli::Usage;
    }
    const std::vector<std::string> rest(inv.args.begin() + 1, inv.args.end());
    for (const auto &c : kCommands)
        if (inv.args.front() == c.name) {
            Ctx ctx{inv, c.name};
            try {
                return c.run(ctx, rest);
            } catch (const std::invalid_argument &e) {
                return ctx.usage(std::string(e.what()) + ".");
            }
        }
    inv.err << "workbench-cli nova: unknown command '" << inv.args.front()
            << "'; use libvirt-xml, iptables, packet, novash, simulate, launch or "
               "component.\n";
    return cli::Usage;
}

} // namespace

void wbRegisterCli_nova(wb::cli::Registry &registry)
{
    registry.add(
        {"nova", "OpenStack Nova: spawn internals, nova.sh, scheduling", kUsage, runNova});
}
