using Berth.Server.Reconciliation;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Reconciliation;

/// <summary>A replica released from a node (lost, drained, missing) and placed again is recorded as Rescheduled when it moved (<see cref="ReleaseMarker"/>).</summary>
public sealed class RescheduledTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static async Task<IReadOnlyList<KeyValue>> MarkersAsync(ReconcilerHarness h, Berth.Core.Specs.WorkloadSpec spec) =>
        (await h.Store.RangeAsync(KeyRange.Prefix(KeyLayout.ReleasedOf(WorkloadKey.Of(spec))))).Kvs;

    [Fact]
    public async Task Reconcile_ReplicaOfALostNodePlacedElsewhere_IsRescheduledNamingBothNodes()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(2);
        var web = StateFixtures.Workload(replicas: 1);
        await h.ApplyAsync(web);
        await h.SettleAsync(web);
        var from = (await h.AssignmentsAsync(web))[0].Value.Node;
        var alive = from == "n1" ? "n2" : "n1";

        // The replica's node goes silent past both graces; the other keeps beating.
        for (int i = 0; i < 7; i++)
        {
            h.Clock.Advance(5 * Second);
            await h.Nodes.HeartbeatAsync(alive);
            await h.Reconciler.RecordNodeCheckAsync(await h.Nodes.CheckAsync());
        }
        Assert.Single(await MarkersAsync(h, web));
        await h.ReconcileAsync(web);

        Assert.Equal(alive, (await h.AssignmentsAsync(web))[0].Value.Node);
        var moved = Assert.Single(await h.EventsAsync(ClusterEventType.Rescheduled));
        Assert.Equal($"default/{web.Name}/0", moved.Subject);
        Assert.StartsWith($"replica default/{web.Name}/0 moved from node {from} to node {alive}: ", moved.Message, StringComparison.Ordinal);
        Assert.Single(await h.EventsAsync(ClusterEventType.WorkloadScheduled));
        Assert.Empty(await MarkersAsync(h, web));
    }

    [Fact]
    public async Task Reconcile_DrainedReplicaPlacedElsewhere_IsRescheduled()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(2);
        var web = StateFixtures.Workload(replicas: 1);
        await h.ApplyAsync(web);
        await h.SettleAsync(web);
        var from = (await h.AssignmentsAsync(web))[0].Value.Node;

        var drain = await h.Nodes.DrainAsync(from);
        await h.ReconcileAsync(web);

        Assert.Single(drain!.Released);
        var to = (await h.AssignmentsAsync(web))[0].Value.Node;
        Assert.NotEqual(from, to);
        var moved = Assert.Single(await h.EventsAsync(ClusterEventType.Rescheduled));
        Assert.StartsWith($"replica default/{web.Name}/0 moved from node {from} to node {to}: ", moved.Message, StringComparison.Ordinal);
        Assert.Empty(await MarkersAsync(h, web));
    }

    [Fact]
    public async Task Reconcile_MissingReplicaPlacedBackOnItsNode_IsScheduledNotRescheduled()
    {
        await using var h = new ReconcilerHarness(new ReconcilerOptions { MissingGrace = 15 * Second });
        await h.RegisterNodesAsync(1);
        var web = StateFixtures.Workload(replicas: 1);
        await h.ApplyAsync(web);
        await h.SettleAsync(web);

        await h.HeartbeatAsync("n1");
        await h.ReconcileAsync(web);
        h.Clock.Advance(16 * Second);
        await h.HeartbeatAsync("n1");
        await h.HeartbeatAsync("n1");
        await h.ReconcileAsync(web);

        Assert.Equal(AssignmentState.Pending, (await h.AssignmentsAsync(web))[0].Value.State);
        Assert.Empty(await h.EventsAsync(ClusterEventType.Rescheduled));
        Assert.Equal(2, (await h.EventsAsync(ClusterEventType.WorkloadScheduled)).Count);
        Assert.Empty(await MarkersAsync(h, web));
    }

    [Fact]
    public async Task Reconcile_ReleasedReplicaScaledAway_ForgetsItsMarker()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(2);
        var web = StateFixtures.Workload(replicas: 2);
        await h.ApplyAsync(web);
        await h.SettleAsync(web);
        var node = (await h.AssignmentsAsync(web))[1].Value.Node;
        // Cordoned first, so the drain releases replica 1 alone (one per workload per step) and nothing lands there.
        await h.Nodes.CordonAsync(node == "n1" ? "n2" : "n1");
        await h.Nodes.DrainAsync(node);
        Assert.NotEmpty(await MarkersAsync(h, web));

        await h.ApplyAsync(web with { Replicas = 0 });
        await h.ReconcileAsync(web with { Replicas = 0 });

        Assert.Empty(await MarkersAsync(h, web));
    }

    [Fact]
    public async Task Reconcile_DeletedWorkloadWithAMarker_RemovesIt()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(1);
        var web = StateFixtures.Workload(replicas: 1);
        await h.ApplyAsync(web);
        await h.SettleAsync(web);
        await h.Nodes.DrainAsync("n1");
        Assert.Single(await MarkersAsync(h, web));

        await h.Store.DeleteAsync(KeyLayout.Workload(WorkloadKey.Of(web)));
        var (workloads, _) = await h.Reconciler.WorkloadsAsync();
        Assert.Contains(WorkloadKey.Of(web), workloads);
        await h.ReconcileAsync(web);

        Assert.Empty(await MarkersAsync(h, web));
    }
}
