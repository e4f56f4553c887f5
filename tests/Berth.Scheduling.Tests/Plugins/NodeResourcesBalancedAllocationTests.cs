using Berth.Core.Specs;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

public class NodeResourcesBalancedAllocationTests
{
    private const string Plugin = NodeResourcesBalancedAllocation.Name;

    /// <summary>No filters, so requests above allocatable still reach scoring.</summary>
    private static SchedulerHarness Harness(params NodeSpec[] nodes) => new(nodes, SchedulerHarness.Only([], Plugin));

    private static SchedulerHarness Harness(NodeResourcesBalancedAllocationArgs args, params NodeSpec[] nodes) =>
        new(nodes, new SchedulingProfile("t", [], [new(Plugin, 1, args)], [], Tiebreak.First));

    [Fact]
    public void Score_TwoResources_IsOneMinusHalfTheDifference()
    {
        // cpu (1+1)/4 = 0.5, memory (4Gi+4Gi)/32Gi = 0.25 → std |0.5-0.25|/2 = 0.125 → (1-0.125)*100 = 87.5 → 87.
        var h = Harness(Node("a"));
        h.Place(Workload().Requests(("cpu", "1"), ("memory", "4Gi")), "a");
        var result = h.Schedule(Workload().Requests(("cpu", "1"), ("memory", "4Gi")));
        Assert.Equal(87, SchedulerHarness.ScoreOf(result, "a", Plugin));
    }

    [Fact]
    public void Score_UsesActualRequests_NotTheScoringDefaults()
    {
        // Placed replica requests nothing; new one requests cpu 1 only.
        // Actual: cpu 1/4 = 0.25, memory 0/32Gi = 0 → std 0.125 → 87.
        // (With 100m/200Mi defaults it would be cpu 1.1/4, memory 400Mi/32Gi → std 0.131 → 86.)
        var h = Harness(Node("a"));
        h.Place(Workload().NoRequests(), "a");
        var result = h.Schedule(Workload().Requests(("cpu", "1")));
        Assert.Equal(87, SchedulerHarness.ScoreOf(result, "a", Plugin));
    }

    [Fact]
    public void Score_CapsEachFractionAtOne()
    {
        // cpu 2/1 → capped 1, memory 16Gi/32Gi = 0.5 → std 0.25 → 75.
        var h = Harness(Node("a").Allocatable("cpu", "1"));
        var result = h.Schedule(Workload().Requests(("cpu", "2"), ("memory", "16Gi")));
        Assert.Equal(75, SchedulerHarness.ScoreOf(result, "a", Plugin));
    }

    [Fact]
    public void Score_ThreeResources_UsesThePopulationStandardDeviation()
    {
        // cpu 1/4 = 0.25, memory 16Gi/32Gi = 0.5, ephemeral 75Gi/100Gi = 0.75; mean 0.5;
        // variance (0.0625+0+0.0625)/3 = 0.041667, std 0.204124 → (1-0.204124)*100 = 79.59 → 79.
        var args = new NodeResourcesBalancedAllocationArgs([new("cpu", 1), new("memory", 1), new("ephemeral-storage", 1)]);
        var h = Harness(args, Node("a").Allocatable("ephemeral-storage", "100Gi"));
        var result = h.Schedule(Workload().Requests(("cpu", "1"), ("memory", "16Gi"), ("ephemeral-storage", "75Gi")));
        Assert.Equal(79, SchedulerHarness.ScoreOf(result, "a", Plugin));
    }

    [Fact]
    public void Score_LeavesOutResourcesTheNodeHasNoneOf()
    {
        // No ephemeral-storage on the node: only cpu 0.25 and memory 0.5 count → std 0.125 → 87.
        var args = new NodeResourcesBalancedAllocationArgs([new("cpu", 1), new("memory", 1), new("ephemeral-storage", 1)]);
        var h = Harness(args, Node("a"));
        var result = h.Schedule(Workload().Requests(("cpu", "1"), ("memory", "16Gi"), ("ephemeral-storage", "75Gi")));
        Assert.Equal(87, SchedulerHarness.ScoreOf(result, "a", Plugin));
    }

