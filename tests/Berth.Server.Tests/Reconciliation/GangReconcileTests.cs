using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.Reconciliation;

/// <summary>A gang that loses a member for good gives all its room back after its timeout.</summary>
public sealed class GangReconcileTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ReleaseExpiredGangs_GangShortOfAMemberAfterANodeLoss_ReleasesTheRestAfterItsTimeout()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(3);
        // One member per node (3 of each node's 4 cpu).
        var gang = StateFixtures.Workload("train", replicas: 3, cpu: "3") with { Gang = new GangPolicy(3, 30) };
        await h.ApplyAsync(gang);
        await h.SettleAsync(gang);
        Assert.Equal(3, (await h.AssignmentsAsync(gang)).Count);

        // n3 goes silent until it is lost: its member is released and finds no room elsewhere.
        Server.Nodes.NodeCheckResult check = new([], [], [], []);
        for (int i = 0; i < 10 && check.Lost.Count == 0; i++)
        {
            h.Clock.Advance(5 * Second);
            await h.Nodes.HeartbeatAsync("n1");
            await h.Nodes.HeartbeatAsync("n2");
            check = await h.Nodes.CheckAsync();
        }
        await h.Reconciler.RecordNodeCheckAsync(check);
        await h.ReconcileAsync(gang);
        Assert.Equal(2, (await h.AssignmentsAsync(gang)).Values.Count(a => a.Value.HoldsResources));

        Assert.Empty(await h.Reconciler.ReleaseExpiredGangsAsync());
        for (int i = 0; i < 5; i++)
        {
            h.Clock.Advance(5 * Second);
            await h.Nodes.HeartbeatAsync("n1");
            await h.Nodes.HeartbeatAsync("n2");
            Assert.Empty(await h.Reconciler.ReleaseExpiredGangsAsync());
        }
        h.Clock.Advance(5 * Second);
        var released = await h.Reconciler.ReleaseExpiredGangsAsync();

        Assert.Equal([WorkloadKey.Of(gang)], released);
        Assert.DoesNotContain((await h.AssignmentsAsync(gang)).Values, a => a.Value.HoldsResources);
        var timedOut = Assert.Single(await h.EventsAsync(ClusterEventType.GangTimedOut));
        Assert.StartsWith("gang default/train held 2 of its minAvailable 3 replicas for 30 s (timeoutSeconds 30)", timedOut.Message);

        // Placed again whole or not at all: two nodes cannot hold three members, so nothing holds room.
        await h.ReconcileAsync(gang);
        Assert.DoesNotContain((await h.AssignmentsAsync(gang)).Values, a => a.Value.HoldsResources);
    }
}
