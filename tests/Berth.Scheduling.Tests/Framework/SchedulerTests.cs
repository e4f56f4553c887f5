using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Framework;

public class SchedulerTests
{
    private static SchedulingProfile Profile(Tiebreak tiebreak, int seed = 0) => new(
        "t", [new(NodeReady.Name), new(NodeUnschedulable.Name), new(NodeResourcesFit.Name)], [new(NodeResourcesFit.Name, 1)], [], tiebreak, seed);

    private static NodeSpec[] Equal(int count) => [.. Enumerable.Range(0, count).Select(i => Node($"n{i}").Build())];

    [Fact]
    public void Schedule_PicksTheFirstTiedNode_WithFirstTiebreak()
    {
        var h = new SchedulerHarness(Equal(4), Profile(Tiebreak.First));
        Assert.Equal("n0", h.Schedule(Workload()).NodeName);
    }

    [Fact]
    public void Schedule_RotatesThroughTiedNodes_WithRoundRobinTiebreak()
    {
        // Placing on a node lowers its LeastAllocated score, so use a workload with no requests to keep all nodes tied.
        var h = new SchedulerHarness(Equal(3), Profile(Tiebreak.RoundRobin));
        var chosen = h.ScheduleAll(Workload().NoRequests().Replicas(4));
        Assert.Equal(["n0", "n1", "n2", "n0"], chosen);
    }

    [Fact]
    public void Schedule_PicksTheLeastLoadedTiedNode_WithLeastLoadedTiebreak()
    {
        var profile = Profile(Tiebreak.LeastLoaded) with { Scores = [] };
        var h = new SchedulerHarness(Equal(3), profile);
        h.Place(Workload().Requests(("cpu", "1")), "n0");
        h.Place(Workload().Requests(("memory", "1Gi")), "n1");
        Assert.Equal("n2", h.Schedule(Workload()).NodeName);
    }

    [Fact]
    public void Schedule_RepeatsItsRandomChoices_WithTheSameSeed()
    {
        var first = new SchedulerHarness(Equal(50), Profile(Tiebreak.Random, seed: 7)).ScheduleAll(Workload().NoRequests().Replicas(20));
        var second = new SchedulerHarness(Equal(50), Profile(Tiebreak.Random, seed: 7)).ScheduleAll(Workload().NoRequests().Replicas(20));
        var other = new SchedulerHarness(Equal(50), Profile(Tiebreak.Random, seed: 8)).ScheduleAll(Workload().NoRequests().Replicas(20));
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.True(first.Distinct().Count() > 1, "random tiebreak should not always pick the same node");
    }

    [Fact]
    public void Schedule_FavoursHigherScores_WithWeightedRandomTiebreak()
    {
        // n0 is empty (score 100 on LeastAllocated); n1 is almost full (cpu 3.9/4: (4000-4000)*100/4000 = 0, memory high).
        var h = new SchedulerHarness([Node("n0"), Node("n1")], Profile(Tiebreak.WeightedRandom, seed: 1));
        h.Place(Workload().Requests(("cpu", "3800m"), ("memory", "31Gi")), "n1");
        var info = h.Snapshot.Compile(Workload());
        int onEmpty = 0;
        for (int i = 0; i < 200; i++)
        {
            if (h.Scheduler.Schedule(h.Snapshot, info).NodeName == "n0")
            {
                onEmpty++;
            }
        }
        Assert.InRange(onEmpty, 150, 200);
    }

    [Fact]
    public void Schedule_DecidesTheSame_WhateverTheParallelism()
    {
        var nodes = Enumerable.Range(0, 3000).Select(i => Node($"n{i}").Allocatable("cpu", i % 7 == 0 ? "1" : "4").Build()).ToArray();
        var workload = Workload().Requests(("cpu", "2")).Replicas(30);
        var options = new SchedulerOptions(4, MinNodesPerWorker: 500);
        var serial = new SchedulerHarness(nodes, Profile(Tiebreak.Random, 3)).ScheduleAll(workload);
        var parallelHarness = new SchedulerHarness(nodes, Profile(Tiebreak.Random, 3), parallelism: 4);
        var parallel = new List<string?>();
        using (var scheduler = new Scheduler(Profile(Tiebreak.Random, 3), options: options))
        {
            var info = parallelHarness.Snapshot.Compile(workload);
            for (int i = 0; i < 30; i++)
            {
                var result = scheduler.Schedule(parallelHarness.Snapshot, info, i);
                Assert.Equal(3000, result.Diagnostics.NodesEvaluated);
                parallelHarness.Snapshot.Place(info, result.Node, $"w-{i}");
                parallel.Add(result.NodeName);
            }
        }
        Assert.Equal(serial, parallel);
    }