    [Fact]
    public void Score_LeavesOutExtendedResourcesTheReplicaDoesNotRequest()
    {
        // Not requested: cpu 1/4 = 0.25, memory 8Gi/32Gi = 0.25 → std 0 → 100.
        // Requested 2 of 4: fractions 0.25, 0.25, 0.5; mean 1/3; variance (2*(1/12)^2 + (1/6)^2)/3 = 0.013889,
        // std 0.117851 → 88.2 → 88.
        var args = new NodeResourcesBalancedAllocationArgs([new("cpu", 1), new("memory", 1), new("example.com/foo", 1)]);
        var h = Harness(args, Node("a").Allocatable("example.com/foo", "4"));
        Assert.Equal(100, SchedulerHarness.ScoreOf(h.Schedule(Workload().Requests(("cpu", "1"), ("memory", "8Gi"))), "a", Plugin));
        var withFoo = h.Schedule(Workload().Requests(("cpu", "1"), ("memory", "8Gi"), ("example.com/foo", "2")));
        Assert.Equal(88, SchedulerHarness.ScoreOf(withFoo, "a", Plugin));
    }

    [Fact]
    public void PreScore_Skips_WhenTheReplicaRequestsNoneOfTheResources()
    {
        var h = Harness(Node("a"));
        var result = h.Schedule(Workload().NoRequests());
        Assert.True(result.IsPlaced);
        Assert.False(result.Diagnostics.Nodes!.Single().Scores.ContainsKey(Plugin));
    }

    [Fact]
    public void PreScore_Skips_WhenTheReplicaRequestsOnlyUnscoredResources()
    {
        // Best-effort is judged over the configured resources only: cpu is requested but not scored here.
        var h = Harness(new NodeResourcesBalancedAllocationArgs([new("example.com/foo", 1)]), Node("a").Allocatable("example.com/foo", "1"));
        var result = h.Schedule(Workload().Requests(("cpu", "1")));
        Assert.False(result.Diagnostics.Nodes!.Single().Scores.ContainsKey(Plugin));
    }

    [Fact]
    public void Args_AreRejected_WhenAResourceIsListedTwiceOrWeightIsOutOfRange()
    {
        var twice = Assert.Throws<ProfileException>(() => new NodeResourcesBalancedAllocation(new([new("cpu", 1), new("cpu", 2)])));
        Assert.Contains("resources[cpu]", twice.Message);
        var weight = Assert.Throws<ProfileException>(() => new NodeResourcesBalancedAllocation(new([new("cpu", 101)])));
        Assert.Contains("resources[cpu].weight", weight.Message);
    }

    [Fact]
    public void DefaultProfile_ScoresBalancedNodesHigher()
    {
        // cpuheavy: cpu (3+1)/4 = 1, memory 8Gi/32Gi = 0.25 → std 0.375 → 62.5 → 62.
        // balanced: cpu (1+1)/4 = 0.5, memory (8Gi+8Gi)/32Gi = 0.5 → std 0 → 100.
        var h = new SchedulerHarness([Node("cpuheavy"), Node("balanced")], SchedulerHarness.DefaultWithoutPreemption());
        h.Place(Workload().Requests(("cpu", "3")), "cpuheavy");
        h.Place(Workload().Requests(("cpu", "1"), ("memory", "8Gi")), "balanced");
        var result = h.Schedule(Workload().Requests(("cpu", "1"), ("memory", "8Gi")));
        Assert.Equal(62, SchedulerHarness.ScoreOf(result, "cpuheavy", Plugin));
        Assert.Equal(100, SchedulerHarness.ScoreOf(result, "balanced", Plugin));
        Assert.Equal("balanced", result.NodeName);
    }
}
