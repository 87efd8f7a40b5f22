// Image preparation and key injection (nova-launch.md §9) as a plan.
#include "nova/core/image_plan.h"

#include "workbench/core/trace.h"

#include <gtest/gtest.h>

using namespace wb::nova;

namespace {

std::string joined(const ImageStep &s)
{
    std::string out;
    for (const auto &a : s.argv)
        out += (out.empty() ? "" : " ") + a;
    return out;
}

} // namespace

TEST(novaImagePlan, VlanRunInjectsTheKeyThroughNbd0)
{
    NbdPool pool;
    wb::Trace trace;
    const ImagePlan plan = planImagePreparation(ImagePlanSpec{}, pool, &trace);
    ASSERT_TRUE(plan.ok);
    EXPECT_EQ(plan.nbdDevice.value(), 0);
    std::vector<std::string> commands;
    for (const auto &s : plan.steps)
        if (!s.argv.empty() && s.phase != "copy")
            commands.push_back(joined(s));
    const std::string base = "/opt/novascript/trunk/nova/..//instances/instance-00000001";
    const std::vector<std::string> expected{"sudo qemu-nbd -c /dev/nbd0 " + base + "/disk",
                                            "test -e /sys/block/nbd0/pid",
                                            "sudo tune2fs -c 0 -i 0 /dev/nbd0",
                                            "sudo mount /dev/nbd0 /tmp/tmpXXXXXX",
                                            "sudo mkdir -p /tmp/tmpXXXXXX/root/.ssh",
                                            "sudo chown root /tmp/tmpXXXXXX/root/.ssh",
                                            "sudo chmod 700 /tmp/tmpXXXXXX/root/.ssh",
                                            "sudo tee -a /tmp/tmpXXXXXX/root/.ssh/authorized_keys",
                                            "sudo umount /dev/nbd0",
                                            "sudo qemu-nbd -d /dev/nbd0"};
    EXPECT_EQ(commands, expected);
    EXPECT_EQ(plan.steps.front().phase, "write");
    int copies = 0;
    for (const auto &s : plan.steps)
        copies += s.phase == "copy";
    EXPECT_EQ(copies, 3); // kernel, ramdisk (initrd), disk: not four
    EXPECT_EQ(trace.size(), plan.steps.size());
    EXPECT_FALSE(pool.busy(0)); // released by the disconnect
}

TEST(novaImagePlan, DeviceThatNeverShowsUpFailsAfterTenPolls)
{
    NbdPool pool;
    ImagePlanSpec spec;
    spec.pidAppearsAfterPolls.reset();
    const ImagePlan plan = planImagePreparation(spec, pool);
    EXPECT_FALSE(plan.ok);
    EXPECT_EQ(plan.error, "nbd device /dev/nbd0 did not show up");
    int polls = 0;
    for (const auto &s : plan.steps)
        polls += s.phase == "poll";
    EXPECT_EQ(polls, 10);
    EXPECT_FALSE(pool.busy(0));
}

TEST(novaImagePlan, BusyPoolGivesTheNextDeviceAndSixteenIsTheLimit)
{
    NbdPool pool;
    for (int i = 0; i < 3; ++i)
        pool.allocate();
    EXPECT_EQ(planImagePreparation(ImagePlanSpec{}, pool).nbdDevice.value(), 3);
    for (int i = 3; i < NbdPool::kDevices; ++i)
        pool.allocate();
    const ImagePlan plan = planImagePreparation(ImagePlanSpec{}, pool);
    EXPECT_FALSE(plan.ok);
    EXPECT_NE(plan.error.find("all 16"), std::string::npos);
}

TEST(novaImagePlan, FlatManagerAlsoInjectsTheNetwork)
{
    NbdPool pool;
    ImagePlanSpec spec;
    spec.manager = NetworkManagerKind::Flat;
    const ImagePlan plan = planImagePreparation(spec, pool);
    bool net = false;
    for (const auto &s : plan.steps)
        net |= s.phase == "net";
    EXPECT_TRUE(net);
    spec.manager = NetworkManagerKind::FlatDhcp;
    for (const auto &s : planImagePreparation(spec, pool).steps)
        EXPECT_NE(s.phase, "net");
}
