using Berth.Server.Reconciliation;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;

namespace Berth.Server.Tests.Reconciliation;

/// <summary>Running/Missing: a replica Running in the store that its node's agent does not hold (heartbeat inventories).</summary>
public sealed class ReconcilerMissingTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Reconcile_RunningAbsentFromInventoryPastTheGrace_ReleasesItAndPlacesItAgain()
    {
        await using var h = new ReconcilerHarness(new ReconcilerOptions { MissingGrace = 15 * Second });
        await h.RegisterNodesAsync(1);
        var web = StateFixtures.Workload(replicas: 1);
        await h.ApplyAsync(web);
        await h.SettleAsync(web);
        var running = (await h.AssignmentsAsync(web))[0];

        // The agent restarted and holds nothing; the clock starts when the reconciler first sees it absent.
        await h.HeartbeatAsync("n1");
        Assert.True((await h.ReconcileAsync(web)).Idle);
        for (int beat = 0; beat < 7; beat++)
        {
            h.Clock.Advance(2 * Second);
            await h.HeartbeatAsync("n1");
            Assert.True((await h.ReconcileAsync(web)).Idle);
        }

        h.Clock.Advance(Second);
        await h.HeartbeatAsync("n1");
        var outcome = await h.ReconcileAsync(web);

        Assert.Equal(
            [(ReconcileCase.RunningMissing, ReconcileAction.Release), (ReconcileCase.RunningMissing, ReconcileAction.Place)],
            outcome.Records.Select(r => (r.Case, r.Action)));
        Assert.All(outcome.Records, r => Assert.Equal(ReconcileResult.Changed, r.Result));
        Assert.Equal(ReconcilerMessages.Assigned(AssignmentState.Running, "n1", running.Value.WorkloadRevision), outcome.Records[0].Observed);
        var again = (await h.AssignmentsAsync(web))[0];
        Assert.Equal(AssignmentState.Pending, again.Value.State);
        Assert.True(again.ModRevision > running.ModRevision);
        var released = Assert.Single(await h.EventsAsync(ClusterEventType.ReplicaReleased));
        Assert.Equal(ReconcilerMessages.MissingFromNode($"default/{web.Name}/0", "n1", 15 * Second), released.Message);
        Assert.Equal(outcome.Records, (await h.RecordsAsync(web)).TakeLast(2));
    }

    [Fact]
    public async Task Reconcile_RunningHeldInInventory_IsNeverReleased()
    {
        await using var h = new ReconcilerHarness(new ReconcilerOptions { MissingGrace = 15 * Second });
        await h.RegisterNodesAsync(1);
        var web = StateFixtures.Workload(replicas: 1);
        long revision = await h.ApplyAsync(web);
        await h.SettleAsync(web);

        for (int beat = 0; beat < 30; beat++)
        {
            h.Clock.Advance(2 * Second);
            await h.HeartbeatAsync("n1", (web, 0, revision));
            Assert.True((await h.ReconcileAsync(web)).Idle);
        }
    }

    [Fact]
    public async Task Reconcile_InventoryBackBeforeTheGrace_RestartsTheClock()
    {
        await using var h = new ReconcilerHarness(new ReconcilerOptions { MissingGrace = 15 * Second });
        await h.RegisterNodesAsync(1);
        var web = StateFixtures.Workload(replicas: 1);
        long revision = await h.ApplyAsync(web);
        await h.SettleAsync(web);

        await h.HeartbeatAsync("n1");
        Assert.True((await h.ReconcileAsync(web)).Idle);
        h.Clock.Advance(10 * Second);
        await h.HeartbeatAsync("n1", (web, 0, revision));
        Assert.True((await h.ReconcileAsync(web)).Idle);

        // Absent again: a full grace from here, not from the first absence.
        await h.HeartbeatAsync("n1");
        Assert.True((await h.ReconcileAsync(web)).Idle);
        h.Clock.Advance(10 * Second);
        await h.HeartbeatAsync("n1");
        Assert.True((await h.ReconcileAsync(web)).Idle);
        h.Clock.Advance(5 * Second);
        await h.HeartbeatAsync("n1");
        Assert.False((await h.ReconcileAsync(web)).Idle);
    }

    [Fact]
    public async Task Reconcile_NodeWithoutInventory_IsNeverJudged()
    {
        // An agent that sends no inventory (an older version), or a server that restarted and heard no beat yet.
        await using var h = new ReconcilerHarness(new ReconcilerOptions { MissingGrace = 15 * Second });
        await h.RegisterNodesAsync(1);
        var web = StateFixtures.Workload(replicas: 1);
        await h.ApplyAsync(web);
        await h.SettleAsync(web);

        for (int beat = 0; beat < 30; beat++)
        {
            h.Clock.Advance(2 * Second);
            await h.Nodes.HeartbeatAsync("n1");
            Assert.True((await h.ReconcileAsync(web)).Idle);
        }
    }

    [Fact]
    public async Task Reconcile_NoInventorySinceTheClockStarted_WaitsForTwo()
    {
        // The inventory seen first may have been taken just before the replica started: only later ones count.
        await using var h = new ReconcilerHarness(new ReconcilerOptions { MissingGrace = 15 * Second });
        await h.RegisterNodesAsync(1);
        var web = StateFixtures.Workload(replicas: 1);
        await h.ApplyAsync(web);
        await h.SettleAsync(web);

        await h.HeartbeatAsync("n1");
        Assert.True((await h.ReconcileAsync(web)).Idle);
        h.Clock.Advance(20 * Second);
        await h.Nodes.HeartbeatAsync("n1");
        Assert.True((await h.ReconcileAsync(web)).Idle);
        await h.HeartbeatAsync("n1");
        Assert.True((await h.ReconcileAsync(web)).Idle);

        await h.HeartbeatAsync("n1");

        Assert.Equal(ReconcileAction.Release, (await h.ReconcileAsync(web)).Records[0].Action);
    }

    [Fact]
    public async Task Reconcile_InventoryHoldingAnotherRevision_CountsAsMissing()
    {
        await using var h = new ReconcilerHarness(new ReconcilerOptions { MissingGrace = 15 * Second });
        await h.RegisterNodesAsync(1);
        var web = StateFixtures.Workload(replicas: 1);
        long revision = await h.ApplyAsync(web);
        await h.SettleAsync(web);

        await h.HeartbeatAsync("n1", (web, 0, revision - 1));
        Assert.True((await h.ReconcileAsync(web)).Idle);
        h.Clock.Advance(16 * Second);
        await h.HeartbeatAsync("n1", (web, 0, revision - 1));
        await h.HeartbeatAsync("n1", (web, 0, revision - 1));

        Assert.Equal(ReconcileAction.Release, (await h.ReconcileAsync(web)).Records[0].Action);
    }

    [Fact]
    public void Options_MissingGraceNotPositive_NamesTheKey()
    {
        var e = Assert.Throws<ArgumentException>(() => new ReconcilerOptions { MissingGrace = TimeSpan.Zero }.Validate());

        Assert.Equal(ReconcilerMessages.NotPositive("Reconciler:MissingGrace", TimeSpan.Zero), e.Message);
    }
}
