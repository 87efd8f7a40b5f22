#pragma once
// Internal: Nova's database as the components of a launch see it. In one process they share
// a LocalDb; in separate processes the api process keeps the LocalDb and serves it on the
// topic "db" (DbServer, launch_db.cpp), and the other components reach it through a DbClient.

#include "launch_records.h"

#include "nova/core/rpc.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace wb::nova::detail {

// An exception a component raises on purpose; its type travels in the reply's failure.
class NovaError : public std::runtime_error
{
public:
    NovaError(std::string type, const std::string &text)
        : std::runtime_error(text), m_type(std::move(type))
    {}
    const std::string &type() const { return m_type; }

private:
    std::string m_type;
};

// What the components need of Nova's database: in one process they share a LocalDb, in
// separate processes they reach the api process's LocalDb through a DbClient.
class Database
{
public:
    virtual ~Database() = default;
    virtual InstanceRecord instanceGet(std::int64_t id) = 0;
    // The compute services the scheduler may pick from, sorted by host name.
    virtual std::vector<ComputeHost> computeHosts() = 0;
    virtual void instanceSetHost(std::int64_t id, const std::string &host) = 0;
    // Claims the instance's cores and memory on the host; why not, when it has no room.
    virtual std::string hostReserve(const std::string &host, const InstanceType &type) = 0;
    virtual void hostRelease(const std::string &host, const InstanceType &type) = 0;
    // The next task_state; the fixed IP with it when not empty.
    virtual void instanceAdvance(std::int64_t id, TaskState next, const std::string &fixedIp) = 0;
    virtual void instanceActivate(std::int64_t id, const std::string &xml,
                                  const std::string &rules) = 0;
    virtual void instanceFail(std::int64_t id, const std::string &reason) = 0;
    // A compute service reports its host (report_state): up, zone, capacity.
    virtual void serviceUpdate(const ComputeHost &host) = 0;
};

class LocalDb final : public Database
{
public:
    LocalDb(wb::Trace *trace, std::vector<ComputeHost> hostTable)
        : hosts(std::move(hostTable)), m_trace(trace)
    {}

    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::map<std::int64_t, Instance> instances; // node-stable: lifecycles refer into it
    std::map<std::int64_t, std::unique_ptr<InstanceLifecycle>> lifecycles;
    std::map<std::int64_t, std::string> failReason, xml, rules;
    std::vector<ComputeHost> hosts;
    std::map<std::string, std::chrono::steady_clock::time_point> reported; // by service_update
    std::set<std::string> keyPairs;
    std::set<std::string> securityGroups; // "project/name"
    std::map<std::string, std::set<std::string>> userProjects{{"admin", {"admin"}}};
    std::int64_t nextId = 1;

    InstanceRecord instanceGet(std::int64_t id) override;
    std::vector<ComputeHost> computeHosts() override;
    void instanceSetHost(std::int64_t id, const std::string &host) override;
    std::string hostReserve(const std::string &host, const InstanceType &type) override;
    void hostRelease(const std::string &host, const InstanceType &type) override;
    void instanceAdvance(std::int64_t id, TaskState next, const std::string &fixedIp) override;
    void instanceActivate(std::int64_t id, const std::string &domainXml,
                          const std::string &ruleset) override;
    void instanceFail(std::int64_t id, const std::string &reason) override;
    void serviceUpdate(const ComputeHost &report) override;

    // Creates the instance building/scheduling (the cloud controller, under `mutex`).
    Instance &create(Instance inst);

private:
    ComputeHost *find(const std::string &name);

    // Lifecycle operations run under the lock and wake waitFinished().
    template <class F> void withLifecycle(std::int64_t id, F &&f);

    wb::Trace *m_trace;
};

// The database of the api process, over the bus: rpc.call (service_update: rpc.cast) on the
// topic "db". These calls stand in for SQL, so they are not recorded as steps.
class DbClient final : public Database
{
public:
    DbClient(wb::messaging::Channel &channel, const std::string &self, const std::string &exchange,
             std::chrono::milliseconds timeout, const std::atomic<bool> *stop);

    InstanceRecord instanceGet(std::int64_t id) override;
    std::vector<ComputeHost> computeHosts() override;
    void instanceSetHost(std::int64_t id, const std::string &host) override;
    std::string hostReserve(const std::string &host, const InstanceType &type) override;
    void hostRelease(const std::string &host, const InstanceType &type) override;
    void instanceAdvance(std::int64_t id, TaskState next, const std::string &fixedIp) override;
    void instanceActivate(std::int64_t id, const std::string &xml,
                          const std::string &rules) override;
    void instanceFail(std::int64_t id, const std::string &reason) override;
    void serviceUpdate(const ComputeHost &host) override;

private:
    RpcArgs call(const std::string &method, RpcArgs args);

    RpcEndpoint m_rpc;
    std::chrono::milliseconds m_timeout;
};

} // namespace wb::nova::detail
