using System.Collections.Concurrent;
using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.State;

public sealed class ClusterCacheTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Follow_ChangesAfterTheLoad_ReportTheirWorkloadOrANodeChange()
    {
        await using var state = new StateHarness();
        await state.PutAsync(StateFixtures.Workload("before"));
        var cache = new ClusterCache(state.Store);
        await cache.LoadAsync();
        var changed = new ConcurrentQueue<WorkloadKey>();
        int nodeChanges = 0;
        using var stop = new CancellationTokenSource();
        var follow = cache.FollowAsync(changed.Enqueue, () => Interlocked.Increment(ref nodeChanges), stop.Token);

        var web = StateFixtures.Workload("web");
        await state.PutAsync(web);
        await state.PutAsync(StateFixtures.Node("n1"));
        var db = StateFixtures.Workload("db");
        await state.PutAsync(db);
        await PutAssignmentAsync(state, db, 0, "n1");
        await state.Store.PutAsync(KeyLayout.Retry(WorkloadKey.Of(db), 0), "{}");

        await Until(() => changed.Count >= 3 && Volatile.Read(ref nodeChanges) >= 1);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => follow);

        // Each prefix has its own watch, so workloads may be reported in any order; a retry key is not the cache's.
        Assert.Equal(["default/db", "default/db", "default/web"], changed.Select(k => k.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(1, nodeChanges);
        Assert.NotNull(cache.Workload(WorkloadKey.Of(web)));
        Assert.Equal((1, 0, 3, 1), cache.Counts());
    }

    [Fact]
    public async Task Follow_OwnCommitWrittenThrough_IsNotReportedAgain()
    {
        await using var state = new StateHarness();
        await state.PutAsync(StateFixtures.Node("n1"));
        var web = StateFixtures.Workload("web");
        long workloadRevision = await state.PutAsync(web);
        var cache = new ClusterCache(state.Store);
        await cache.LoadAsync();
        var changed = new ConcurrentQueue<WorkloadKey>();
        using var stop = new CancellationTokenSource();
        var follow = cache.FollowAsync(changed.Enqueue, () => { }, stop.Token);

        // Written through first, at the revision the put will get (one writer here), so the watch finds it known.
        var assignment = Assignment(web, 0, "n1", workloadRevision);
        long revision = workloadRevision + 1;
        cache.RecordCommitted(revision, null, [new Stored<Assignment>(KeyLayout.Assignment(WorkloadKey.Of(web), 0), assignment, revision)], ["n1"]);
        Assert.Equal(revision, await state.Store.PutAsync(KeyLayout.Assignment(WorkloadKey.Of(web), 0), StateSerializer.Serialize(assignment)));
        // A later change of another workload shows the watch has gone past the commit.
        var db = StateFixtures.Workload("db");
        await state.PutAsync(db);
        await Until(() => changed.Any(k => k == WorkloadKey.Of(db)));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => follow);

        Assert.DoesNotContain(WorkloadKey.Of(web), changed);
        Assert.Equal(revision, cache.Assignment(WorkloadKey.Of(web), 0)?.ModRevision);
    }

    [Fact]
    public async Task Follow_HistoryCompacted_ReloadsAndAsksForASweep()
    {
        await using var state = new StateHarness();
        var cache = new ClusterCache(state.Store);
        await cache.LoadAsync();
        await state.PutAsync(StateFixtures.Workload("gone"));
        var kept = StateFixtures.Workload("kept");
        long revision = await state.PutAsync(kept);
        await state.Store.DeleteAsync(KeyLayout.Workload(new WorkloadKey("default", "gone")));
        await state.Store.CompactAsync(revision);
        int sweeps = 0;
        using var stop = new CancellationTokenSource();
        var follow = cache.FollowAsync(_ => { }, () => Interlocked.Increment(ref sweeps), stop.Token);

        await Until(() => Volatile.Read(ref sweeps) >= 1 && cache.Workload(WorkloadKey.Of(kept)) is not null);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => follow);

        Assert.Null(cache.Workload(new WorkloadKey("default", "gone")));
    }

    [Fact]
    public async Task Sync_Mirror_ReplaysPlacementsAndRebuildsWhenNodesChange()
    {
        await using var state = new StateHarness();
        await state.PutAsync(StateFixtures.Node("n1", cpu: "4"));
        var web = StateFixtures.Workload("web", replicas: 2, cpu: "1");
        long workloadRevision = await state.PutAsync(web);
        var cache = new ClusterCache(state.Store);
        await cache.LoadAsync();
        var mirror = cache.CreateMirror();
        cache.Sync(mirror);
        Assert.Equal(0, mirror.Snapshot.Cpu.Requested(0));

        var stored = new Stored<WorkloadSpec>(KeyLayout.Workload(WorkloadKey.Of(web)), web, workloadRevision);
        var committed = new[] { Committed(web, 0, "n1", workloadRevision), Committed(web, 1, "n1", workloadRevision) };
        long revision = await state.Store.PutAsync(committed[0].Key, StateSerializer.Serialize(committed[0].Value));
        cache.RecordCommitted(revision, stored, [committed[0]], ["n1"]);
        revision = await state.Store.PutAsync(committed[1].Key, StateSerializer.Serialize(committed[1].Value));
        cache.RecordCommitted(revision, stored, [committed[1]], ["n1"]);
        long generation = mirror.Generation;
        cache.Sync(mirror);

        Assert.Equal(generation, mirror.Generation);
        Assert.Equal(2000, mirror.Snapshot.Cpu.Requested(0));

        // A new node cannot be replayed into a snapshot: the mirror is rebuilt, with the placements kept.
        await state.PutAsync(StateFixtures.Node("n2"));
        await cache.LoadAsync();
        cache.Sync(mirror);
        Assert.NotEqual(generation, mirror.Generation);
        Assert.Equal(2, mirror.Snapshot.NodeCount);
        Assert.Equal(2000, mirror.Snapshot.Cpu.Requested(mirror.Snapshot.IndexOf("n1")));
    }

    [Fact]
    public async Task AssignmentsOf_ReadAtTheCachedRevision_ReusesTheCachedRecord_AndReadsNewerBytes()
    {
        await using var state = new StateHarness();
        var web = StateFixtures.Workload("web");
        await state.PutAsync(web);
        await PutAssignmentAsync(state, web, 0, "n1");
        await PutAssignmentAsync(state, web, 10, "n1");
        var cache = new ClusterCache(state.Store);
        await cache.LoadAsync();
        // Replica 10 changes after the load: the cache holds an older revision of it.
        await PutAssignmentAsync(state, web, 10, "n2");
        var read = await state.Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsOf(WorkloadKey.Of(web))));

        var assignments = cache.AssignmentsOf(WorkloadKey.Of(web), read.Kvs);

        Assert.Equal([0, 10], assignments.Keys);
        Assert.Same(cache.Assignment(WorkloadKey.Of(web), 0)!.Value.Value, assignments[0].Value);
        Assert.Equal("n2", assignments[10].Value.Node);
        Assert.Equal(read.Kvs.Single(kv => kv.Key.EndsWith("/10", StringComparison.Ordinal)).ModRevision, assignments[10].ModRevision);
    }

    [Fact]
    public async Task NodeHealth_NodeTurnsNotReady_IsSeenByTheNextCall()
    {
        await using var state = new StateHarness();
        await state.PutAsync(StateFixtures.Node("n1"));
        var cache = new ClusterCache(state.Store);
        await cache.LoadAsync();
        Assert.Contains("n1", cache.NodeHealth().Ready);
        using var stop = new CancellationTokenSource();
        var follow = cache.FollowAsync(_ => { }, () => { }, stop.Token);

        var notReady = StateFixtures.Node("n1");
        await state.PutAsync(notReady with { Status = notReady.Status with { Ready = false } });
        await Until(() => !cache.NodeHealth().Ready.Contains("n1"));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => follow);
    }

    private static Assignment Assignment(WorkloadSpec workload, int replica, string node, long workloadRevision) =>
        new(WorkloadKey.Of(workload), replica, node, workloadRevision, AssignmentApplier.RequestsOf(workload), [], "", AssignmentState.Pending);

    private static Stored<Assignment> Committed(WorkloadSpec workload, int replica, string node, long workloadRevision) =>
        new(KeyLayout.Assignment(WorkloadKey.Of(workload), replica), Assignment(workload, replica, node, workloadRevision), 0);

    private static Task<long> PutAssignmentAsync(StateHarness state, WorkloadSpec workload, int replica, string node) =>
        state.Store.PutAsync(KeyLayout.Assignment(WorkloadKey.Of(workload), replica), StateSerializer.Serialize(Assignment(workload, replica, node, 1)));

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        Assert.True(condition(), "the condition did not hold in time");
    }
}
