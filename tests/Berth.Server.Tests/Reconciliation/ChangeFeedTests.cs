using System.Collections.Concurrent;
using Berth.Server.Reconciliation;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Reconciliation;

public sealed class ChangeFeedTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Run_ChangesAfterTheRevision_ReportTheirWorkloadOrANodeChange()
    {
        await using var state = new StateHarness();
        var before = StateFixtures.Workload("before");
        long revision = await state.PutAsync(before);
        var changed = new ConcurrentQueue<WorkloadKey>();
        int nodeChanges = 0;
        using var stop = new CancellationTokenSource();
        var feed = ChangeFeed.RunAsync(state.Store, revision + 1, changed.Enqueue, () => Interlocked.Increment(ref nodeChanges), stop.Token);

        var web = StateFixtures.Workload("web");
        await state.PutAsync(web);
        var db = new WorkloadKey("default", "db");
        await state.Store.PutAsync(KeyLayout.Assignment(db, 3), "{}");
        await state.PutAsync(StateFixtures.Node("n1"));
        await state.Store.PutAsync(KeyLayout.Retry(db, 3), "{}");

        var deadline = DateTime.UtcNow + WaitLimit;
        while ((changed.Count < 2 || Volatile.Read(ref nodeChanges) < 1) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => feed);

        // Each prefix has its own watch, so the two workloads may be reported in either order.
        Assert.Equal([db.ToString(), WorkloadKey.Of(web).ToString()], changed.Select(k => k.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(1, nodeChanges);
    }

    [Fact]
    public async Task Run_FromACompactedRevision_AsksForASweepAndFollowsFromNow()
    {
        await using var state = new StateHarness();
        await state.PutAsync(StateFixtures.Workload());
        long revision = await state.PutAsync(StateFixtures.Workload());
        await state.Store.CompactAsync(revision);
        var changed = new ConcurrentQueue<WorkloadKey>();
        int sweeps = 0;
        using var stop = new CancellationTokenSource();
        var feed = ChangeFeed.RunAsync(state.Store, 1, changed.Enqueue, () => Interlocked.Increment(ref sweeps), stop.Token);

        // One sweep request per prefix watch (workloads, assignments, nodes), each having lost its history.
        var deadline = DateTime.UtcNow + WaitLimit;
        while (Volatile.Read(ref sweeps) < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        var web = StateFixtures.Workload("web");
        await state.PutAsync(web);
        while (changed.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => feed);

        Assert.Equal(3, Volatile.Read(ref sweeps));
        Assert.Equal([WorkloadKey.Of(web).ToString()], changed.Select(k => k.ToString()));
    }
}
