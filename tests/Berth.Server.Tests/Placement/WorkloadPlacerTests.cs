using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Server.Placement;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Placement;

public sealed class WorkloadPlacerTests
{
    private static WorkloadPlacer Placer(StateHarness h, PlacerOptions? options = null, EventLog? events = null) =>
        new(h.Store, events ?? h.Events, options, new SchedulerOptions(1));

    private static async Task<IReadOnlyList<Assignment>> AssignmentsAsync(StateHarness h, WorkloadSpec workload)
    {
        var range = await h.Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsOf(WorkloadKey.Of(workload))));
        return [.. range.Kvs.Select(kv => StateSerializer.Deserialize<Assignment>(kv.Value.Span)).OrderBy(a => a.Replica)];
    }

    /// <summary>Fails when the stored assignments that hold room on some node ask for more cpu than it has.</summary>
    private static async Task AssertNoNodeOverCommittedAsync(StateHarness h)
    {
        var state = await h.Reader.ReadAsync();
        foreach (var (name, node) in state.Nodes)
        {
            var used = state.Assignments.Where(a => a.Value.Node == name && a.Value.HoldsResources).Sum(a => a.Value.Requests.Get(ResourceNames.Cpu).Amount);
            Assert.True(used <= node.Value.Spec.Allocatable.Get(ResourceNames.Cpu).Amount, $"node {name} holds {used} cpu");
        }
    }

    private static async Task<WorkloadSpec> PlacedWebAsync(StateHarness h, WorkloadPlacer placer, int replicas = 3)
    {
        await h.PutAsync(StateFixtures.Node("n1", cpu: "1"));
        await h.PutAsync(StateFixtures.Node("n2", cpu: "1"));
        await h.PutAsync(StateFixtures.Node("n3", cpu: "1"));
        var web = StateFixtures.Workload("web", replicas: replicas, cpu: "1");
        await h.PutAsync(web);
        var pass = await placer.PlaceAsync(WorkloadKey.Of(web));
        Assert.Equal(replicas, pass.Where(ReplicaOutcomeKind.Placed).Count);
        return web;
    }

    [Fact]
    public async Task PlaceAsync_ThreeReplicasThreeNodes_PlacesPersistsAndRecordsScheduledEvents()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        await h.PutAsync(StateFixtures.Node("n1", cpu: "1"));
        await h.PutAsync(StateFixtures.Node("n2", cpu: "1"));
        await h.PutAsync(StateFixtures.Node("n3", cpu: "1"));
        var web = StateFixtures.Workload("web", replicas: 3, cpu: "1");
        var workloadRevision = await h.PutAsync(web);

        var pass = await placer.PlaceAsync(WorkloadKey.Of(web));

        Assert.Equal([0, 1, 2], pass.Replicas.Select(r => r.Replica));
        Assert.All(pass.Replicas, r => Assert.Equal(ReplicaOutcomeKind.Placed, r.Kind));
        Assert.Equal(0, pass.StaleRetries);
        var assignments = await AssignmentsAsync(h, web);
        Assert.Equal(3, assignments.Count);
        Assert.Equal(["n1", "n2", "n3"], assignments.Select(a => a.Node).Order());
        Assert.Equal(pass.Replicas.Select(r => r.Node), assignments.Select(a => a.Node));
        Assert.All(assignments, a => Assert.Equal((AssignmentState.Pending, workloadRevision), (a.State, a.WorkloadRevision)));
        var events = await h.Events.ReadAfterAsync(workloadRevision);
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal(ClusterEventType.WorkloadScheduled, e.Type));
        Assert.Equal(["default/web/0", "default/web/1", "default/web/2"], events.Select(e => e.Subject));
        await AssertNoNodeOverCommittedAsync(h);
    }

    [Fact]
    public async Task PlaceAsync_SecondPassOnUnchangedState_WritesNothing()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        var web = await PlacedWebAsync(h, placer);
        var before = await h.DumpAsync();
        var revision = (await h.Reader.ReadAsync()).Revision;

        var pass = await placer.PlaceAsync(WorkloadKey.Of(web));

        Assert.Empty(pass.Replicas);
        Assert.Equal(revision, pass.Revision);
        Assert.Equal(before, await h.DumpAsync());
        Assert.Equal(revision, (await h.Reader.ReadAsync()).Revision);
    }

    [Fact]
    public async Task PlaceAsync_SucceededReplica_IsNotPlacedAgain()
    {
        // A replica that finished (exit 0, restart policy OnFailure/Never) is done: a Running workload does not rerun it.
        await using var h = new StateHarness();
        using var placer = Placer(h);
        var web = await PlacedWebAsync(h, placer);
        var first = (await h.Reader.ReadAsync()).Assignments[0];
        await h.Store.PutAsync(first.Key, StateSerializer.Serialize(first.Value with { State = AssignmentState.Succeeded }));
        var revision = (await h.Reader.ReadAsync()).Revision;

        var pass = await placer.PlaceAsync(WorkloadKey.Of(web));

        Assert.Empty(pass.Replicas);
        Assert.Equal(revision, (await h.Reader.ReadAsync()).Revision);
    }

    [Fact]
    public async Task PlaceAsync_ScaledFromThreeToOne_RemovesReplicasTwoAndOneWithEvents()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        var web = await PlacedWebAsync(h, placer);
        var scaled = await h.PutAsync(web with { Replicas = 1 });

        var pass = await placer.PlaceAsync(WorkloadKey.Of(web));

        Assert.Equal([(1, ReplicaOutcomeKind.Removed), (2, ReplicaOutcomeKind.Removed)], pass.Replicas.Select(r => (r.Replica, r.Kind)));
        Assert.Equal([0], (await AssignmentsAsync(h, web)).Select(a => a.Replica));
        var events = await h.Events.ReadAfterAsync(scaled);
        Assert.Equal(
            [(ClusterEventType.ReplicaRemoved, "default/web/2"), (ClusterEventType.ReplicaRemoved, "default/web/1")],
            events.Select(e => (e.Type, e.Subject)));
        Assert.Empty((await placer.PlaceAsync(WorkloadKey.Of(web))).Replicas);
    }

    [Fact]
    public async Task PlaceAsync_DesiredStateStopped_MarksAssignmentsStoppedOnce()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        var web = await PlacedWebAsync(h, placer);
        var stopped = await h.PutAsync(web with { DesiredState = DesiredState.Stopped });

        var pass = await placer.PlaceAsync(WorkloadKey.Of(web));

        Assert.All(pass.Replicas, r => Assert.Equal(ReplicaOutcomeKind.Stopped, r.Kind));
        Assert.Equal(3, pass.Replicas.Count);
        Assert.All(await AssignmentsAsync(h, web), a => Assert.Equal(AssignmentState.Stopped, a.State));
        var events = await h.Events.ReadAfterAsync(stopped);
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal(ClusterEventType.ReplicaStopped, e.Type));
        var before = await h.DumpAsync();
        Assert.Empty((await placer.PlaceAsync(WorkloadKey.Of(web))).Replicas);
        Assert.Equal(before, await h.DumpAsync());
    }

    [Fact]
    public async Task PlaceAsync_StoppedWorkloadRunsAgain_PlacesItsReplicasAgain()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        var web = await PlacedWebAsync(h, placer);
        await h.PutAsync(web with { DesiredState = DesiredState.Stopped });
        await placer.PlaceAsync(WorkloadKey.Of(web));
        await h.PutAsync(web);

        var pass = await placer.PlaceAsync(WorkloadKey.Of(web));

        Assert.Equal(3, pass.Where(ReplicaOutcomeKind.Placed).Count);
        Assert.All(await AssignmentsAsync(h, web), a => Assert.Equal(AssignmentState.Pending, a.State));
        await AssertNoNodeOverCommittedAsync(h);
    }

    [Fact]
    public async Task PlaceAsync_WorkloadDeleted_RemovesItsAssignments()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        var web = await PlacedWebAsync(h, placer);
        await h.Store.DeleteAsync(KeyLayout.Workload(WorkloadKey.Of(web)));
        var deleted = (await h.Reader.ReadAsync()).Revision;

        var pass = await placer.PlaceAsync(WorkloadKey.Of(web));

        Assert.Equal(3, pass.Where(ReplicaOutcomeKind.Removed).Count);
        Assert.Empty(await AssignmentsAsync(h, web));
        var events = await h.Events.ReadAfterAsync(deleted);
        Assert.Equal(["default/web/2", "default/web/1", "default/web/0"], events.Select(e => e.Subject));
        Assert.All(events, e => Assert.Equal(ClusterEventType.ReplicaRemoved, e.Type));
    }

    [Fact]
    public async Task PlaceAsync_NodeGone_PlacesTheReplicaElsewhere()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        await h.PutAsync(StateFixtures.Node("n1", cpu: "1"));
        await h.PutAsync(StateFixtures.Node("n2", cpu: "1"));
        var web = StateFixtures.Workload("web", replicas: 1, cpu: "1");
        await h.PutAsync(web);
        var first = (await placer.PlaceAsync(WorkloadKey.Of(web))).Replicas[0].Node!;
        await h.Store.DeleteAsync(KeyLayout.Node(first));

        var pass = await placer.PlaceAsync(WorkloadKey.Of(web));

        var other = first == "n1" ? "n2" : "n1";
        Assert.Equal((ReplicaOutcomeKind.Placed, other), (pass.Replicas[0].Kind, pass.Replicas[0].Node));
        Assert.Equal(other, (await AssignmentsAsync(h, web))[0].Node);
    }

    [Fact]
    public async Task PlaceAsync_Unschedulable_OneEventPerDistinctSummaryAcrossPassesAndRestarts()
    {
        await using var h = new StateHarness();
        await h.PutAsync(StateFixtures.Node("n1", cpu: "1"));
        var big = StateFixtures.Workload("big", replicas: 1, cpu: "2");
        var start = await h.PutAsync(big);
        var key = WorkloadKey.Of(big);

        ReplicaOutcome first;
        using (var placer = Placer(h))
        {
            first = Assert.Single((await placer.PlaceAsync(key)).Replicas);
        }
        // A new placer, as after a restart: the summary it compares against comes from the store.
        using var restarted = Placer(h);
        var before = await h.DumpAsync();
        var second = Assert.Single((await restarted.PlaceAsync(key)).Replicas);

        Assert.Equal((ReplicaOutcomeKind.Unschedulable, "0/1 nodes are available: 1 Insufficient cpu."), (first.Kind, first.Detail.Split(" preemption:")[0]));
        Assert.Equal(first, second);
        Assert.Equal(before, await h.DumpAsync());
        var events = await h.Events.ReadAfterAsync(start);
        var only = Assert.Single(events);
        Assert.Equal((ClusterEventType.WorkloadUnschedulable, "default/big/0"), (only.Type, only.Subject));
        Assert.Equal(PlacementMessages.Unschedulable("default/big/0", first.Detail), only.Message);

        // The reason changes: a second, cordoned node joins.
        var n2 = StateFixtures.Node("n2", cpu: "4");
        var joined = await h.PutAsync(n2 with { Spec = n2.Spec with { Unschedulable = true } });
        var third = Assert.Single((await restarted.PlaceAsync(key)).Replicas);

        Assert.NotEqual(first.Detail, third.Detail);
        var changed = Assert.Single(await h.Events.ReadAfterAsync(joined));
        Assert.Equal(PlacementMessages.Unschedulable("default/big/0", third.Detail), changed.Message);
        var settled = (await h.Reader.ReadAsync()).Revision;
        Assert.Single((await restarted.PlaceAsync(key)).Replicas);
        Assert.Empty(await h.Events.ReadAfterAsync(settled));
    }

    [Fact]
    public async Task PlaceAsync_UnschedulableThenPlaced_DropsTheStoredSummary()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        await h.PutAsync(StateFixtures.Node("n1", cpu: "1"));
        var big = StateFixtures.Workload("big", replicas: 1, cpu: "2");
        await h.PutAsync(big);
        var key = WorkloadKey.Of(big);
        await placer.PlaceAsync(key);
        Assert.NotNull(await h.Store.GetAsync(KeyLayout.Unschedulable(key, 0)));
        await h.PutAsync(StateFixtures.Node("n2", cpu: "4"));

        var pass = await placer.PlaceAsync(key);

        Assert.Equal((ReplicaOutcomeKind.Placed, "n2"), (pass.Replicas[0].Kind, pass.Replicas[0].Node));
        Assert.Null(await h.Store.GetAsync(KeyLayout.Unschedulable(key, 0)));
    }

    [Fact]
    public async Task PlaceAsync_NodeShrinksBetweenPlanAndApply_PlansAgainWithoutOverCommitting()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        var n1 = StateFixtures.Node("n1", cpu: "2");
        await h.PutAsync(n1);
        var web = StateFixtures.Workload("web", replicas: 2, cpu: "1");
        await h.PutAsync(web);
        int calls = 0;
        placer.BeforeApply = async ct =>
        {
            if (calls++ == 0)
            {
                await h.PutAsync(n1 with { Spec = n1.Spec with { Allocatable = ResourceList.Parse((ResourceNames.Cpu, "1"), (ResourceNames.Memory, "8Gi"), (ResourceNames.Pods, "110")) } });
            }
        };

        var pass = await placer.PlaceAsync(WorkloadKey.Of(web));

        Assert.Equal(1, pass.StaleRetries);
        Assert.Equal([(0, ReplicaOutcomeKind.Placed), (1, ReplicaOutcomeKind.Unschedulable)], pass.Replicas.Select(r => (r.Replica, r.Kind)));
        Assert.Equal([0], (await AssignmentsAsync(h, web)).Select(a => a.Replica));
        await AssertNoNodeOverCommittedAsync(h);
    }

    [Fact]
    public async Task PlaceAsync_StateKeepsMoving_GivesUpAfterMaxStaleRetriesWithoutThrowing()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h, new PlacerOptions { MaxStaleRetries = 2 });
        var n1 = StateFixtures.Node("n1", cpu: "2");
        await h.PutAsync(n1);
        var web = StateFixtures.Workload("web", replicas: 1, cpu: "1");
        await h.PutAsync(web);
        int calls = 0;
        placer.BeforeApply = async ct =>
        {
            calls++;
            await h.PutAsync(n1);
        };

        var pass = await placer.PlaceAsync(WorkloadKey.Of(web));

        Assert.Equal(3, calls);
        Assert.Equal(2, pass.StaleRetries);
        Assert.True(pass.GaveUp);
        var gaveUp = Assert.Single(pass.Replicas);
        Assert.Equal(ReplicaOutcomeKind.StaleGaveUp, gaveUp.Kind);
        Assert.Contains("node 'n1' changed since the plan", gaveUp.Detail, StringComparison.Ordinal);
        Assert.Empty(await AssignmentsAsync(h, web));
    }

    [Fact]
    public async Task PlaceAsync_TwoPlacersRaceForTheLastRoom_NoNodeOverCommitted()
    {
        await using var h = new StateHarness();
        await h.PutAsync(StateFixtures.Node("n1", cpu: "2"));
        var a = StateFixtures.Workload("a", replicas: 2, cpu: "1");
        var b = StateFixtures.Workload("b", replicas: 2, cpu: "1");
        await h.PutAsync(a);
        await h.PutAsync(b);
        using var first = Placer(h, events: new EventLog(h.Store, writer: "first"));
        using var second = Placer(h, events: new EventLog(h.Store, writer: "second"));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int planned = 0;
        // Both plan against the same empty node, then both apply: the applier lets one through.
        Task Hold(CancellationToken ct)
        {
            if (Interlocked.Increment(ref planned) == 2)
            {
                release.SetResult();
            }
            return release.Task;
        }
        first.BeforeApply = Hold;
        second.BeforeApply = Hold;

        var passes = await Task.WhenAll(first.PlaceAsync(WorkloadKey.Of(a)), second.PlaceAsync(WorkloadKey.Of(b)));

        Assert.Equal(2, passes.Sum(p => p.Where(ReplicaOutcomeKind.Placed).Count));
        Assert.Equal(2, passes.Sum(p => p.Where(ReplicaOutcomeKind.Unschedulable).Count));
        Assert.Equal(1, passes.Sum(p => p.StaleRetries));
        await AssertNoNodeOverCommittedAsync(h);
    }

    [Fact]
    public async Task PlaceAsync_HigherPriorityNeedsRoom_EvictsLowerPriorityReplica()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        await h.PutAsync(StateFixtures.Node("n1", cpu: "2"));
        var low = StateFixtures.Workload("low", replicas: 2, cpu: "1");
        await h.PutAsync(low);
        Assert.Equal(2, (await placer.PlaceAsync(WorkloadKey.Of(low))).Where(ReplicaOutcomeKind.Placed).Count);
        var high = StateFixtures.Workload("high", replicas: 1, cpu: "1") with { Priority = 1000 };
        var start = await h.PutAsync(high);

        var pass = await placer.PlaceAsync(WorkloadKey.Of(high));

        Assert.Equal((ReplicaOutcomeKind.Placed, "n1"), (pass.Replicas[0].Kind, pass.Replicas[0].Node));
        var events = await h.Events.ReadAfterAsync(start);
        Assert.Equal([ClusterEventType.ReplicaEvicted, ClusterEventType.WorkloadScheduled], events.Select(e => e.Type));
        Assert.StartsWith("default/low/", events[0].Subject, StringComparison.Ordinal);
        Assert.Contains("preempted by default/high (priority 1000)", events[0].Message, StringComparison.Ordinal);
        Assert.Equal("default/high/0", events[1].Subject);
        Assert.Single(await AssignmentsAsync(h, low));
        await AssertNoNodeOverCommittedAsync(h);
    }

    [Fact]
    public async Task PlaceAllAsync_PlacesHigherPriorityFirstAndClearsDeletedWorkloads()
    {
        await using var h = new StateHarness();
        using var placer = Placer(h);
        await h.PutAsync(StateFixtures.Node("n1", cpu: "1"));
        var old = StateFixtures.Workload("old", replicas: 1, cpu: "1");
        await h.PutAsync(old);
        await placer.PlaceAsync(WorkloadKey.Of(old));
        await h.Store.DeleteAsync(KeyLayout.Workload(WorkloadKey.Of(old)));
        var low = StateFixtures.Workload("aaa-low", replicas: 1, cpu: "1") with { PreemptionPolicy = PreemptionPolicy.Never };
        var high = StateFixtures.Workload("zzz-high", replicas: 1, cpu: "1") with { Priority = 10, PreemptionPolicy = PreemptionPolicy.Never };
        await h.PutAsync(low);
        await h.PutAsync(high);

        var passes = await placer.PlaceAllAsync();

        Assert.Equal(["default/old", "default/zzz-high", "default/aaa-low"], passes.Select(p => p.Workload.ToString()));
        Assert.Equal(ReplicaOutcomeKind.Removed, passes[0].Replicas[0].Kind);
        Assert.Equal(ReplicaOutcomeKind.Placed, passes[1].Replicas[0].Kind);
        Assert.Equal(ReplicaOutcomeKind.Unschedulable, passes[2].Replicas[0].Kind);
        Assert.Empty(await AssignmentsAsync(h, old));
        await AssertNoNodeOverCommittedAsync(h);
    }
}
