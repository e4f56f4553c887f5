using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Plugins;
using Berth.Scheduling.Profiles;
using Berth.Scheduling.Tests.Fixtures;
using static Berth.Scheduling.Tests.Fixtures.NodeBuilder;
using static Berth.Scheduling.Tests.Fixtures.WorkloadBuilder;

namespace Berth.Scheduling.Tests.Plugins;

/// <summary>
/// How DefaultPreemption chooses among candidate nodes, in Kubernetes' order (pickOneNodeForPreemption): fewest budget
/// violations, lowest highest-victim priority, smallest priority sum (each term offset by 2^31), fewest victims, latest
/// start of the highest-priority victims, then the first node. Each case is built so that the criterion before it ties
/// and the criteria after it would choose another node.
/// </summary>
public class DefaultPreemptionCandidateOrderTests
{
    private static readonly SchedulingProfile Profile = new(
        "preempt",
        [new(NodeUnschedulable.Name), new(NodeResourcesFit.Name)],
        [new(NodeResourcesFit.Name, 1)],
        [new(DefaultPreemption.Name)],
        Tiebreak.First);

    private static SchedulerHarness Harness(NodeSpec[] nodes, params DisruptionBudget[] budgets) =>
        new(nodes, Profile, disruptionBudgets: budgets);

    private static PreemptionDetails DetailsOf(PlacementResult result) => Assert.IsType<PreemptionDetails>(result.PostFilterDetails);

