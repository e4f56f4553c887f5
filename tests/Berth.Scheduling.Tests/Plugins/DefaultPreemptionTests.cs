using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

public class DefaultPreemptionTests
{
    private static readonly SchedulingProfile Profile = new(
        "preempt",
        [new(NodeUnschedulable.Name), new(NodeResourcesFit.Name)],
        [new(NodeResourcesFit.Name, 1)],
        [new(DefaultPreemption.Name)],
        Tiebreak.First);

    private static SchedulerHarness Harness(NodeSpec[] nodes, params DisruptionBudget[] budgets) =>
        new(nodes, Profile, disruptionBudgets: budgets);

    private static DateTimeOffset Day(int day) => new(2026, 1, day, 0, 0, 0, TimeSpan.Zero);

    private static PreemptionDetails DetailsOf(PlacementResult result) => Assert.IsType<PreemptionDetails>(result.PostFilterDetails);

    [Theory]
    [InlineData(NodeResourcesFit.Name, 1, true)]
    [InlineData(InterPodAffinity.Name, InterPodAffinity.AffinityRulesNotMatch, false)]
    [InlineData(InterPodAffinity.Name, InterPodAffinity.AntiAffinityRulesNotMatch, true)]
    [InlineData(InterPodAffinity.Name, InterPodAffinity.ExistingAntiAffinityRulesNotMatch, true)]
    [InlineData(PodTopologySpread.Name, PodTopologySpread.MissingLabelCode, false)]
    [InlineData(PodTopologySpread.Name, PodTopologySpread.SkewCode, true)]
    [InlineData(TaintToleration.Name, 0, false)]
    [InlineData(NodeUnschedulable.Name, 0, false)]
    [InlineData(Berth.Scheduling.Plugins.NodeAffinity.Name, 0, false)]
    public void Candidates_AreOnlyNodesWhoseRefusalEvictionCanResolve(string filter, int reasonCode, bool resolvable)
    {
        // Kubernetes' Unschedulable versus UnschedulableAndUnresolvable: only the former nodes are preemption candidates.
        var plugin = (IFilterPlugin)PluginRegistry.Default.Create("test", filter, null);
        Assert.Equal(resolvable, plugin.PreemptionCanResolve(reasonCode));
    }

    [Fact]
    public void PostFilter_EvictsAGpuShare_AndLeavesTheDevicesAsTheyWere()
    {
        // One device with a 600m low-priority share: a 700m urgent share fits only once it is evicted.
        var profile = Profile with { Filters = [new(NodeResourcesFit.Name), new(GpuDeviceFit.Name)] };
        var h = new SchedulerHarness([Node("g").Allocatable("nvidia.com/gpu", "1")], profile);
        h.Place(Workload("batch").Priority(0).Requests(("nvidia.com/gpu", "600m")), "g");

        var result = h.Schedule(Workload("urgent").Priority(10).Requests(("nvidia.com/gpu", "700m")));

        Assert.True(result.IsPlaced);
        Assert.Equal(["default/batch-0"], result.Victims.Select(v => v.Key));
        Assert.Equal(400, h.Snapshot.Gpus.Free(0, 0));
        Assert.Equal([0], result.Victims[0].Devices);
    }

    [Fact]
    public void PostFilter_EvictsTheReplicaThatAntiAffinityObjectsTo_OnTheOnlyNode()
    {
        // The newcomer refuses to share a host with app=batch; evicting the batch replica is the only way in.
        // InterPodAffinity caches its counts per snapshot version, so this also checks that simulated evictions refresh it.
        var profile = Profile with { Filters = [new(NodeResourcesFit.Name), new(InterPodAffinity.Name)] };
        var h = new SchedulerHarness([Node("a")], profile);
        h.Place(Workload("batch").Label("app", "batch"), "a");
        var antiBatch = new ReplicaAffinity(
            [new ReplicaAffinityTerm(Selector(("app", "batch")), [], null, "kubernetes.io/hostname", [], [])], []);

        var result = h.Schedule(Workload("web").Priority(10).PodAntiAffinity(antiBatch));

        Assert.True(result.IsPlaced);
        Assert.Equal(["default/batch-0"], result.Victims.Select(v => v.Key));
    }

