using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.State;

public sealed class EventLogTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Append_InsideCallerTransaction_CommitsWithTheChange()
    {
        await using var h = new StateHarness();
        var compares = new List<Compare>();
        var operations = new List<TxnOp> { TxnOp.Put("/workloads/default/web", "{}"u8.ToArray()) };
        var key = h.Events.Append(compares, operations, h.Events.Create(ClusterEventType.WorkloadApplied, "default/web", "applied"));

        var result = await h.Store.TxnAsync(compares, operations, []);

        Assert.True(result.Succeeded);
        var stored = await h.Store.GetAsync(key);
        Assert.Equal(result.Revision, stored!.ModRevision);
        Assert.Equal(result.Revision, (await h.Store.GetAsync("/workloads/default/web"))!.ModRevision);
        var read = Assert.Single(await h.Events.ReadAfterAsync(0));
        Assert.Equal(new ClusterEvent(ClusterEventType.WorkloadApplied, "default/web", "applied", StateFixtures.T0, result.Revision), read);
    }

    [Fact]
    public async Task Append_CallerTransactionFails_NoEventWritten()
    {
        await using var h = new StateHarness();
        var compares = new List<Compare> { Compare.Exists("/workloads/default/missing") };
        var operations = new List<TxnOp>();
        h.Events.Append(compares, operations, h.Events.Create(ClusterEventType.WorkloadApplied, "default/missing", "applied"));

        var result = await h.Store.TxnAsync(compares, operations, []);

        Assert.False(result.Succeeded);
        Assert.Empty(await h.Events.ReadAfterAsync(0));
    }

    [Fact]
    public async Task Append_KeyAlreadyExists_NeverOverwrites()
    {
        await using var h = new StateHarness();
        var first = new EventLog(h.Store, writer: "same");
        var second = new EventLog(h.Store, writer: "same");
        var at = StateFixtures.T0;
        await first.AppendAsync(new ClusterEvent(ClusterEventType.NodeRegistered, "n1", "first", at));

        // A second log writing under the same id builds the same key: the compare refuses it.
        await Assert.ThrowsAsync<InvalidOperationException>(() => second.AppendAsync(new ClusterEvent(ClusterEventType.NodeRegistered, "n1", "second", at)));

        Assert.Equal("first", Assert.Single(await h.Events.ReadAfterAsync(0)).Message);
    }

    [Fact]
    public async Task ReadAfter_Revision_ReturnsLaterEventsInRevisionOrder()
    {
        await using var h = new StateHarness();
        var e1 = await h.Events.AppendAsync(h.Events.Create(ClusterEventType.NodeRegistered, "n1", "one"));
        var e2 = await h.Events.AppendAsync(h.Events.Create(ClusterEventType.NodeRegistered, "n2", "two"));
        var e3 = await h.Events.AppendAsync(h.Events.Create(ClusterEventType.NodeLost, "n1", "three"));

        var after = await h.Events.ReadAfterAsync(e1.Revision);
        var limited = await h.Events.ReadAfterAsync(0, limit: 2);

        Assert.Equal([e2, e3], after);
        Assert.Equal([e1, e2], limited);
    }

    [Fact]
    public async Task Follow_FromRevision_ReplaysHistoryThenLiveWithoutGap()
    {
        await using var h = new StateHarness();
        var e1 = await h.Events.AppendAsync(h.Events.Create(ClusterEventType.NodeRegistered, "n1", "one"));
        var e2 = await h.Events.AppendAsync(h.Events.Create(ClusterEventType.NodeRegistered, "n2", "two"));
        using var cts = new CancellationTokenSource(Bound);

        var seen = new List<ClusterEvent>();
        await using var follow = h.Events.FollowAsync(e1.Revision, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await follow.MoveNextAsync());
        seen.Add(follow.Current);
        var e3 = await h.Events.AppendAsync(h.Events.Create(ClusterEventType.NodeLost, "n1", "three"));
        Assert.True(await follow.MoveNextAsync());
        seen.Add(follow.Current);

        Assert.Equal([e2, e3], seen);
    }
}
