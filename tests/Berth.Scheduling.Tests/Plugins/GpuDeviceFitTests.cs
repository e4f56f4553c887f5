using Berth.Core.Specs;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

public class GpuDeviceFitTests
{
    private static SchedulerHarness Harness(params NodeSpec[] nodes) =>
        new(nodes, SchedulerHarness.Only([NodeResourcesFit.Name, GpuDeviceFit.Name]));

    [Fact]
    public void Filter_RefusesNode_WhenNoSingleDeviceHasRoomForTheShare()
    {
        // Two devices, each 600m used: 1.2 of 2 in total, so 700m fits the total but no single device (400m free each).
        var h = Harness(Node("g").Allocatable("nvidia.com/gpu", "2"));
        h.Place(Workload("a").Requests(("nvidia.com/gpu", "600m")), "g", "g");
        var result = h.Schedule(Workload().Requests(("nvidia.com/gpu", "700m")));
        Assert.False(result.IsPlaced);
        Assert.Equal([GpuDeviceFit.NoDeviceForShareReason], SchedulerHarness.ReasonsOf(result, "g"));
        Assert.Equal(1, result.Diagnostics.ExhaustedByResource["nvidia.com/gpu"]);
    }

    [Fact]
    public void Filter_RefusesNode_WhenSharesLeaveTooFewWholeDevices()
    {
        // Three 600m shares cannot share a device, so devices 0-2 keep 400m each and only device 3 is whole:
        // 2.2 devices free in total (NodeResourcesFit passes 2), but one wholly free device.
        var h = Harness(Node("g").Allocatable("nvidia.com/gpu", "4"));
        h.Place(Workload("share").Requests(("nvidia.com/gpu", "600m")), "g", "g", "g");
        var result = h.Schedule(Workload().Requests(("nvidia.com/gpu", "2")));
        Assert.False(result.IsPlaced);
        Assert.Equal([GpuDeviceFit.TooFewWholeDevicesReason], SchedulerHarness.ReasonsOf(result, "g"));
        Assert.True(h.Schedule(Workload().Requests(("nvidia.com/gpu", "1"))).IsPlaced);
    }

    [Fact]
    public void PreFilter_Skips_ReplicasWithoutGpus()
    {
        var h = Harness(Node("cpu-only"));
        var result = h.Schedule(Workload());
        Assert.Equal("cpu-only", result.NodeName);
        Assert.False(result.Diagnostics.RefusedByPlugin.ContainsKey(GpuDeviceFit.Name));
    }
}
