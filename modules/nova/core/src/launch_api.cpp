// nova-api: the API server (the EC2 API, queue "api") and the cloud controller (queue
// "cloud"), which checks the request and creates the instance in the database.
#include "launch_actor.h"

#include "workbench/core/rng.h"

namespace wb::nova::detail {

namespace {

class ApiServer : public Actor
{
public:
    using Actor::Actor;

protected:
    RpcArgs handle(const RpcRequest &r) override
    {
        if (r.method != "run_instances")
            throw NovaError("UnknownMethod", "api has no method " + r.method);
        const std::string key = rpcString(r.args, "key_name");
        const std::string type = rpcString(r.args, "instance_type");
        {
            std::lock_guard lock(m_d.db->mutex);
            if (!m_d.db->keyPairs.count(key))
                throw NovaError("KeyPairNotFound", "key pair '" + key + "' not found");
        }
        if (!instanceTypeByName(type))
            throw NovaError("InstanceTypeNotFound", "unknown instance type '" + type + "'");
        local(1, "run_instances",
              "key " + key + ", type " + type + ", image " + rpcString(r.args, "image_id"));
        RpcRequest create{"run_instances", r.args, contextOf(r), {}};
        return rpc().call(1, "cloud", "cloud", create, m_d.options.rpcTimeout);
    }
};

class CloudController : public Actor
{
public:
    CloudController(NovaDeployment::Impl &d, std::string name, std::int32_t thread)
        : Actor(d, std::move(name), thread), m_rng(d.options.seed ^ 0x6d61632d6e6f7661ULL)
    {}

protected:
    RpcArgs handle(const RpcRequest &r) override
    {
        if (r.method != "run_instances")
            throw NovaError("UnknownMethod", "cloud has no method " + r.method);
        const std::string user = rpcString(r.context, "user");
        const std::string project = rpcString(r.context, "project");
        const auto type = instanceTypeByName(rpcString(r.args, "instance_type"));
        if (!type)
            throw NovaError("InstanceTypeNotFound",
                            "unknown instance type '" + rpcString(r.args, "instance_type") + "'");
        LocalDb &db = *m_d.db;
        Instance created;
        {
            std::lock_guard lock(db.mutex);
            auto u = db.userProjects.find(user);
            if (u == db.userProjects.end() || !u->second.count(project))
                throw NovaError("NotAuthorized", "user '" + user +
                                                     "' is not a member of project '" + project +
                                                     "'");
            local(1, "authorize", user + " in project " + project);

            int inUse = 0;
            for (const auto &[id, inst] : db.instances)
                if (inst.project == project && inst.type.name == type->name &&
                    inst.vmState != VmState::Error)
                    ++inUse;
            if (inUse + 1 > m_d.options.quotaInstances)
                throw NovaError("QuotaError",
                                "instance quota exceeded for " + type->name + " in project " +
                                    project + " (" + std::to_string(inUse) + " of " +
                                    std::to_string(m_d.options.quotaInstances) + ")");
            local(1, "check_quota",
                  type->name + ": " + std::to_string(inUse + 1) + " of " +
                      std::to_string(m_d.options.quotaInstances));

            const bool fresh = db.securityGroups.insert(project + "/default").second;
            local(1, "ensure_default_security_group",
                  fresh ? "created default" : "default exists");

            Instance inst;
            inst.id = db.nextId++;
            inst.project = project;
            inst.user = user;
            inst.keyName = rpcString(r.args, "key_name");
            inst.imageId = rpcString(r.args, "image_id");
            inst.type = *type;
            inst.availabilityZone = rpcString(r.args, "availability_zone");
            inst.mac = generateInstanceMac(m_rng);
            inst.hostname = ec2InstanceId(inst.id);
            created = db.create(std::move(inst));
            local(1, "create_instance",
                  created.name() + ", mac " + created.mac->toString() + ", hostname " +
                      created.hostname);
        }
        relay(stateEvent(created));
        RpcRequest cast{"run_instance",
                        {{"topic", std::string("compute")},
                         {"instance_id", created.id},
                         {"availability_zone", created.availabilityZone}},
                        contextOf(r),
                        {}};
        rpc().cast(2, "scheduler", "scheduler", cast);
        return {{"instance_id", created.id},
                {"name", created.name()},
                {"ec2_id", ec2InstanceId(created.id)},
                {"mac", created.mac->toString()},
                {"hostname", created.hostname}};
    }

private:
    wb::Rng m_rng;
};

} // namespace

std::unique_ptr<Actor> makeApiServer(NovaDeployment::Impl &d, std::string name,
                                     std::int32_t thread)
{
    return std::make_unique<ApiServer>(d, std::move(name), thread);
}

std::unique_ptr<Actor> makeCloudController(NovaDeployment::Impl &d, std::string name,
                                           std::int32_t thread)
{
    return std::make_unique<CloudController>(d, std::move(name), thread);
}

} // namespace wb::nova::detail
