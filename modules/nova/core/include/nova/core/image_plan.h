#pragma once
// _create_image() and disk.inject_data() as a described plan: each command the 2011 driver
// would have run on the compute host, as an argument vector, with what it does. The plan is
// data; nothing in this module executes it.
//
// The nbd device pool (/dev/nbd0 .. /dev/nbd15) and the polling of /sys/block/nbdX/pid are
// simulated so a view can show a busy pool or a device that never shows up.

#include "nova/core/network.h"

#include <optional>
#include <string>
#include <vector>

namespace wb {
class Trace;
}

namespace wb::nova {

// The 16 network block devices of the host, handed out lowest free first.
class NbdPool
{
public:
    static constexpr int kDevices = 16;

    std::optional<int> allocate(); // nullopt when all 16 are busy
    void release(int device);
    bool busy(int device) const;
    static std::string path(int device) { return "/dev/nbd" + std::to_string(device); }

private:
    bool m_busy[kDevices] = {};
};

struct ImageStep
{
    std::string phase;             // "write", "copy", "link", "poll", "fsck-off", "mount", ...
    std::vector<std::string> argv; // as it would run; empty for steps inside the driver
    std::string description;
    bool root = false;   // ran through sudo
    std::string pitfall; // what is fragile or dangerous about it, if anything
};

struct ImagePlanSpec
{
    std::string instanceName = "instance-00000001";
    std::string basePath = "/opt/novascript/trunk/nova/..//instances/instance-00000001";
    std::string sshKey = "ssh-rsa AAAA... test";
    NetworkManagerKind manager = NetworkManagerKind::Vlan;
    std::string injectedNetwork; // the interfaces text FlatManager injects
    // Polls (of at most 10) after which /sys/block/nbdX/pid appears; nullopt = never.
    std::optional<int> pidAppearsAfterPolls = 1;
    std::string mountDir = "/tmp/tmpXXXXXX"; // the temporary directory `fs`
};

struct ImagePlan
{
    std::vector<ImageStep> steps;
    bool ok = true;
    std::string error; // "nbd device /dev/nbd0 did not show up"
    std::optional<int> nbdDevice;
};

// Builds the plan on the given pool: the device it takes is released again by the plan's
// disconnect step (or at the failure), so the pool ends as it started.
ImagePlan planImagePreparation(const ImagePlanSpec &spec, NbdPool &pool,
                               wb::Trace *trace = nullptr);

} // namespace wb::nova