    [Fact]
    public void PostFilter_EqualVictimCounts_ChoosesTheLowestHighestVictimPriority_OverASmallerSum()
    {
        // Every node must give up both of its replicas (the newcomer needs all 4 cpu): two victims everywhere.
        // a: {30, 1} (first node), b: {10, 10} (sum 20), c: {15, 1} (sum 16, the smallest). The highest victim priority
        // decides before the sum: b's is 10, lower than a's 30 and c's 15.
        var h = Harness([Node("a"), Node("b"), Node("c")]);
        h.Place(Workload("a-high").Priority(30).Requests(("cpu", "2")), "a");
        h.Place(Workload("a-low").Priority(1).Requests(("cpu", "2")), "a");
        h.Place(Workload("b-one").Priority(10).Requests(("cpu", "2")), "b");
        h.Place(Workload("b-two").Priority(10).Requests(("cpu", "2")), "b");
        h.Place(Workload("c-high").Priority(15).Requests(("cpu", "2")), "c");
        h.Place(Workload("c-low").Priority(1).Requests(("cpu", "2")), "c");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "4")));

        Assert.Equal("b", result.NodeName);
        Assert.Equal(["default/b-one-0", "default/b-two-0"], result.Victims.Select(v => v.Key));
        Assert.All(DetailsOf(result).Candidates, c => Assert.Equal(2, c.Victims.Count));
    }

    [Fact]
    public void PostFilter_EqualHighestVictimPriority_ChoosesFewestVictims_EvenWhenTheRawSumIsSmallerElsewhere()
    {
        // a (first): victims {10, -5}, raw sum 5; b: victim {10}, raw sum 10. Kubernetes offsets each term by 2^31, so
        // a's sum is 5 + 2^32 and b's 10 + 2^31: one victim fewer wins, as it must (a naive sum would pick a).
        var h = Harness([Node("a"), Node("b")]);
        h.Place(Workload("a-mid").Priority(10).Requests(("cpu", "2")), "a");
        h.Place(Workload("a-neg").Priority(-5).Requests(("cpu", "2")), "a");
        h.Place(Workload("b-mid").Priority(10).Requests(("cpu", "4")), "b");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "4")));

        Assert.Equal("b", result.NodeName);
        Assert.Equal(["default/b-mid-0"], result.Victims.Select(v => v.Key));
    }

    [Fact]
    public void PostFilter_EqualHighestPriorityAndSum_ChoosesFewestVictims()
    {
        // The one layout where the sum ties across different victim counts: a (first) has three victims
        // {10, -2^30 + 5, -2^30 + 5} and b two {10, 10}. With the 2^31 offset both sums are 20 + 2^32; the count decides.
        const int veryLow = -(1 << 30) + 5;
        var h = Harness([Node("a").Allocatable("cpu", "6"), Node("b").Allocatable("cpu", "6")]);
        h.Place(Workload("a-mid").Priority(10).Requests(("cpu", "2")), "a");
        h.Place(Workload("a-low1").Priority(veryLow).Requests(("cpu", "2")), "a");
        h.Place(Workload("a-low2").Priority(veryLow).Requests(("cpu", "2")), "a");
        h.Place(Workload("b-one").Priority(10).Requests(("cpu", "3")), "b");
        h.Place(Workload("b-two").Priority(10).Requests(("cpu", "3")), "b");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "6")));

        Assert.Equal("b", result.NodeName);
        Assert.Equal(2, result.Victims.Count);
        Assert.Equal([3, 2], DetailsOf(result).Candidates.Select(c => c.Victims.Count));
    }

    [Fact]
    public void PostFilter_FewerBudgetViolations_BeatALowerHighestVictimPriority()
    {
        // a: victim of priority 1 protected by a budget allowing no disruption; b: victim of priority 50, unprotected.
        var budget = new DisruptionBudget("keep", "default", WorkloadBuilder.Selector(("app", "keep")), MinAvailable: "1");
        var h = Harness([Node("a"), Node("b")], budget);
        h.Place(Workload("kept").Label("app", "keep").Priority(1).Requests(("cpu", "4")), "a");
        h.Place(Workload("other").Label("app", "other").Priority(50).Requests(("cpu", "4")), "b");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "4")));

        Assert.Equal("b", result.NodeName);
        Assert.Equal([1, 0], DetailsOf(result).Candidates.Select(c => c.BudgetViolations));
    }

    [Fact]
    public void PostFilter_PreemptsABudgetedVictim_WhenNoOtherNodeHelps_AndCountsTheViolation()
    {
        // Budgets are honoured as Kubernetes does: a violation is a cost, not a veto, when it is the only way.
        var budget = new DisruptionBudget("keep", "default", WorkloadBuilder.Selector(("app", "keep")), MinAvailable: "1");
        var h = Harness([Node("a")], budget);
        h.Place(Workload("kept").Label("app", "keep").Priority(1).Requests(("cpu", "4")), "a");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "4")));

        Assert.Equal("a", result.NodeName);
        Assert.Equal(1, Assert.Single(DetailsOf(result).Candidates).BudgetViolations);
    }

    [Theory]
    [InlineData(100, 100)]
    [InlineData(100, 101)]
    public void PostFilter_NeverEvictsEqualOrHigherPriority(int newcomer, int running)
    {
        var h = Harness([Node("a")]);
        h.Place(Workload("running").Priority(running).Requests(("cpu", "4")), "a");

        var result = h.Schedule(Workload("urgent").Priority(newcomer).Requests(("cpu", "4")));

        Assert.False(result.IsPlaced);
        Assert.Empty(result.Victims);
        Assert.Contains(DefaultPreemption.NoVictimsReason, result.Diagnostics.PostFilterSummary);
    }

    [Fact]
    public void PostFilter_EvictsOnlyTheLowerPriorityReplicas_OnAMixedNode()
    {
        // a holds 100 (equal), 50 and 10, 1 cpu each of 4; the newcomer (100) needs 3: only 50 and 10 may go, and they
        // are not enough, so a is no candidate; b's two lower replicas are.
        var h = Harness([Node("a"), Node("b")]);
        h.Place(Workload("a-equal").Priority(100).Requests(("cpu", "2")), "a");
        h.Place(Workload("a-mid").Priority(50).Requests(("cpu", "1")), "a");
        h.Place(Workload("a-low").Priority(10).Requests(("cpu", "1")), "a");
        h.Place(Workload("b-mid").Priority(60).Requests(("cpu", "2")), "b");
        h.Place(Workload("b-low").Priority(20).Requests(("cpu", "2")), "b");

        var result = h.Schedule(Workload("urgent").Priority(100).Requests(("cpu", "3")));

        Assert.Equal("b", result.NodeName);
        Assert.Equal("b", Assert.Single(DetailsOf(result).Candidates).Node);
        Assert.All(result.Victims, v => Assert.True(v.Priority < 100));
    }
}
