using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Server.Placement;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Placement;

/// <summary>Preemption through the placer and the applier: who is evicted for whom, what is recorded, what is never evicted.</summary>
public sealed class PreemptionPlacementTests
{
    private static WorkloadPlacer Placer(StateHarness h) => new(h.Store, h.Events, null, new SchedulerOptions(1));

    private static async Task<IReadOnlyList<Assignment>> AssignmentsAsync(StateHarness h, WorkloadSpec workload)
    {
        var range = await h.Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsOf(WorkloadKey.Of(workload))));
        return [.. range.Kvs.Select(kv => StateSerializer.Deserialize<Assignment>(kv.Value.Span)).OrderBy(a => a.Replica)];
    }

    private static async Task<WorkloadSpec> FullOfLowAsync(StateHarness h, WorkloadPlacer placer, int priority = 0)
    {
        await h.PutAsync(StateFixtures.Node("n1", cpu: "2"));
        var low = StateFixtures.Workload("low", replicas: 2, cpu: "1") with { Priority = priority };
        await h.PutAsync(low);
        Assert.Equal(2, (await placer.PlaceAsync(WorkloadKey.Of(low))).Where(ReplicaOutcomeKind.Placed).Count);
        return low;
    }

    [Fact]
    public async Task PlaceAsync_Preempting_RecordsWhoWasEvictedForWhom_OnBothSides()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        var low = await FullOfLowAsync(h, placer);
        var high = StateFixtures.Workload("high", replicas: 1, cpu: "1") with { Priority = 1000, PriorityClassName = "critical" };
        var start = await h.PutAsync(high);

        await placer.PlaceAsync(WorkloadKey.Of(high));

        var placed = Assert.Single(await AssignmentsAsync(h, high));
        var events = await h.Events.ReadAfterAsync(start);
        var evicted = Assert.Single(events, e => e.Type == ClusterEventType.ReplicaEvicted);
        // The preemptor's explanation (shown by describe and get -o wide) names the node it was nominated to and its victim.
        Assert.EndsWith($"; nominated node n1 by preempting {evicted.Subject} (priority 0)", placed.Explanation, StringComparison.Ordinal);
        // The victim's event names the preemptor, its priority, the replica and the node.
        Assert.Equal(StateMessages.Evicted(evicted.Subject, "n1", PlacementMessages.Preempted(WorkloadKey.Of(high), 1000, "default/high/0", "n1")), evicted.Message);
        var scheduled = Assert.Single(events, e => e.Type == ClusterEventType.WorkloadScheduled);
        Assert.Contains($"by preempting {evicted.Subject}", scheduled.Message, StringComparison.Ordinal);
        // Eviction and placement are one commit: no revision sees the node over-committed or the room free for another.
        Assert.Equal(evicted.Revision, scheduled.Revision);
        Assert.Single(await AssignmentsAsync(h, low));
    }

    [Fact]
    public async Task PlaceAsync_PreemptionPolicyNever_EvictsNothing_AndSaysWhy()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        var low = await FullOfLowAsync(h, placer);
        var patient = StateFixtures.Workload("patient", replicas: 1, cpu: "1") with { Priority = 1000, PreemptionPolicy = PreemptionPolicy.Never };
        await h.PutAsync(patient);

        var pass = await placer.PlaceAsync(WorkloadKey.Of(patient));

        var outcome = Assert.Single(pass.Replicas);
        Assert.Equal(ReplicaOutcomeKind.Unschedulable, outcome.Kind);
        Assert.Contains("preemption: not eligible due to preemptionPolicy=Never.", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal(2, (await AssignmentsAsync(h, low)).Count);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(2000)]
    public async Task PlaceAsync_NeverEvictsEqualOrHigherPriority(int running)
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        var low = await FullOfLowAsync(h, placer, priority: running);
        var high = StateFixtures.Workload("high", replicas: 1, cpu: "1") with { Priority = 1000 };
        await h.PutAsync(high);

        var pass = await placer.PlaceAsync(WorkloadKey.Of(high));

        Assert.Equal(ReplicaOutcomeKind.Unschedulable, Assert.Single(pass.Replicas).Kind);
        Assert.Equal(2, (await AssignmentsAsync(h, low)).Count);
    }

    [Fact]
    public async Task PlaceAllAsync_AfterPreemption_PlacesTheVictimAgainWhereRoomIs_OrKeepsItPendingWithAReason()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        var low = await FullOfLowAsync(h, placer);
        var high = StateFixtures.Workload("high", replicas: 1, cpu: "1") with { Priority = 1000 };
        await h.PutAsync(high);
        await placer.PlaceAsync(WorkloadKey.Of(high));

        // No room anywhere: the evicted replica waits, with the reason recorded, and preempts nothing (equal priority).
        var waiting = await placer.PlaceAsync(WorkloadKey.Of(low));
        var unplaced = Assert.Single(waiting.Where(ReplicaOutcomeKind.Unschedulable));
        Assert.StartsWith("0/1 nodes are available: 1 Insufficient cpu.", unplaced.Detail, StringComparison.Ordinal);
        Assert.NotNull(await h.Store.GetAsync(KeyLayout.Unschedulable(WorkloadKey.Of(low), unplaced.Replica)));

        // A node joins: the victim is placed there.
        await h.PutAsync(StateFixtures.Node("n2", cpu: "2"));
        var passes = await placer.PlaceAllAsync();

        Assert.Equal(["n1", "n2"], (await AssignmentsAsync(h, low)).Select(a => a.Node).Order(StringComparer.Ordinal));
        Assert.Equal("n1", Assert.Single(await AssignmentsAsync(h, high)).Node);
        Assert.DoesNotContain(passes.SelectMany(p => p.Replicas), r => r.Kind == ReplicaOutcomeKind.Unschedulable);
    }
    [Fact]
    public async Task PlaceAsync_PrefersVictimsWhoseWorkloadKeepsItsMinimum_OverLowerPriorityOnes()
    {
        // n1 holds both replicas of "keep" (priority 0, replicas {min: 2, max: 4}); n2 both of "spare" (priority 5).
        // By priority alone n1's victim is cheaper (0 < 5), but evicting it leaves keep below its minimum of 2.
        await using var h = new StateHarness();
        using var placer = Placer(h);
        await h.PutAsync(OnHost(StateFixtures.Node("n1", cpu: "2")));
        await h.PutAsync(OnHost(StateFixtures.Node("n2", cpu: "2")));
        var keep = StateFixtures.Workload("keep", replicas: 2, cpu: "1") with
        {
            Labels = new Dictionary<string, string> { ["app"] = "keep" },
            ReplicaRange = new ReplicaRange(2, 4),
            NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "n1" },
        };
        var spare = StateFixtures.Workload("spare", replicas: 2, cpu: "1") with
        {
            Labels = new Dictionary<string, string> { ["app"] = "spare" },
            Priority = 5,
            NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "n2" },
        };
        await h.PutAsync(keep);
        await h.PutAsync(spare);
        Assert.Equal(2, (await placer.PlaceAsync(WorkloadKey.Of(keep))).Where(ReplicaOutcomeKind.Placed).Count);
        Assert.Equal(2, (await placer.PlaceAsync(WorkloadKey.Of(spare))).Where(ReplicaOutcomeKind.Placed).Count);
        var high = StateFixtures.Workload("high", replicas: 1, cpu: "1") with { Priority = 1000 };
        await h.PutAsync(high);

        var pass = await placer.PlaceAsync(WorkloadKey.Of(high));

        Assert.Equal((ReplicaOutcomeKind.Placed, "n2"), (pass.Replicas[0].Kind, pass.Replicas[0].Node));
        Assert.Equal(2, (await AssignmentsAsync(h, keep)).Count);
        Assert.Single(await AssignmentsAsync(h, spare));
    }

    private static NodeRecord OnHost(NodeRecord node) => node with
    {
        Spec = node.Spec with { Labels = new Dictionary<string, string>(node.Spec.Labels) { ["kubernetes.io/hostname"] = node.Spec.Name } },
    };

    [Fact]
    public void WorkloadDisruptionBudgets_CoverWorkloadsWithAMinimumAndLabels_Only()
    {
        var labelled = StateFixtures.Workload("a") with { Labels = new Dictionary<string, string> { ["app"] = "a" }, ReplicaRange = new ReplicaRange(2, 3) };
        var unlabelled = StateFixtures.Workload("b") with { Labels = new Dictionary<string, string>(), ReplicaRange = new ReplicaRange(2, 3) };
        var fixedCount = StateFixtures.Workload("c") with { Labels = new Dictionary<string, string> { ["app"] = "c" } };
        var zeroMinimum = StateFixtures.Workload("d") with { Labels = new Dictionary<string, string> { ["app"] = "d" }, ReplicaRange = new ReplicaRange(0, 3) };

        var budgets = WorkloadDisruptionBudgets.From([.. new[] { labelled, unlabelled, fixedCount, zeroMinimum }.Select(w => new Stored<WorkloadSpec>("", w, 1))]);

        var budget = Assert.Single(budgets);
        Assert.Equal(("a", "default", "2"), (budget.Name, budget.Namespace, budget.MinAvailable));
        Assert.True(budget.Covers("default", labelled.Labels));
        Assert.Equal(0, budget.DisruptionsAllowed(runningReplicas: 2, workloadScale: 2));
    }
}
