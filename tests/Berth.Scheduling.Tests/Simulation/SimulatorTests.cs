using Berth.Scheduling.Profiles;
using Berth.Scheduling.Simulation;

namespace Berth.Scheduling.Tests.Simulation;

/// <summary>Simulations with custom profiles over NodeReady, NodeUnschedulable and NodeResourcesFit.</summary>
public class SimulatorTests
{
    private const string FitProfile = """
        profile:
          filters: [NodeReady, NodeUnschedulable, NodeResourcesFit]
          scores: [{name: NodeResourcesFit, weight: 1}]
          postFilters: []
          tiebreak: first

        """;

    private static SimulationReport Run(string yaml, bool explain = false) =>
        new Simulator().Run(ScenarioReader.Read(yaml), explain);

    [Fact]
    public void Run_PlacesReplicasInOrder_UpdatingStateAfterEach()
    {
        // LeastAllocated over cpu and memory, tiebreak first:
        // web-0: both nodes empty, equal → a. web-1: a has 1 of 2 cpu used → b is emptier → b. web-2: equal again → a.
        var report = Run(FitProfile + """
            nodes:
              - {name: a, allocatable: {cpu: "2", memory: 4Gi}}
              - {name: b, allocatable: {cpu: "2", memory: 4Gi}}
            workloads:
              - {name: web, replicas: 3, requests: {cpu: "1", memory: 1Gi}}
            """);
        Assert.Equal(["a", "b", "a"], report.Placements.Select(p => p.Node));
        Assert.Equal([0, 1, 2], report.Placements.Select(p => p.Replica));
        Assert.Equal(new SimulationSummary(3, 0, 2), report.Summary);
    }

    [Fact]
    public void Run_ReportsGpuDevices_AndRefusesAShareNoSingleDeviceHolds()
    {
        // Two devices; 600m shares cannot share one: devices 0 and 1, then the third has 400m free on each and no room.
        var report = Run("""
            profile: {filters: [NodeResourcesFit, GpuDeviceFit], scores: [], postFilters: [], tiebreak: first}
            nodes: [{name: g1, allocatable: {cpu: "8", memory: 16Gi, nvidia.com/gpu: 2}}]
            workloads:
              - {name: share, replicas: 3, requests: {nvidia.com/gpu: 600m}}
              - {name: cpu, requests: {cpu: "1"}}
            """);
        Assert.Equal([[0], [1]], report.Placements.Take(2).Select(p => p.Devices!.ToArray()));
        Assert.Null(report.Placements[2].Node);
        Assert.Equal("0/1 nodes are available: 1 Insufficient nvidia.com/gpu (no single device has room for the share).", report.Placements[2].Reason);
        Assert.Null(report.Placements[3].Devices);
    }

    [Fact]
    public void Run_ReportsKubernetesSummary_WhenNoNodeFits()
    {
        var report = Run(FitProfile + """
            nodes:
              - {name: a, allocatable: {cpu: "2", memory: 4Gi}}
              - {name: b, allocatable: {cpu: "4", memory: 4Gi}, unschedulable: true}
              - {name: c, allocatable: {cpu: "4", memory: 4Gi}, ready: false}
            workloads:
              - {name: big, requests: {cpu: "3"}}
            """);
        var p = Assert.Single(report.Placements);
        Assert.Null(p.Node);
        Assert.False(p.IsPlaced);
        Assert.Equal("0/3 nodes are available: 1 Insufficient cpu, 1 node(s) were not ready, 1 node(s) were unschedulable.", p.Reason);
        Assert.Equal(new SimulationSummary(0, 1, 0), report.Summary);
    }

