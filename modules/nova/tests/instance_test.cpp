// Instance names and the vm_state/task_state machine of a launch.
#include "nova/core/instance.h"

#include "workbench/core/trace.h"

#include <gtest/gtest.h>

using namespace wb::nova;

TEST(novaInstance, NamesUseEightHexDigits)
{
    EXPECT_EQ(instanceName(1), "instance-00000001");
    EXPECT_EQ(instanceName(26), "instance-0000001a");
    EXPECT_EQ(ec2InstanceId(1), "i-00000001");
    Instance inst;
    inst.id = 255;
    EXPECT_EQ(inst.name(), "instance-000000ff");
}

TEST(novaInstance, TinyFlavorIs512MibOneVcpu)
{
    const auto tiny = instanceTypeByName("m1.tiny").value();
    EXPECT_EQ(tiny.memoryMb, 512);
    EXPECT_EQ(tiny.vcpus, 1);
    EXPECT_EQ(instanceTypeByName("m1.xlarge").value().vcpus, 8);
    EXPECT_FALSE(instanceTypeByName("m1.huge"));
}

TEST(novaInstanceLifecycle, SuccessfulLaunchFollowsNovasOrder)
{
    wb::Trace trace;
    Instance inst;
    inst.id = 1;
    InstanceLifecycle life(inst, &trace);
    life.advance(TaskState::Networking);
    life.advance(TaskState::BlockDeviceMapping);
    life.advance(TaskState::Spawning);
    EXPECT_FALSE(inst.launchedAtNs);
    life.activate(1234);
    EXPECT_EQ(inst.vmState, VmState::Active);
    EXPECT_EQ(inst.taskState, TaskState::None);
    EXPECT_EQ(inst.launchedAtNs.value(), 1234);

    const std::vector<std::pair<std::string, std::string>> expected{
        {"building", "scheduling"},
        {"building", "networking"},
        {"building", "block_device_mapping"},
        {"building", "spawning"},
        {"active", "none"}};
    ASSERT_EQ(trace.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(trace[i].kind, "state");
        EXPECT_EQ(trace[i].stringField("vm_state"), expected[i].first);
        EXPECT_EQ(trace[i].stringField("task_state"), expected[i].second);
        EXPECT_EQ(trace[i].stringField("instance"), "instance-00000001");
    }
    EXPECT_EQ(life.history().size(), expected.size());
}

TEST(novaInstanceLifecycle, OutOfOrderStepsAreRefused)
{
    Instance inst;
    InstanceLifecycle life(inst);
    EXPECT_THROW(life.advance(TaskState::Spawning), std::logic_error);
    EXPECT_THROW(life.activate(0), std::logic_error);
    life.advance(TaskState::Networking);
    EXPECT_THROW(life.advance(TaskState::Networking), std::logic_error);
    EXPECT_THROW(life.advance(TaskState::None), std::logic_error);
}

TEST(novaInstanceLifecycle, FailureEndsInErrorNone)
{
    Instance inst;
    InstanceLifecycle life(inst);
    life.advance(TaskState::Networking);
    life.fail("no fixed IP left");
    EXPECT_EQ(inst.vmState, VmState::Error);
    EXPECT_EQ(inst.taskState, TaskState::None);
    EXPECT_FALSE(inst.launchedAtNs);
    EXPECT_THROW(life.advance(TaskState::BlockDeviceMapping), std::logic_error);
    EXPECT_THROW(life.fail("again"), std::logic_error);
}
