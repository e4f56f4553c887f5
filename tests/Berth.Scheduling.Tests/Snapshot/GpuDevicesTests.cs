using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Snapshot;

public class GpuDevicesTests
{
    [Fact]
    public void Place_GivesWholeDevices_LowestIndexFirst()
    {
        var h = new SchedulerHarness([Node("g").Allocatable("nvidia.com/gpu", "4")]);
        var info = h.Snapshot.Compile(Workload().Requests(("nvidia.com/gpu", "2")));
        Assert.Equal([0, 1], h.Snapshot.Place(info, 0, "a").Devices);
        Assert.Equal([2, 3], h.Snapshot.Place(info, 0, "b").Devices);
        Assert.Equal(0, h.Snapshot.Gpus.Free(0, 3));
    }

    [Fact]
    public void Place_PutsAShareOnTheFullestDeviceItFits()
    {
        // Device 0 holds 700m after the first share, device 1 is whole; a 300m share fits both: best fit picks device 0.
        var h = new SchedulerHarness([Node("g").Allocatable("nvidia.com/gpu", "2")]);
        var big = h.Snapshot.Compile(Workload().Requests(("nvidia.com/gpu", "700m")));
        var small = h.Snapshot.Compile(Workload().Requests(("nvidia.com/gpu", "300m")));
        Assert.Equal([0], h.Snapshot.Place(big, 0, "big").Devices);
        Assert.Equal([0], h.Snapshot.Place(small, 0, "small").Devices);
        Assert.Equal(0, h.Snapshot.Gpus.Free(0, 0));
        Assert.Equal(1000, h.Snapshot.Gpus.Free(0, 1));
    }

    [Fact]
    public void Remove_ReleasesTheDevices()
    {
        var h = new SchedulerHarness([Node("g").Allocatable("nvidia.com/gpu", "1")]);
        var share = h.Snapshot.Compile(Workload().Requests(("nvidia.com/gpu", "400m")));
        var placed = h.Snapshot.Place(share, 0, "s");
        Assert.Equal(600, h.Snapshot.Gpus.Free(0, 0));
        h.Snapshot.Remove(placed);
        Assert.Equal(1000, h.Snapshot.Gpus.Free(0, 0));
    }

    [Fact]
    public void Place_HoldsNoDevice_WhenAlreadyRunningReplicasOvercommitTheNode()
    {
        // A scenario's placed entries are facts, not decisions: they count in totals even where devices are short.
        var h = new SchedulerHarness([Node("g").Allocatable("nvidia.com/gpu", "1")]);
        var whole = h.Snapshot.Compile(Workload().Requests(("nvidia.com/gpu", "1")));
        Assert.Equal([0], h.Snapshot.Place(whole, 0, "a").Devices);
        Assert.Empty(h.Snapshot.Place(whole, 0, "b").Devices);
        Assert.Equal(2000, h.Snapshot.Resource("nvidia.com/gpu")!.Requested(0));
    }

    [Fact]
    public void Nodes_WithoutGpus_HaveNoDevices()
    {
        var h = new SchedulerHarness([Node("cpu"), Node("g").Allocatable("nvidia.com/gpu", "8")]);
        Assert.Equal(0, h.Snapshot.Gpus.DeviceCount(0));
        Assert.Equal(8, h.Snapshot.Gpus.DeviceCount(1));
    }

    [Fact]
    public void Place_KeepsTheDevicesAReplicaAlreadyHolds()
    {
        var h = new SchedulerHarness([Node("g").Allocatable("nvidia.com/gpu", "4")]);
        var whole = h.Snapshot.Compile(Workload().Requests(("nvidia.com/gpu", "2")));
        Assert.Equal([1, 3], h.Snapshot.Place(whole, 0, "stored", devices: [1, 3]).Devices);
        Assert.Equal([0, 2], h.Snapshot.Place(whole, 0, "new").Devices);
    }

    [Theory]
    [InlineData(new[] { 7 })]
    [InlineData(new[] { 0, 0 })]
    [InlineData(new[] { 0 })]
    public void Place_TakesNoDevice_WhenTheHeldDevicesAreNotAvailable(int[] devices)
    {
        // Device 7 does not exist; [0, 0] names one device twice; [0] is one device for a two-device request.
        var h = new SchedulerHarness([Node("g").Allocatable("nvidia.com/gpu", "4")]);
        var whole = h.Snapshot.Compile(Workload().Requests(("nvidia.com/gpu", "2")));
        Assert.Empty(h.Snapshot.Place(whole, 0, "stored", devices: devices).Devices);
        Assert.Equal(1000, h.Snapshot.Gpus.Free(0, 0));
    }
}
