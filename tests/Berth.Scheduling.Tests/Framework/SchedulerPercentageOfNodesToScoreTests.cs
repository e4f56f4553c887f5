using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Simulation;
using Berth.Scheduling.Snapshot;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Framework;

public class SchedulerPercentageOfNodesToScoreTests
{
    private static SchedulingProfile Profile(int percentage, Tiebreak tiebreak = Tiebreak.First) =>
        SchedulerHarness.DefaultWithoutPreemption() with { PercentageOfNodesToScore = percentage, Tiebreak = tiebreak, Seed = 5 };

    private static NodeSpec[] Nodes(int count, Func<int, string>? cpu = null) =>
        [.. Enumerable.Range(0, count).Select(i => Node($"n{i}").Allocatable("cpu", cpu?.Invoke(i) ?? "4").Build())];

    [Fact]
    public void BuiltInProfiles_ScoreEveryNode()
    {
        foreach (var name in BuiltInProfiles.Names)
        {
            Assert.Equal(FeasibleNodeSampling.EveryNode, BuiltInProfiles.Find(name)!.PercentageOfNodesToScore);
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void Constructor_RefusesAPercentageOutOfRange_NamingTheField(int percentage)
    {
        var profile = BuiltInProfiles.Default with { Name = "big", PercentageOfNodesToScore = percentage };
        var error = Assert.Throws<ProfileException>(() => new Scheduler(profile));
        Assert.Contains("profile 'big'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"percentageOfNodesToScore {percentage} is out of range", error.Message, StringComparison.Ordinal);
        Assert.Contains("0 (Kubernetes' adaptive default) or 1 to 100", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_StopsFiltering_OnceEnoughNodesAreFeasible()
    {
        // 1,000 nodes at 10%: 100 to find, and every node fits, so the first 100 are the sample.
        var h = new SchedulerHarness(Nodes(1000), Profile(10));
        var result = h.Schedule(Workload().Requests(("cpu", "1")), explain: true);
        Assert.True(result.IsPlaced);
        Assert.Equal(100, result.Diagnostics.NodesEvaluated);
        Assert.Equal(100, result.Diagnostics.FeasibleNodes);
        Assert.Equal(1000, result.Diagnostics.NodesInCluster);
        Assert.Equal([.. Enumerable.Range(0, 100).Select(i => $"n{i}")], result.Diagnostics.Nodes!.Select(n => n.Node));
        Assert.Equal(100, h.Scheduler.NextStartNodeIndex);
    }

    [Theory]
    [InlineData(1, 1024)]
    [InlineData(4, 10)]
    [InlineData(2, 33)]
    public void Schedule_LooksUpToTheLastFeasibleNodeNeeded_WhateverTheParallelism(int parallelism, int minNodesPerWorker)
    {
        // Odd nodes are too small: the 100th feasible node is n198, so 199 nodes are looked at and 99 refused.
        var nodes = Nodes(1000, i => i % 2 == 0 ? "4" : "1");
        var snapshot = ClusterSnapshot.Create(nodes);
        using var scheduler = new Scheduler(Profile(10), options: new SchedulerOptions(parallelism, minNodesPerWorker));
        var info = snapshot.Compile(Workload().Requests(("cpu", "2")));

        var first = scheduler.Schedule(snapshot, info, explain: true);
        Assert.Equal(199, first.Diagnostics.NodesEvaluated);
        Assert.Equal(100, first.Diagnostics.FeasibleNodes);
        Assert.Equal(99, first.Diagnostics.RefusedByPlugin[NodeResourcesFit.Name]);
        Assert.Equal(199, first.Diagnostics.Nodes!.Count);
        Assert.Equal(199, scheduler.NextStartNodeIndex);

        // The next cycle starts at n199 (refused), so its 100th feasible node is n398.
        var second = scheduler.Schedule(snapshot, info, explain: true);
        Assert.Equal(200, second.Diagnostics.NodesEvaluated);
        Assert.Equal("n199", second.Diagnostics.Nodes!.First(n => !n.Feasible).Node);
        Assert.Equal(399, scheduler.NextStartNodeIndex);
    }

    [Fact]
    public void Schedule_DecidesTheSame_WhateverTheParallelism_UnderTheAdaptiveDefault()
    {
        var nodes = Nodes(3000, i => i % 7 == 0 ? "1" : "4");
        var workload = Workload().Requests(("cpu", "2")).Replicas(40);
        var serial = new SchedulerHarness(nodes, Profile(0, Tiebreak.Random)).ScheduleAll(workload);
        var parallelHarness = new SchedulerHarness(nodes, Profile(0, Tiebreak.Random));
        var parallel = new List<string?>();
        using (var scheduler = new Scheduler(Profile(0, Tiebreak.Random), options: new SchedulerOptions(4, MinNodesPerWorker: 100)))
        {
            var info = parallelHarness.Snapshot.Compile(workload);
            for (int i = 0; i < 40; i++)
            {
                var result = scheduler.Schedule(parallelHarness.Snapshot, info, i);
                parallelHarness.Snapshot.Place(info, result.Node, $"w-{i}");
                parallel.Add(result.NodeName);
            }
        }
        Assert.Equal(serial, parallel);
    }

    [Fact]
    public void Schedule_RotatesThroughEveryNode_OverSuccessiveDecisions()
    {
        // 1,000 nodes at 10%: ten decisions of 100 nodes each look at every node once and bring the start back to 0.
        var h = new SchedulerHarness(Nodes(1000), Profile(10));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var info = h.Snapshot.Compile(Workload().NoRequests());
        for (int i = 0; i < 10; i++)
        {
            var result = h.Scheduler.Schedule(h.Snapshot, info, i, explain: true);
            foreach (var node in result.Diagnostics.Nodes!)
            {
                Assert.True(seen.Add(node.Node), $"{node.Node} looked at twice within one rotation");
            }
        }
        Assert.Equal(1000, seen.Count);
        Assert.Equal(0, h.Scheduler.NextStartNodeIndex);
    }

    [Fact]
    public void Schedule_ChoosesOnlyFeasibleNodes_UnderTheAdaptiveDefault()
    {
        // Mixed sizes and cordons, placed one after another until the cluster fills up.
        var nodes = Enumerable.Range(0, 1200)
            .Select(i => (i % 11 == 0 ? Node($"n{i}").Cordoned() : Node($"n{i}")).Allocatable("cpu", (i % 5 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)).Build())
            .ToArray();
        var h = new SchedulerHarness(nodes, Profile(0, Tiebreak.Random));
        var info = h.Snapshot.Compile(Workload().Requests(("cpu", "2")));
        for (int i = 0; i < 1500; i++)
        {
            var result = h.Scheduler.Schedule(h.Snapshot, info, i);
            if (!result.IsPlaced)
            {
                break;
            }
            Assert.Null(h.Scheduler.WhyNot(h.Snapshot, info, result.Node, i));
            h.Snapshot.Place(info, result.Node, $"w-{i}");
        }
    }

    [Fact]
    public void Schedule_ScoresEveryNode_At100Percent()
    {
        var nodes = Nodes(1000, i => i % 3 == 0 ? "1" : "4");
        var workload = Workload().Requests(("cpu", "2")).Replicas(20);
        var h = new SchedulerHarness(nodes, Profile(100, Tiebreak.Random));
        var result = h.Schedule(workload, explain: true);
        Assert.Equal(1000, result.Diagnostics.NodesEvaluated);
        Assert.Null(result.Diagnostics.NodesInCluster);
        Assert.Equal(1000, result.Diagnostics.Nodes!.Count);
        Assert.Equal(0, h.Scheduler.NextStartNodeIndex);
        var before = new SchedulerHarness(nodes, SchedulerHarness.DefaultWithoutPreemption() with { Tiebreak = Tiebreak.Random, Seed = 5 }).ScheduleAll(workload);
        Assert.Equal(before, new SchedulerHarness(nodes, Profile(100, Tiebreak.Random)).ScheduleAll(workload));
    }

    [Fact]
    public void Schedule_LooksAtEveryNode_WhenFewerThanTheLimitAreFeasible()
    {
        var h = new SchedulerHarness(Nodes(1000, i => i < 950 ? "1" : "4"), Profile(10));
        var placed = h.Schedule(Workload().Requests(("cpu", "2")), explain: false);
        Assert.Equal(1000, placed.Diagnostics.NodesEvaluated);
        Assert.Equal(50, placed.Diagnostics.FeasibleNodes);
        Assert.Null(placed.Diagnostics.NodesInCluster);
        Assert.Equal(0, h.Scheduler.NextStartNodeIndex);

        var none = h.Schedule(Workload().Requests(("cpu", "8")), explain: false);
        Assert.Equal(PlacementOutcome.Unschedulable, none.Outcome);
        Assert.Equal("0/1000 nodes are available: 1000 Insufficient cpu.", none.Diagnostics.Summary);
    }

    [Fact]
    public void Schedule_PreemptsOnAnyNode_WhenNothingFitsUnderALimit()
    {
        // Every node is full; only n150 (outside the first 100-node sample) runs a lower-priority replica.
        var nodes = Nodes(200);
        var h = new SchedulerHarness(nodes, BuiltInProfiles.Default with { PercentageOfNodesToScore = 5 });
        h.Place(Workload("keep").Priority(100).Requests(("cpu", "4")), [.. Enumerable.Range(0, 200).Where(i => i != 150).Select(i => $"n{i}")]);
        h.Place(Workload("batch").Priority(0).Requests(("cpu", "4")), "n150");
        var result = h.Schedule(Workload("urgent").Priority(50).Requests(("cpu", "1")), explain: false);
        Assert.Equal("n150", result.NodeName);
        Assert.Equal(["default/batch-0"], result.Victims.Select(v => v.Key));
        Assert.Equal(200, result.Diagnostics.NodesEvaluated);
    }

    [Fact]
    public void Schedule_FiltersEveryNode_InClustersBelow100Nodes()
    {
        var h = new SchedulerHarness(Nodes(99), Profile(5));
        var result = h.Schedule(Workload(), explain: false);
        Assert.Equal(99, result.Diagnostics.NodesEvaluated);
        Assert.Equal(99, result.Diagnostics.FeasibleNodes);
    }

    [Fact]
    public void SimulatorReason_SaysHowManyNodesWereLookedAt_WhenTheLimitApplied()
    {
        var scenario = new Scenario(Profile(10), Nodes(1000), new Dictionary<string, IReadOnlyDictionary<string, string>>(), [], [],
            [Workload("web").Requests(("cpu", "1")).Build()]);
        var placement = Assert.Single(new Simulator().Run(scenario, explain: true).Placements);
        Assert.StartsWith("100/100 nodes feasible (looked at 100 of 1000 nodes: percentageOfNodesToScore); n0 ", placement.Reason, StringComparison.Ordinal);
        Assert.Equal(100, placement.Candidates!.Count);
    }
}
