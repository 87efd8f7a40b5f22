// nova-scheduler (queue "scheduler"): picks a compute host for the instance and casts to it.
#include "launch_actor.h"

#include "workbench/core/rng.h"

namespace wb::nova::detail {

namespace {

class SchedulerActor : public Actor
{
public:
    SchedulerActor(NovaDeployment::Impl &d, std::string name, std::int32_t thread)
        : Actor(d, std::move(name), thread), m_rng(d.options.seed)
    {}

protected:
    int replyStep() const override { return 3; }
    RpcArgs handle(const RpcRequest &r) override
    {
        if (r.method != "run_instance")
            throw NovaError("UnknownMethod", "scheduler has no method " + r.method);
        const std::int64_t id = rpcInt(r.args, "instance_id");
        const std::string topic = rpcString(r.args, "topic");
        const Instance inst = db().instanceGet(id).instance;
        ScheduleRequest req;
        req.instanceId = id;
        req.vcpus = inst.type.vcpus;
        req.memoryMb = inst.type.memoryMb;
        req.zone = rpcString(r.args, "availability_zone");
        const std::vector<ComputeHost> hosts = db().computeHosts();
        std::size_t chosen = 0;
        try {
            chosen = schedule(m_d.options.scheduler, hosts, req, m_rng, {}, m_d.trace);
        } catch (const NoValidHost &e) {
            local(3, "NoValidHost", e.what());
            db().instanceFail(id, std::string("NoValidHost: ") + e.what());
            return {};
        }
        const std::string host = hosts[chosen].name;
        db().instanceSetHost(id, host);
        local(3, "schedule",
              std::string(schedulerName(m_d.options.scheduler)) + " picked " + host);
        const std::string key = topic + "." + host; // db.queue_get_for(context, topic, host)
        rpc().cast(3, key, key, {"run_instance", {{"instance_id", id}}, contextOf(r), {}});
        return {};
    }

private:
    wb::Rng m_rng;
};

} // namespace

std::unique_ptr<Actor> makeScheduler(NovaDeployment::Impl &d, std::string name,
                                     std::int32_t thread)
{
    return std::make_unique<SchedulerActor>(d, std::move(name), thread);
}

} // namespace wb::nova::detail
