using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Placement;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Placement;

/// <summary>Partial gangs give their room back after their timeout, on the given clock.</summary>
public sealed class GangTimeoutsTests
{
    private static readonly WorkloadSpec Train = StateFixtures.Workload("train", replicas: 3, cpu: "1") with { Gang = new GangPolicy(3, 30) };

    private static async Task HoldAsync(StateHarness h, WorkloadSpec workload, int replica, string node, AssignmentState state = AssignmentState.Pending)
    {
        var key = WorkloadKey.Of(workload);
        var assignment = new Assignment(key, replica, node, 1, ResourceList.Parse((ResourceNames.Cpu, "1")), [], "held", state);
        await h.Store.PutAsync(KeyLayout.Assignment(key, replica), StateSerializer.Serialize(assignment));
    }

    private static async Task<int> AssignmentCountAsync(StateHarness h, WorkloadSpec workload) =>
        (await h.Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsOf(WorkloadKey.Of(workload))))).Kvs.Count;

    private static async Task<(StateHarness H, ManualTimeProvider Time, GangTimeouts Gangs)> PartialGangAsync()
    {
        var h = new StateHarness();
        await h.PutAsync(StateFixtures.Node("n1", cpu: "2"));
        await h.PutAsync(Train);
        await HoldAsync(h, Train, 0, "n1");
        await HoldAsync(h, Train, 1, "n1");
        var time = new ManualTimeProvider(StateFixtures.T0);
        return (h, time, new GangTimeouts(h.Store, h.Events, new ClusterCache(h.Store), time));
    }

    [Fact]
    public async Task ReleaseExpiredAsync_PartialGangPastItsTimeout_ReleasesEveryHold_WithOneEvent()
    {
        var (h, time, gangs) = await PartialGangAsync();
        await using var _ = h;
        Assert.Empty(await gangs.ReleaseExpiredAsync());
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await gangs.ReleaseExpiredAsync());
        Assert.Equal(2, await AssignmentCountAsync(h, Train));
        var revision = (await h.Reader.ReadAsync()).Revision;

        time.Advance(TimeSpan.FromSeconds(1));
        var released = await gangs.ReleaseExpiredAsync();

        Assert.Equal([WorkloadKey.Of(Train)], released);
        Assert.Equal(0, await AssignmentCountAsync(h, Train));
        var e = Assert.Single(await h.Events.ReadAfterAsync(revision));
        Assert.Equal(ClusterEventType.GangTimedOut, e.Type);
        Assert.Equal("default/train", e.Subject);
        Assert.Equal(
            "gang default/train held 2 of its minAvailable 3 replicas for 30 s (timeoutSeconds 30); released default/train/0, default/train/1 so the room returns; the gang is placed again whole when it fits",
            e.Message);
    }

    [Fact]
    public async Task ReleaseExpiredAsync_GangCompletedBeforeItsTimeout_KeepsEveryReplica()
    {
        var (h, time, gangs) = await PartialGangAsync();
        await using var _ = h;
        Assert.Empty(await gangs.ReleaseExpiredAsync());
        time.Advance(TimeSpan.FromSeconds(20));
        await HoldAsync(h, Train, 2, "n1", AssignmentState.Running);
        Assert.Empty(await gangs.ReleaseExpiredAsync());

        time.Advance(TimeSpan.FromSeconds(60));

        Assert.Empty(await gangs.ReleaseExpiredAsync());
        Assert.Equal(3, await AssignmentCountAsync(h, Train));
    }

    [Fact]
    public async Task ReleaseExpiredAsync_WorkloadWithoutGang_IsNeverReleased()
    {
        await using var h = new StateHarness();
        var plain = StateFixtures.Workload("plain", replicas: 3, cpu: "1");
        await h.PutAsync(StateFixtures.Node("n1", cpu: "2"));
        await h.PutAsync(plain);
        await HoldAsync(h, plain, 0, "n1");
        var time = new ManualTimeProvider(StateFixtures.T0);
        var gangs = new GangTimeouts(h.Store, h.Events, new ClusterCache(h.Store), time);

        Assert.Empty(await gangs.ReleaseExpiredAsync());
        time.Advance(TimeSpan.FromHours(1));

        Assert.Empty(await gangs.ReleaseExpiredAsync());
        Assert.Equal(1, await AssignmentCountAsync(h, plain));
    }
}
