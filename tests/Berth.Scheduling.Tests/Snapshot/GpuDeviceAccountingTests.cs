using Berth.Scheduling.Simulation;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Snapshot;

/// <summary>Device-level GPU accounting through the whole default pipeline: shares, whole devices, models.</summary>
public class GpuDeviceAccountingTests
{
    private static SchedulerHarness Harness(params Berth.Core.Specs.NodeSpec[] nodes) =>
        new(nodes, SchedulerHarness.DefaultWithoutPreemption());

    [Fact]
    public void Shares_FillOneDeviceToExactlyAThousand_ThenRefuseAnyMore()
    {
        var h = Harness(Node("g").Allocatable("nvidia.com/gpu", "1"));
        Assert.Equal(["g", "g", "g"], h.ScheduleAll(Workload("a").Requests(("nvidia.com/gpu", "300m")).Replicas(3)));
        Assert.Equal(["g"], h.ScheduleAll(Workload("b").Requests(("nvidia.com/gpu", "100m"))));
        Assert.Equal(0, h.Snapshot.Gpus.Free(0, 0));
        Assert.Equal(1000, h.Snapshot.Resource("nvidia.com/gpu")!.Requested(0));
        Assert.Equal([null], h.ScheduleAll(Workload("c").Requests(("nvidia.com/gpu", "1m"))));
    }

    [Fact]
    public void Shares_NeverOvercommitADevice()
    {
        // 400m shares: two fit one device (800m), a third would be 1200m, so each device takes two and the rest wait.
        var h = Harness(Node("g").Allocatable("nvidia.com/gpu", "2"));
        var chosen = h.ScheduleAll(Workload("s").Requests(("nvidia.com/gpu", "400m")).Replicas(5));
        Assert.Equal(4, chosen.Count(c => c == "g"));
        Assert.Null(chosen[4]);
        Assert.Equal([200, 200], new[] { h.Snapshot.Gpus.Free(0, 0), h.Snapshot.Gpus.Free(0, 1) });
        foreach (var replica in h.Snapshot.ReplicasOn(0))
        {
            Assert.Single(replica.Devices);
        }
    }

    [Fact]
    public void WholeDevices_SkipPartlyUsedDevices_AllOnOneNode()
    {
        var h = Harness(Node("g").Allocatable("nvidia.com/gpu", "4"));
        h.ScheduleAll(Workload("share").Requests(("nvidia.com/gpu", "100m")));
        int shared = h.Snapshot.ReplicasOn(0)[0].Devices[0];
        Assert.Equal(["g"], h.ScheduleAll(Workload("whole").Requests(("nvidia.com/gpu", "3"))));
        var whole = h.Snapshot.ReplicasOn(0)[1].Devices;
        Assert.Equal(3, whole.Count);
        Assert.DoesNotContain(shared, whole);
        // 900m is free on the shared device, but a whole device asks for all of one.
        Assert.Equal([null], h.ScheduleAll(Workload("more").Requests(("nvidia.com/gpu", "1"))));
    }

    [Fact]
    public void WholeDevices_NeverSplitAcrossNodes()
    {
        // One device used on each node: two devices are free in the cluster, but not on one node.
        var h = Harness(Node("a").Allocatable("nvidia.com/gpu", "2"), Node("b").Allocatable("nvidia.com/gpu", "2"));
        h.Place(Workload("one").Requests(("nvidia.com/gpu", "1")), "a", "b");
        Assert.Equal([null], h.ScheduleAll(Workload("two").Requests(("nvidia.com/gpu", "2"))));
        Assert.Equal(["a"], h.ScheduleAll(Workload("single").Requests(("nvidia.com/gpu", "1"))));
    }

    [Fact]
    public void ModelConstraint_IsNodeAffinityOnGpuModel()
    {
        var h = Harness(
            Node("t4").Allocatable("nvidia.com/gpu", "2").Label("gpu.model", "T4"),
            Node("v100").Allocatable("nvidia.com/gpu", "2").Label("gpu.model", "V100M32"));
        var affinity = new Berth.Core.Specs.NodeAffinity(new Berth.Core.Labels.NodeSelector([new Berth.Core.Labels.NodeSelectorTerm(
            [new Berth.Core.Labels.LabelRequirement("gpu.model", Berth.Core.Labels.SelectorOperator.In, ["V100M32", "V100M16"])], [])]), []);
        Assert.Equal(["v100", "v100", null], h.ScheduleAll(Workload("v").Requests(("nvidia.com/gpu", "1")).NodeAffinity(affinity).Replicas(3)));
        Assert.Equal(["t4"], h.ScheduleAll(Workload("s").Requests(("nvidia.com/gpu", "1")).NodeSelector("gpu.model", "T4")));
    }

    [Fact]
    public void Simulate_ReportsDevices_AndHonoursTheModel()
    {
        var report = new Simulator().Run(ScenarioReader.Read("""
            nodes:
              - {name: t4, labels: {gpu.model: T4}, allocatable: {cpu: "8", memory: 32Gi, nvidia.com/gpu: 2}}
              - {name: a100, labels: {gpu.model: A100}, allocatable: {cpu: "8", memory: 32Gi, nvidia.com/gpu: 4}}
            workloads:
              - name: train
                requests: {cpu: "1", memory: 1Gi, nvidia.com/gpu: 2}
                affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: gpu.model, operator: In, values: [A100]}]}]}}}
              - {name: infer, replicas: 2, requests: {cpu: 100m, memory: 100Mi, nvidia.com/gpu: 500m}, nodeSelector: {gpu.model: T4}}
              - {name: web, requests: {cpu: 100m, memory: 100Mi}}
            """));
        Assert.Equal("a100", report.Placements[0].Node);
        Assert.Equal(2, report.Placements[0].Devices!.Count);
        // Two halves fill one T4 device exactly rather than opening the second.
        Assert.Equal(["t4", "t4"], report.Placements.Skip(1).Take(2).Select(p => p.Node));
        Assert.Equal(report.Placements[1].Devices, report.Placements[2].Devices);
        Assert.Null(report.Placements[3].Devices);
    }

    [Fact]
    public void Example_GpuFragmentation_KeepsTheSecondBigNodeWhole()
    {
        var file = Fixtures.RepositoryPaths.ExampleScenarios().Single(f => Path.GetFileName(f) == "gpu-fragmentation.yaml");
        var report = new Simulator().Run(ScenarioReader.Read(File.ReadAllText(file)));
        var node = report.Placements.ToDictionary(p => p.Workload, p => p.Node);
        Assert.StartsWith("big-", node["training"]);
        Assert.StartsWith("small-", node["notebook"]);
        Assert.Equal(node["infer-large"], node["infer-small"]);
        Assert.Equal(report.Placements[2].Devices, report.Placements[3].Devices);
        Assert.StartsWith("big-", node["training-2"]);
        Assert.NotEqual(node["training"], node["training-2"]);
    }
}