    [Fact]
    public void Diagnostics_CountRefusalsPerPlugin_AndSummariseInKubernetesStyle()
    {
        var h = new SchedulerHarness(
            [Node("down").NotReady(), Node("cordoned").Cordoned(), Node("small").Allocatable("cpu", "1"), Node("tiny").Allocatable("cpu", "500m")],
            Profile(Tiebreak.First));
        var result = h.Schedule(Workload().Requests(("cpu", "2")));
        Assert.Equal(PlacementOutcome.Unschedulable, result.Outcome);
        Assert.Equal(4, result.Diagnostics.NodesEvaluated);
        Assert.Equal(0, result.Diagnostics.FeasibleNodes);
        Assert.Equal(1, result.Diagnostics.RefusedByPlugin[NodeReady.Name]);
        Assert.Equal(1, result.Diagnostics.RefusedByPlugin[NodeUnschedulable.Name]);
        Assert.Equal(2, result.Diagnostics.RefusedByPlugin[NodeResourcesFit.Name]);
        Assert.Equal(2, result.Diagnostics.ExhaustedByResource["cpu"]);
        Assert.Equal("0/4 nodes are available: 1 node(s) were not ready, 1 node(s) were unschedulable, 2 Insufficient cpu.", result.Diagnostics.Summary);
    }

    [Fact]
    public void Diagnostics_SayNoNodesAreAvailable_InAnEmptyCluster()
    {
        var h = new SchedulerHarness([], Profile(Tiebreak.First));
        var result = h.Schedule(Workload());
        Assert.Equal(PlacementOutcome.Unschedulable, result.Outcome);
        Assert.Equal("no nodes available to schedule pods", result.Diagnostics.Summary);
    }

    [Fact]
    public void Diagnostics_DescribeEachNodesOwnTaint_EvenWithTheSameReasonCode()
    {
        // Both nodes are refused for their first taint (code 0), but the texts differ, so each node is described itself.
        var profile = new SchedulingProfile("t", [new(TaintToleration.Name), new(NodeResourcesFit.Name)], [], [], Tiebreak.First);
        var h = new SchedulerHarness(
            [Node("gpu").Taint("dedicated", "gpu"), Node("db").Taint("dedicated", "db"), Node("db2").Taint("dedicated", "db"), Node("small").Allocatable("cpu", "100m")],
            profile);
        var result = h.Schedule(Workload().Requests(("cpu", "1")), explain: false);
        Assert.Equal(
            "0/4 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) had untolerated taint {dedicated: db}.",
            result.Diagnostics.Summary);
    }

    [Fact]
    public void Diagnostics_ExplainEveryNode_WithScoresForFeasibleAndReasonsForRefused()
    {
        var h = new SchedulerHarness([Node("a"), Node("b").Cordoned()], Profile(Tiebreak.First));
        var result = h.Schedule(Workload(), explain: true);
        var nodes = result.Diagnostics.Nodes!;
        Assert.Equal(2, nodes.Count);
        var a = nodes.Single(n => n.Node == "a");
        Assert.True(a.Feasible);
        Assert.Equal(a.Scores[NodeResourcesFit.Name], a.Total);
        var b = nodes.Single(n => n.Node == "b");
        Assert.False(b.Feasible);
        Assert.Equal(NodeUnschedulable.Name, b.RefusedBy);
        Assert.Equal(["node(s) were unschedulable"], b.Reasons);
        Assert.Equal("a", Assert.Single(result.Diagnostics.TopScores).Node);
    }