    [Fact]
    public void PostFilter_EvictsOnlyTheLowestPriorityVictim_WhenOneEvictionMakesRoom()
    {
        // Node a: 4 cpu, full with low (priority 10, 2 cpu) and lower (priority 5, 2 cpu); the newcomer needs 2 cpu.
        // Without both: 0 + 2 <= 4 fits. Reprieve low first (higher priority): 2 + 2 = 4 <= 4, kept.
        // Reprieve lower: 2 + 2 + 2 = 6 > 4, evicted.
        var h = Harness([Node("a")]);
        h.Place(Workload("low").Priority(10).Requests(("cpu", "2")), "a");
        h.Place(Workload("lower").Priority(5).Requests(("cpu", "2")), "a");
        long version = h.Snapshot.Version;
        var before = h.Snapshot.ReplicasOn(0).ToArray();

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "2")));

        Assert.True(result.IsPlaced);
        Assert.Equal("a", result.NodeName);
        Assert.Equal(["default/lower-0"], result.Victims.Select(v => v.Key));
        var details = DetailsOf(result);
        Assert.Equal("a", details.Chosen);
        var candidate = Assert.Single(details.Candidates);
        Assert.Equal("a", candidate.Node);
        Assert.Equal(["default/lower-0"], candidate.Victims);
        Assert.Equal(0, candidate.BudgetViolations);
        // The simulation is undone: same replicas, same order, same requests; the version moved on, so caches refresh.
        Assert.NotEqual(version, h.Snapshot.Version);
        Assert.Equal(before, h.Snapshot.ReplicasOn(0));
        Assert.Equal(4000, h.Snapshot.Cpu.Requested(0));
        Assert.Equal(2, h.Snapshot.Pods.Requested(0));
    }

    [Fact]
    public void PostFilter_ReprievesTheLongestRunning_WhenOnlyOneOfTwoEqualVictimsMustGo()
    {
        // Node a: 4 cpu, full with newer (priority 10, started Jan 2) and older (priority 10, started Jan 1).
        // Equal priority: the older is more important, so it is reprieved first: 2 + 2 = 4 <= 4, kept;
        // then newer: 2 + 2 + 2 = 6 > 4, evicted.
        var h = Harness([Node("a")]);
        h.PlaceStarted(Workload("newer").Priority(10).Requests(("cpu", "2")), Day(2), "a");
        h.PlaceStarted(Workload("older").Priority(10).Requests(("cpu", "2")), Day(1), "a");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "2")));

        Assert.Equal("a", result.NodeName);
        Assert.Equal(["default/newer-0"], result.Victims.Select(v => v.Key));
    }

    [Fact]
    public void PostFilter_LeavesTheReplicaUnschedulable_WhenPreemptionPolicyIsNever()
    {
        var h = Harness([Node("a")]);
        h.Place(Workload("low").Priority(0).Requests(("cpu", "4")), "a");

        var result = h.Schedule(Workload("polite").Priority(100, PreemptionPolicy.Never).Requests(("cpu", "2")));

        Assert.Equal(PlacementOutcome.Unschedulable, result.Outcome);
        Assert.Empty(result.Victims);
        Assert.Null(result.PostFilterDetails);
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu.", result.Diagnostics.Summary);
        Assert.Equal("preemption: not eligible due to preemptionPolicy=Never.", result.Diagnostics.PostFilterSummary);
    }

    [Fact]
    public void PostFilter_LeavesTheReplicaUnschedulable_WhenNoReplicaHasLowerPriority()
    {
        // Equal priority is not lower: nothing may be evicted.
        var h = Harness([Node("a"), Node("b")]);
        h.Place(Workload("peer").Priority(100).Requests(("cpu", "4")), "a", "b");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "2")));

        Assert.Equal(PlacementOutcome.Unschedulable, result.Outcome);
        Assert.Empty(result.Victims);
        Assert.Equal("preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.", result.Diagnostics.PostFilterSummary);
    }

    [Fact]
    public void PostFilter_SaysWhyEachNodeDidNotHelp_InKubernetesWords()
    {
        // a: cordoned (eviction cannot help); b: 4 cpu, even empty too small for 6 cpu; c: only an equal-priority replica.
        var h = Harness([Node("a").Cordoned(), Node("b"), Node("c")]);
        h.Place(Workload("low").Priority(0).Requests(("cpu", "1")), "b");
        h.Place(Workload("peer").Priority(100).Requests(("cpu", "4")), "c");

        var result = h.Schedule(Workload("huge").Priority(100).Requests(("cpu", "6")));

        Assert.Equal(PlacementOutcome.Unschedulable, result.Outcome);
        Assert.Equal(
            "preemption: 0/3 nodes are available: 1 Insufficient cpu, 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.",
            result.Diagnostics.PostFilterSummary);
    }

    [Fact]
    public void PostFilter_SkipsNodes_RefusedForAReasonEvictionCannotResolve()
    {
        // Cordoned node a has a low-priority victim, but evicting it cannot uncordon the node.
        var h = Harness([Node("a").Cordoned(), Node("b")]);
        h.Place(Workload("low").Priority(0).Requests(("cpu", "4")), "a");
        h.Place(Workload("peer").Priority(100).Requests(("cpu", "4")), "b");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "2")));

        Assert.Equal(PlacementOutcome.Unschedulable, result.Outcome);
        Assert.Empty(result.Victims);
    }

    [Fact]
    public void PostFilter_ChoosesTheNodeWithoutBudgetViolations_OverAnEarlierNode()
    {
        // db-pdb minAvailable 1 over 1 running db replica: allowed = 1 - 1 = 0, so evicting db-0 violates it.
        // Node a (first) would need db-0 evicted (1 violation), node b web-0 (0 violations): b wins.
        var budget = new DisruptionBudget("db-pdb", "default", Selector(("app", "db")), MinAvailable: "1");
        var h = Harness([Node("a"), Node("b")], budget);
        h.Place(Workload("db").Label("app", "db").Priority(0).Requests(("cpu", "4")), "a");
        h.Place(Workload("web").Label("app", "web").Priority(0).Requests(("cpu", "4")), "b");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "2")));

        Assert.Equal("b", result.NodeName);
        Assert.Equal(["default/web-0"], result.Victims.Select(v => v.Key));
        var details = DetailsOf(result);
        Assert.Equal(["a:default/db-0:1", "b:default/web-0:0"],
            details.Candidates.Select(c => $"{c.Node}:{string.Join(",", c.Victims)}:{c.BudgetViolations}"));
        Assert.Equal("b", details.Chosen);
    }

    [Fact]
    public void PostFilter_ReprievesBudgetedVictimsFirst_EvenWhenLessImportant()
    {
        // Node a: 4 cpu, full with web (priority 10, 2 cpu) and db (priority 5, 2 cpu, budget allows 0 disruptions).
        // Violating victims are reprieved first: db back, 2 + 2 = 4 <= 4, kept; then web: 6 > 4, evicted.
        // (By importance alone web would be kept and db evicted, breaking the budget.)
        var budget = new DisruptionBudget("db-pdb", "default", Selector(("app", "db")), MinAvailable: "100%");
        var h = Harness([Node("a")], budget);
        h.Place(Workload("web").Label("app", "web").Priority(10).Requests(("cpu", "2")), "a");
        h.Place(Workload("db").Label("app", "db").Priority(5).Requests(("cpu", "2")), "a");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "2")));

        Assert.Equal(["default/web-0"], result.Victims.Select(v => v.Key));
        Assert.Equal(0, Assert.Single(DetailsOf(result).Candidates).BudgetViolations);
    }

    [Fact]
    public void PostFilter_EvictsTheBudgetedReplica_WhenTheBudgetAllowsIt()
    {
        // maxUnavailable 1 over 2 running db replicas (scale 2): desired healthy 2 - 1 = 1, allowed 2 - 1 = 1.
        // Node a then needs db-0 evicted with 0 violations, and a comes first: a wins.
        var budget = new DisruptionBudget("db-pdb", "default", Selector(("app", "db")), MaxUnavailable: "1");
        var h = Harness([Node("a"), Node("b"), Node("c")], budget);
        h.Place(Workload("db").Label("app", "db").Replicas(2).Priority(0).Requests(("cpu", "4")), "a", "c");
        h.Place(Workload("web").Label("app", "web").Priority(0).Requests(("cpu", "4")), "b");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "2")));

        Assert.Equal("a", result.NodeName);
        Assert.All(DetailsOf(result).Candidates, c => Assert.Equal(0, c.BudgetViolations));
    }

    [Fact]
    public void PostFilter_PrefersTheLowerHighestVictimPriority()
    {
        // a: victim priority 20; b: victim priority 10 → b, although a comes first.
        var h = Harness([Node("a"), Node("b")]);
        h.Place(Workload("mid").Priority(20).Requests(("cpu", "4")), "a");
        h.Place(Workload("low").Priority(10).Requests(("cpu", "4")), "b");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "2")));

        Assert.Equal("b", result.NodeName);
    }

    [Fact]
    public void PostFilter_PrefersTheSmallerPrioritySum_WhenHighestPrioritiesTie()
    {
        // The newcomer needs the whole node, so both victims go on either node; highest priority is 10 on both.
        // Sums (each + 2^31): a = 10 + 10 + 2^32, b = 10 + 5 + 2^32 → b.
        var h = Harness([Node("a"), Node("b")]);
        h.Place(Workload("x").Priority(10).Requests(("cpu", "2")), "a");
        h.Place(Workload("y").Priority(10).Requests(("cpu", "2")), "a");
        h.Place(Workload("z").Priority(10).Requests(("cpu", "2")), "b");
        h.Place(Workload("w").Priority(5).Requests(("cpu", "2")), "b");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "4")));

        Assert.Equal("b", result.NodeName);
        Assert.Equal(["default/z-0", "default/w-0"], result.Victims.Select(v => v.Key));
    }

    [Fact]
    public void PostFilter_PrefersTheLatestStartedVictims_WhenPrioritiesAndCountsTie()
    {
        // One priority-10 victim per node; a's started Jan 1, b's Jan 5, c's Jan 3 → b (latest start).
        var h = Harness([Node("a"), Node("b"), Node("c")]);
        h.PlaceStarted(Workload("old").Priority(10).Requests(("cpu", "4")), Day(1), "a");
        h.PlaceStarted(Workload("young").Priority(10).Requests(("cpu", "4")), Day(5), "b");
        h.PlaceStarted(Workload("mid").Priority(10).Requests(("cpu", "4")), Day(3), "c");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "2")));

        Assert.Equal("b", result.NodeName);
        Assert.Equal(3, DetailsOf(result).Candidates.Count);
    }

    [Fact]
    public void PostFilter_PicksTheFirstNode_WhenEverythingTies()
    {
        var h = Harness([Node("a"), Node("b")]);
        h.PlaceStarted(Workload("p").Priority(10).Requests(("cpu", "4")), Day(1), "a", "b");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "2")));

        Assert.Equal("a", result.NodeName);
    }

    [Theory]
    // minAvailable 2 of 3 running: 3 - 2 = 1.
    [InlineData("2", null, 3, 3, 1)]
    // minAvailable 50% of scale 3: ceil(1.5) = 2 desired; 3 - 2 = 1.
    [InlineData("50%", null, 3, 3, 1)]
    // maxUnavailable 50% of scale 3: ceil(1.5) = 2; desired 3 - 2 = 1; 3 - 1 = 2.
    [InlineData(null, "50%", 3, 3, 2)]
    // maxUnavailable 1 of scale 3 with 2 running: desired 2; 2 - 2 = 0.
    [InlineData(null, "1", 2, 3, 0)]
    // Nothing running: nothing allowed.
    [InlineData(null, "1", 0, 0, 0)]
    public void DisruptionsAllowed_FollowsTheDisruptionController(string? minAvailable, string? maxUnavailable, int running, int scale, int expected)
    {
        var budget = new DisruptionBudget("b", "default", Selector(("app", "x")), minAvailable, maxUnavailable);
        Assert.Null(budget.Validate());
        Assert.Equal(expected, budget.DisruptionsAllowed(running, scale));
    }
}