    [Fact]
    public void Run_CountsPlacedReplicas_AgainstNodeResources()
    {
        // db-0 holds 1.5 of a's 2 cpu, so the 1-cpu replica only fits on b.
        var report = Run(FitProfile + """
            nodes:
              - {name: a, allocatable: {cpu: "2", memory: 4Gi}}
              - {name: b, allocatable: {cpu: "1", memory: 4Gi}}
            placed:
              - {name: db-0, node: a, requests: {cpu: 1500m}}
            workloads:
              - {name: web, requests: {cpu: "1"}}
            """);
        Assert.Equal("b", report.Placements[0].Node);
        Assert.Equal("b is the only feasible node of 2", report.Placements[0].Reason);
    }

    [Fact]
    public void Run_UsesDefaultPodsAllocatable_Of110()
    {
        // Replicas that request nothing still take a pod slot: 110 fit on the node, the 111th does not.
        var report = Run(FitProfile + """
            nodes: [{name: a, allocatable: {cpu: "1"}}]
            workloads: [{name: tiny, replicas: 111}]
            """);
        Assert.Equal(110, report.Summary.Placed);
        Assert.Equal("0/1 nodes are available: 1 Too many pods.", report.Placements[110].Reason);
    }

    [Fact]
    public void Run_WithExplain_ReportsEveryCandidate()
    {
        // MostAllocated on a (4 cpu, 8Gi) for 1 cpu / 2Gi: cpu 1000*100/4000 = 25, memory 2Gi*100/8Gi = 25 → 25.
        var report = Run("""
            profile:
              filters: [NodeUnschedulable, NodeResourcesFit]
              scores: [{name: NodeResourcesFit, weight: 2, args: {strategy: MostAllocated}}]
              postFilters: []
            nodes:
              - {name: a, allocatable: {cpu: "4", memory: 8Gi}}
              - {name: b, allocatable: {cpu: "4", memory: 8Gi}, unschedulable: true}
            workloads: [{name: web, requests: {cpu: "1", memory: 2Gi}}]
            """, explain: true);
        var p = Assert.Single(report.Placements);
        Assert.Equal("a", p.Node);
        var candidates = p.Candidates!;
        Assert.Equal(2, candidates.Count);
        var a = candidates.Single(c => c.Node == "a");
        Assert.True(a.Feasible);
        Assert.Equal(25, a.Scores["NodeResourcesFit"]);
        Assert.Equal(50, a.Total); // weight 2
        var b = candidates.Single(c => c.Node == "b");
        Assert.False(b.Feasible);
        Assert.Equal(["node(s) were unschedulable"], b.Reasons);
        Assert.Empty(b.Scores);
    }

    [Fact]
    public void Run_WithoutExplain_ReportsNoCandidates()
    {
        var report = Run(FitProfile + "nodes: [{name: a}]\nworkloads: [{name: w}]\n");
        Assert.Null(report.Placements[0].Candidates);
        Assert.Empty(report.Placements[0].Preempted);
    }

    [Fact]
    public void Run_BinPacks_WithMostAllocated()
    {
        // MostAllocated fills the first node before using the second: 4 replicas of 1 cpu on 4-cpu nodes → all on a.
        var report = Run("""
            profile:
              filters: [NodeResourcesFit]
              scores: [{name: NodeResourcesFit, args: {strategy: MostAllocated}}]
              postFilters: []
              tiebreak: first
            nodes:
              - {name: a, allocatable: {cpu: "4", memory: 8Gi}}
              - {name: b, allocatable: {cpu: "4", memory: 8Gi}}
              - {name: c, allocatable: {cpu: "4", memory: 8Gi}}
            workloads: [{name: w, replicas: 5, requests: {cpu: "1", memory: 1Gi}}]
            """);
        Assert.Equal(["a", "a", "a", "a", "b"], report.Placements.Select(p => p.Node));
        Assert.Equal(2, report.Summary.NodesUsed);
    }

    [Fact]
    public void Run_Throws_WhenProfileNamesPluginsThatAreNotRegistered()
    {
        var registry = new PluginRegistry();
        var scenario = ScenarioReader.Read(FitProfile + "nodes: [{name: a}]\n");
        Assert.Throws<ProfileException>(() => new Simulator(registry).Run(scenario));
    }
}