    [Fact]
    public void Diagnostics_KeepTheThreeBestNodes_BestFirst()
    {
        var h = new SchedulerHarness(Equal(5), Profile(Tiebreak.First));
        h.Place(Workload().Requests(("cpu", "3")), "n0");
        h.Place(Workload().Requests(("cpu", "2")), "n1");
        h.Place(Workload().Requests(("cpu", "1")), "n2");
        var top = h.Schedule(Workload().NoRequests(), explain: false).Diagnostics.TopScores;
        Assert.Equal(3, top.Count);
        Assert.True(top[0].Total >= top[1].Total && top[1].Total >= top[2].Total);
        Assert.DoesNotContain(top, t => t.Node is "n0" or "n1");
    }

    [Fact]
    public void Schedule_TotalsTheSame_WithOrWithoutExplanation_UnderTheDefaultProfile()
    {
        // Without an explanation, uniform taint scores are folded into a constant and ranges are ranked in parallel;
        // the chosen node and the top totals must be exactly those of the fully explained, per-node computation.
        var nodes = Enumerable.Range(0, 2500).Select(i => Node($"n{i}").Allocatable("cpu", (2 + i % 5).ToString()).Build()).ToArray();
        var profile = BuiltInProfiles.Default with { PostFilters = [], Tiebreak = Tiebreak.First };
        var h = new SchedulerHarness(nodes, profile);
        h.Place(Workload().Requests(("cpu", "1"), ("memory", "3Gi")), "n4", "n9", "n14");
        using var parallel = new Scheduler(profile, options: new SchedulerOptions(4, MinNodesPerWorker: 300));
        var info = h.Snapshot.Compile(Workload());
        var explained = h.Scheduler.Schedule(h.Snapshot, info, 0, explain: true);
        var fast = parallel.Schedule(h.Snapshot, info, 0, explain: false);
        Assert.Equal(explained.NodeName, fast.NodeName);
        Assert.Equal(explained.Diagnostics.TopScores, fast.Diagnostics.TopScores);
        var best = explained.Diagnostics.Nodes!.Single(n => n.Node == explained.NodeName);
        Assert.Equal(100, best.Scores[TaintToleration.Name]);
        Assert.Equal(best.Total, fast.Diagnostics.TopScores[0].Total);
    }

    [Fact]
    public void Constructor_RejectsUnknownPlugin_NamingProfileAndPlugin()
    {
        var profile = new SchedulingProfile("mine", [new("NoSuchFilter")], [], []);
        var error = Assert.Throws<ProfileException>(() => new Scheduler(profile));
        Assert.Contains("profile 'mine'", error.Message);
        Assert.Contains("'NoSuchFilter'", error.Message);
    }

    [Fact]
    public void Constructor_RejectsPluginAtAPointItDoesNotImplement()
    {
        var profile = new SchedulingProfile("mine", [new(NodeResourcesBalancedAllocation.Name)], [], []);
        var error = Assert.Throws<ProfileException>(() => new Scheduler(profile));
        Assert.Contains("cannot be used as a filter", error.Message);
    }

    [Fact]
    public void Constructor_RejectsOutOfRangeWeight()
    {
        var profile = new SchedulingProfile("mine", [], [new(NodeResourcesFit.Name, 101)], []);
        Assert.Throws<ProfileException>(() => new Scheduler(profile));
    }

    [Theory]
    [InlineData("default")]
    [InlineData("binpack")]
    [InlineData("spread")]
    [InlineData("random")]
    public void BuiltInProfiles_AllBuild(string name)
    {
        using var scheduler = new Scheduler(BuiltInProfiles.Find(name)!);
        Assert.Equal(name, scheduler.Profile.Name);
    }

    [Fact]
    public void BinPack_FillsTheBusiestNode_WhereDefaultSpreads()
    {
        NodeSpec[] nodes = [Node("busy"), Node("idle")];
        var binpack = new SchedulerHarness(nodes, BuiltInProfiles.BinPack with { PostFilters = [], Tiebreak = Tiebreak.First });
        var spread = new SchedulerHarness(nodes, BuiltInProfiles.Default with { PostFilters = [], Tiebreak = Tiebreak.First });
        binpack.Place(Workload().Requests(("cpu", "2"), ("memory", "8Gi")), "busy");
        spread.Place(Workload().Requests(("cpu", "2"), ("memory", "8Gi")), "busy");
        Assert.Equal("busy", binpack.Schedule(Workload()).NodeName);
        Assert.Equal("idle", spread.Schedule(Workload()).NodeName);
    }
}
