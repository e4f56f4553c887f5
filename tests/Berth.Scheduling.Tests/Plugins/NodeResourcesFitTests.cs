using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

public class NodeResourcesFitTests
{
    private static SchedulerHarness Harness(params Berth.Core.Specs.NodeSpec[] nodes) =>
        new(nodes, SchedulerHarness.Only([NodeResourcesFit.Name], NodeResourcesFit.Name));

    [Fact]
    public void Filter_RefusesNode_WhenCpuIsInsufficient()
    {
        var h = Harness(Node("small").Allocatable("cpu", "1"), Node("big").Allocatable("cpu", "4"));
        var result = h.Schedule(Workload().Requests(("cpu", "2")));
        Assert.Equal("big", result.NodeName);
        Assert.Equal(["Insufficient cpu"], SchedulerHarness.ReasonsOf(result, "small"));
        Assert.Equal(1, result.Diagnostics.RefusedByPlugin[NodeResourcesFit.Name]);
    }

    [Fact]
    public void Filter_ReportsEveryInsufficientResource_PodsFirst()
    {
        var h = Harness(Node("full").Allocatable("cpu", "1").Allocatable("memory", "1Gi").Allocatable("pods", "0"));
        var result = h.Schedule(Workload().Requests(("cpu", "2"), ("memory", "2Gi")));
        Assert.False(result.IsPlaced);
        Assert.Equal(["Too many pods", "Insufficient cpu", "Insufficient memory"], SchedulerHarness.ReasonsOf(result, "full"));
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods.", result.Diagnostics.Summary);
        Assert.Equal(1, result.Diagnostics.ExhaustedByResource["cpu"]);
    }

    [Fact]
    public void Filter_RefusesEveryNode_WhenNoNodeHasTheExtendedResource()
    {
        var h = Harness(Node("a"), Node("b"));
        var result = h.Schedule(Workload().Requests(("example.com/foo", "1")));
        Assert.False(result.IsPlaced);
        Assert.Equal("0/2 nodes are available: 2 Insufficient example.com/foo.", result.Diagnostics.Summary);
    }

    [Fact]
    public void Filter_AcceptsOnlyTheNodeWithTheSparseExtendedResource()
    {
        var nodes = Enumerable.Range(0, 20).Select(i => Node($"n{i}").Allocatable($"foo.com/bar-{i}", "1").Build()).ToArray();
        var h = Harness(nodes);
        var result = h.Schedule(Workload().Requests(("foo.com/bar-7", "1")));
        Assert.Equal("n7", result.NodeName);
        Assert.Equal(1, result.Diagnostics.FeasibleNodes);
    }

    [Fact]
    public void Score_LeastAllocated_MatchesKubernetesFormula()
    {
        // cpu: (4000-(1000+1000))*100/4000 = 50; memory: (32Gi-(0+4Gi))*100/32Gi = 87 → (50+87)/2 = 68.
        var h = Harness(Node("a"));
        h.Place(Workload().Requests(("cpu", "1")), "a"); // memory request absent: counts 200Mi for scoring
        var result = h.Schedule(Workload().Requests(("cpu", "1"), ("memory", "4Gi")));
        long memoryScore = (32L * 1024 - (200 + 4096)) * 100 / (32 * 1024);
        Assert.Equal((50 + memoryScore) / 2, SchedulerHarness.ScoreOf(result, "a", NodeResourcesFit.Name));
    }

    [Fact]
    public void Score_MostAllocated_PrefersTheFullerNode()
    {
        var args = new NodeResourcesFitArgs(ScoringStrategyType.MostAllocated, NodeResourcesFitArgs.DefaultResources, []);
        var profile = new SchedulingProfile("t", [new(NodeResourcesFit.Name)], [new(NodeResourcesFit.Name, 1, args)], [], Tiebreak.First);
        var h = new SchedulerHarness([Node("empty"), Node("busy")], profile);
        h.Place(Workload().Requests(("cpu", "2"), ("memory", "16Gi")), "busy");
        var result = h.Schedule(Workload().Requests(("cpu", "1"), ("memory", "8Gi")));
        Assert.Equal("busy", result.NodeName);
        Assert.Equal((75 + 75) / 2, SchedulerHarness.ScoreOf(result, "busy", NodeResourcesFit.Name));
        Assert.Equal((25 + 25) / 2, SchedulerHarness.ScoreOf(result, "empty", NodeResourcesFit.Name));
    }

    [Fact]
    public void Score_RequestedToCapacityRatio_FollowsTheShape()
    {
        // Utilization cpu 50% → score 5*10=50 on a 0→0, 100→10 line; memory weight left out when score is 0.
        var args = new NodeResourcesFitArgs(ScoringStrategyType.RequestedToCapacityRatio, [new("cpu", 1)], [new(0, 0), new(100, 10)]);
        var profile = new SchedulingProfile("t", [new(NodeResourcesFit.Name)], [new(NodeResourcesFit.Name, 1, args)], [], Tiebreak.First);
        var h = new SchedulerHarness([Node("a")], profile);
        var result = h.Schedule(Workload().Requests(("cpu", "2")));
        Assert.Equal(50, SchedulerHarness.ScoreOf(result, "a", NodeResourcesFit.Name));
    }

    [Fact]
    public void Score_IsZero_WhenNodeHasZeroAllocatable()
    {
        var h = Harness(Node("zero").Allocatable("cpu", "0").Allocatable("memory", "0"));
        var result = h.Schedule(Workload().NoRequests());
        Assert.Equal(0, SchedulerHarness.ScoreOf(result, "zero", NodeResourcesFit.Name));
    }

    [Fact]
    public void Args_AreRejected_WhenWeightIsOutOfRange()
    {
        var args = new NodeResourcesFitArgs(ScoringStrategyType.LeastAllocated, [new("cpu", 0)], []);
        var error = Assert.Throws<ProfileException>(() => new NodeResourcesFit(args));
        Assert.Contains("resources[cpu].weight", error.Message);
    }

    [Fact]
    public void Score_LeavesOutPods_EvenWhenTheArgsListIt()
    {
        // Kubernetes never scores the pod count: both nodes score (75 + 87) / 2 = 81 whatever their pod capacity.
        // cpu (4000-1000)*100/4000 = 75; memory (8Gi-1Gi)*100/8Gi = 87.
        var args = new NodeResourcesFitArgs(ScoringStrategyType.LeastAllocated, [new("cpu", 1), new("memory", 1), new("pods", 1)], []);
        var profile = new SchedulingProfile("t", [new(NodeResourcesFit.Name)], [new(NodeResourcesFit.Name, 1, args)], [], Tiebreak.First);
        var h = new SchedulerHarness([Node("a").Allocatable("memory", "8Gi").Allocatable("pods", "10"), Node("b").Allocatable("memory", "8Gi")], profile);
        var result = h.Schedule(Workload().Requests(("cpu", "1"), ("memory", "1Gi")));
        Assert.Equal(81, SchedulerHarness.ScoreOf(result, "a", NodeResourcesFit.Name));
        Assert.Equal(81, SchedulerHarness.ScoreOf(result, "b", NodeResourcesFit.Name));
    }
}
