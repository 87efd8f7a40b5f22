// nova-compute (queue "compute.<host>"): the fixed IP from the network controller, the
// host's VLAN and bridge, and the spawn (libvirt XML, iptables rules, the image plan).
#include "launch_actor.h"

#include "nova/core/image_plan.h"
#include "nova/core/iptables.h"
#include "nova/core/libvirt_xml.h"
#include "nova/core/network.h"

#include <set>

namespace wb::nova::detail {

using namespace std::chrono_literals;

namespace {

// Nova's report_interval flag.
constexpr auto kReportInterval = 10s;

class ComputeWorker : public Actor
{
public:
    ComputeWorker(NovaDeployment::Impl &d, ComputeHost host, std::int32_t thread)
        : Actor(d, "compute." + host.name, thread), m_host(std::move(host))
    {}

protected:
    int replyStep() const override { return 4; }

    // On its own, the worker tells the database about its host (Nova's report_state).
    void onStart() override { report(true); }
    void onPoll() override
    {
        if (std::chrono::steady_clock::now() >= m_nextReport)
            report(true);
    }
    void onStop() override { report(false); }

    RpcArgs handle(const RpcRequest &r) override
    {
        if (r.method != "run_instance")
            throw NovaError("UnknownMethod", "compute has no method " + r.method);
        const std::int64_t id = rpcInt(r.args, "instance_id");
        local(4, "run_instance", "instance " + std::to_string(id));
        Instance inst = db().instanceGet(id).instance;
        if (m_running.count(id) || inst.vmState == VmState::Active) {
            local(4, "already_running", inst.name() + " is already running");
            return {};
        }
        if (const std::string why = db().hostReserve(m_host.name, inst.type); !why.empty()) {
            local(4, "rejected", why);
            db().instanceFail(id, why);
            return {};
        }

        db().instanceAdvance(id, TaskState::Networking, {});
        RpcArgs lease;
        try {
            lease = rpc().call(5, "network", "network",
                               {"allocate_fixed_ip",
                                {{"instance_id", id}, {"project", inst.project}},
                                contextOf(r),
                                {}},
                               m_d.options.rpcTimeout);
        } catch (const RpcStopped &) {
            throw;
        } catch (const std::exception &e) {
            local(8, "allocate_fixed_ip failed", e.what(), "network");
            db().hostRelease(m_host.name, inst.type);
            db().instanceFail(id, std::string("RemoteError: ") + e.what());
            return {};
        }
        const std::string address = rpcString(lease, "address");
        local(8, "fixed_ip", address + " on " + rpcString(lease, "cidr"));

        Network net;
        net.label = rpcString(lease, "label");
        net.cidr = Ipv4Network::parse(rpcString(lease, "cidr")).value_or(Ipv4Network{});
        net.gateway = Ipv4Address::parse(rpcString(lease, "gateway")).value_or(Ipv4Address{});
        net.broadcast = Ipv4Address::parse(rpcString(lease, "broadcast")).value_or(Ipv4Address{});
        net.netmask = Ipv4Address::parse(rpcString(lease, "netmask")).value_or(Ipv4Address{});
        net.dhcpStart = Ipv4Address::parse(rpcString(lease, "dhcp_start")).value_or(Ipv4Address{});
        net.bridge = rpcString(lease, "bridge");
        if (rpcInt(lease, "vlan", -1) >= 0)
            net.vlan = static_cast<int>(rpcInt(lease, "vlan"));
        const bool freshBridge = m_bridges.insert(net.bridge).second;
        local(9, "setup_compute_network",
              (net.vlan ? "vlan" + std::to_string(*net.vlan) + ", " : std::string()) + "bridge " +
                  net.bridge + (freshBridge ? " created" : " exists"));

        db().instanceAdvance(id, TaskState::BlockDeviceMapping, address);
        local(9, "block_device_mapping", "no volumes to attach");
        db().instanceAdvance(id, TaskState::Spawning, {});
        inst = db().instanceGet(id).instance;

        // spawn(): to_xml, the firewall, _create_image, createXML.
        const DomainSpec spec = domainSpecFor(inst, net, *MacAddress::parse(kRecordedHostMac));
        const std::string xml = toDomainXml(spec, m_d.trace);
        local(9, "to_xml",
              spec.name + ", " + std::to_string(spec.memoryKib) + " KiB, " +
                  std::to_string(spec.vcpus) + " vcpu");
        const Ruleset rules =
            buildRuleset(RulesetSpec::recorded(static_cast<int>(id), *inst.fixedIp, net.cidr));
        local(9, "apply_ruleset",
              std::to_string(rules.rules.size()) + " rules in " +
                  std::to_string(rules.chains.size()) + " chains");
        ImagePlanSpec imageSpec;
        imageSpec.instanceName = inst.name();
        imageSpec.basePath = spec.basePath;
        imageSpec.manager = NetworkManagerKind::Vlan;
        const ImagePlan plan = planImagePreparation(imageSpec, m_nbd, m_d.trace);
        local(9, "_create_image",
              std::to_string(plan.steps.size()) + " steps" + (plan.ok ? "" : ": " + plan.error));
        if (!plan.ok) {
            db().hostRelease(m_host.name, inst.type);
            db().instanceFail(id, plan.error);
            return {};
        }
        local(9, "createXML", "domain " + spec.name + " started");
        m_running.insert(id);
        db().instanceActivate(id, xml, rules.text());
        return {};
    }

private:
    void report(bool up)
    {
        if (m_d.db)
            return; // one process: the host table came with the deployment
        ComputeHost h = m_host;
        h.up = up;
        db().serviceUpdate(h);
        m_nextReport = std::chrono::steady_clock::now() + kReportInterval;
    }

    ComputeHost m_host;
    std::chrono::steady_clock::time_point m_nextReport{};
    std::set<std::int64_t> m_running;
    std::set<std::string> m_bridges;
    NbdPool m_nbd;
};

} // namespace

std::unique_ptr<Actor> makeComputeWorker(NovaDeployment::Impl &d, ComputeHost host,
                                         std::int32_t thread)
{
    return std::make_unique<ComputeWorker>(d, std::move(host), thread);
}

} // namespace wb::nova::detail
