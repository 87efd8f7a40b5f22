#include "nova/core/image_plan.h"

#include "nova/core/events.h"

#include "workbench/core/trace.h"

namespace wb::nova {

std::optional<int> NbdPool::allocate()
{
    for (int i = 0; i < kDevices; ++i)
        if (!m_busy[i]) {
            m_busy[i] = true;
            return i;
        }
    return std::nullopt;
}

void NbdPool::release(int device)
{
    if (device >= 0 && device < kDevices)
        m_busy[device] = false;
}

bool NbdPool::busy(int device) const
{
    return device >= 0 && device < kDevices && m_busy[device];
}

ImagePlan planImagePreparation(const ImagePlanSpec &spec, NbdPool &pool, wb::Trace *trace)
{
    ImagePlan plan;
    const auto add = [&](ImageStep step) {
        if (trace) {
            std::string command;
            for (const auto &a : step.argv)
                command += (command.empty() ? "" : " ") + a;
            wb::record(trace,
                       events::ImageStep{spec.instanceName, step.phase, command, step.root,
                                         step.description},
                       command.empty() ? step.description : command);
        }
        plan.steps.push_back(std::move(step));
    };
    const std::string &base = spec.basePath;
    const std::string disk = base + "/disk";

    add({"write",
         {},
         "write libvirt.xml (the domain definition) to " + base + "/libvirt.xml",
         false,
         ""});
    for (const char *image : {"kernel", "ramdisk", "disk"})
        add({"copy",
             {"cp", std::string("<image cache>/") + image, base + "/" + image},
             std::string("copy the ") + image + " image for the hypervisor to use",
             false,
             ""});

    const bool injectNet = managerTraits(spec.manager).injectsNetworkConfig;
    add({"inject",
         {},
         injectNet
             ? "inject_data(disk, key, net): FlatManager writes the network configuration "
               "into the guest image as well as the key"
             : "inject_data(disk, key, net=None): with " + std::string(managerName(spec.manager)) +
                   " the address comes from DHCP, so only the key is injected "
                   "(partition=None: the kernel is a separate image)",
         false,
         ""});

    const auto device = pool.allocate();
    if (!device) {
        plan.ok = false;
        plan.error = "no free nbd device: all 16 (/dev/nbd0-15) are in use";
        add({"link", {}, plan.error, false, ""});
        return plan;
    }
    plan.nbdDevice = device;
    const std::string dev = NbdPool::path(*device);
    const std::string sysPid = "/sys/block/nbd" + std::to_string(*device) + "/pid";
    add({"link",
         {"sudo", "qemu-nbd", "-c", dev, disk},
         "_allocate_device() picked " + dev + "; qemu-nbd serves the image on it",
         true,
         "the command is built with string formatting; a native port passes an argument vector"});
    const int polls = spec.pidAppearsAfterPolls.value_or(11);
    for (int i = 1; i <= 10; ++i) {
        const bool up = i >= polls;
        add({"poll",
             {"test", "-e", sysPid},
             "poll " + std::to_string(i) + " of 10: " + sysPid +
                 (up ? " exists, the device is up" : " missing, sleep 1 s"),
             false,
             i == 1 ? "fixed one-second sleeps; better wait on the device with a timeout" : ""});
        if (up)
            break;
    }
    if (polls > 10) {
        plan.ok = false;
        plan.error = "nbd device " + dev + " did not show up";
        pool.release(*device);
        add({"unlink", {"sudo", "qemu-nbd", "-d", dev}, plan.error + "; disconnect it", true, ""});
        return plan;
    }
    add({"fsck-off",
         {"sudo", "tune2fs", "-c", "0", "-i", "0", dev},
         "turn off forced filesystem checks by mount count and by time interval",
         true,
         ""});
    add({"mount",
         {"sudo", "mount", dev, spec.mountDir},
         "mount the guest filesystem on the temporary directory fs",
         true,
         "mounting an untrusted image as root on the host is dangerous (crafted filesystem, "
         "symlinked /root/.ssh); use libguestfs, or cloud-init with the metadata service"});
    const std::string sshDir = spec.mountDir + "/root/.ssh";
    add({"ssh-dir",
         {"sudo", "mkdir", "-p", sshDir},
         "create root's .ssh (fine if it exists)",
         true,
         ""});
    add({"ssh-dir", {"sudo", "chown", "root", sshDir}, "owned by root", true, ""});
    add({"ssh-dir", {"sudo", "chmod", "700", sshDir}, "only root may enter it", true, ""});
    add({"ssh-key",
         {"sudo", "tee", "-a", sshDir + "/authorized_keys"},
         "append newline + key + newline: \"\\n" + spec.sshKey + "\\n\"",
         true,
         "authorized_keys keeps whatever mode tee creates, not 0600"});
    if (injectNet)
        add({"net",
             {"sudo", "tee", spec.mountDir + "/etc/network/interfaces"},
             "write the static network configuration for the guest",
             true,
             ""});
    add({"umount", {"sudo", "umount", dev}, "unmount the guest filesystem", true, ""});
    add({"unlink",
         {"sudo", "qemu-nbd", "-d", dev},
         "disconnect " + dev + "; image setup done",
         true,
         ""});
    pool.release(*device);
    return plan;
}

} // namespace wb::nova
