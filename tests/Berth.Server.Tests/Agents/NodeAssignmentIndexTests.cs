using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Agents;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Agents;

/// <summary><see cref="NodeAssignmentIndex"/> over an in-memory store: one watch, sets from memory, only the changed nodes woken.</summary>
public sealed class NodeAssignmentIndexTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);
    private readonly IKeyValueStore _inner = StateFixtures.Store();
    private WithholdingStore _store = null!;
    private NodeAssignmentIndex _index = null!;

    public async Task InitializeAsync()
    {
        _store = new WithholdingStore(_inner);
        _index = new NodeAssignmentIndex(_store, new WorkloadHistory(_store));
        await _index.StartAsync(CancellationToken.None);
        await _index.WaitReadyAsync().WaitAsync(WaitLimit);
    }

    public async Task DisposeAsync()
    {
        await _index.StopAsync(CancellationToken.None);
        _index.Dispose();
        await _inner.DisposeAsync();
    }

    private async Task<long> PutAsync(WorkloadSpec workload) =>
        await _inner.PutAsync(KeyLayout.Workload(WorkloadKey.Of(workload)), StateSerializer.Serialize(workload));

    private Task<long> PlaceAsync(WorkloadSpec workload, long workloadRevision, int replica, string node, AssignmentState state = AssignmentState.Pending)
    {
        var key = WorkloadKey.Of(workload);
        return _inner.PutAsync(
            KeyLayout.Assignment(key, replica),
            StateSerializer.Serialize(new Assignment(key, replica, node, workloadRevision, ResourceList.Parse((ResourceNames.Cpu, "1")), [], "test", state)));
    }

    // Deletes key; returns the delete's revision.
    private async Task<long> DeleteAsync(string key) => (await _inner.TxnAsync([], [TxnOp.Delete(KeyRange.Key(key))], [])).Revision;

    private async Task CaughtUpAsync(long revision)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (_index.Revision < revision)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the index to reach revision {revision} (at {_index.Revision})");
            await Task.Delay(20);
        }
    }

    private async Task<string[]> KeysAsync(string node) => [.. (await _index.SetAsync(node)).Assignments.Select(a => a.Key)];

    [Fact]
    public async Task Placement_OnOneNode_WakesThatNodeOnlyAndIsInItsSet()
    {
        var web = StateFixtures.Workload("web", replicas: 2);
        long revision = await PutAsync(web);
        await CaughtUpAsync(revision);
        long a = _index.Version("node-a"), b = _index.Version("node-b");
        var woken = _index.WaitForChangeAsync("node-a", a, WaitLimit, TimeProvider.System, CancellationToken.None);

        long placed = await PlaceAsync(web, revision, 0, "node-a");

        Assert.True(await woken);
        await CaughtUpAsync(placed);
        Assert.Equal(b, _index.Version("node-b"));
        Assert.False(await _index.WaitForChangeAsync("node-b", b, TimeSpan.Zero, TimeProvider.System, CancellationToken.None));
        var set = await _index.SetAsync("node-a");
        var item = Assert.Single(set.Assignments);
        Assert.Equal((KeyLayout.Assignment(WorkloadKey.Of(web), 0), placed, revision, web.Name), (item.Key, item.Revision, item.WorkloadRevision, item.Workload.Name));
        Assert.Empty(await KeysAsync("node-b"));
    }

    [Fact]
    public async Task Removal_AndMove_LeaveTheOldNodesSetAndWakeBoth()
    {
        var web = StateFixtures.Workload("web", replicas: 2);
        long revision = await PutAsync(web);
        await PlaceAsync(web, revision, 0, "node-a");
        long last = await PlaceAsync(web, revision, 1, "node-a");
        await CaughtUpAsync(last);
        long a = _index.Version("node-a"), b = _index.Version("node-b");

        await DeleteAsync(KeyLayout.Assignment(WorkloadKey.Of(web), 0));
        last = await PlaceAsync(web, revision, 1, "node-b");
        await CaughtUpAsync(last);

        Assert.NotEqual(a, _index.Version("node-a"));
        Assert.NotEqual(b, _index.Version("node-b"));
        Assert.Empty(await KeysAsync("node-a"));
        Assert.Equal([KeyLayout.Assignment(WorkloadKey.Of(web), 1)], await KeysAsync("node-b"));
    }

    [Fact]
    public async Task WorkloadDeleted_WakesOnlyItsNodesAndDropsItsAssignments()
    {
        var web = StateFixtures.Workload("web");
        var db = StateFixtures.Workload("db");
        long webRevision = await PutAsync(web);
        long dbRevision = await PutAsync(db);
        await PlaceAsync(web, webRevision, 0, "node-a");
        long last = await PlaceAsync(db, dbRevision, 0, "node-b");
        await CaughtUpAsync(last);
        long a = _index.Version("node-a"), b = _index.Version("node-b");

        last = await DeleteAsync(KeyLayout.Workload(WorkloadKey.Of(web)));
        await CaughtUpAsync(last);

        Assert.NotEqual(a, _index.Version("node-a"));
        Assert.Equal(b, _index.Version("node-b"));
        Assert.Empty(await KeysAsync("node-a"));
        Assert.Single(await KeysAsync("node-b"));
    }

    [Fact]
    public async Task OlderWorkloadRevision_SetCarriesTheSpecItWasPlacedWith()
    {
        var web = StateFixtures.Workload("web", cpu: "1");
        long first = await PutAsync(web);
        await PlaceAsync(web, first, 0, "node-a");
        long second = await PutAsync(web with { Replicas = 3 });
        await CaughtUpAsync(second);

        var item = Assert.Single((await _index.SetAsync("node-a")).Assignments);

        Assert.Equal(first, item.WorkloadRevision);
        Assert.Equal(1, item.Workload.Replicas);
    }

    [Fact]
    public async Task Compaction_EventsLostWithTheHistory_ReListsAndWakesTheNodes()
    {
        var web = StateFixtures.Workload("web", replicas: 2);
        long revision = await PutAsync(web);
        long last = await PlaceAsync(web, revision, 0, "node-a");
        await CaughtUpAsync(last);
        long a = _index.Version("node-a"), c = _index.Version("node-c");
        int watches = _store.WatchesOpened;

        // Changes the watch receives but never delivers, then loses: only a re-list can see them.
        _store.Hold();
        await DeleteAsync(KeyLayout.Assignment(WorkloadKey.Of(web), 0));
        last = await PlaceAsync(web, revision, 1, "node-c");
        await _inner.CompactAsync(last);
        _store.BreakAsCompacted();

        var deadline = DateTime.UtcNow + WaitLimit;
        while (_index.Relists < 1 || _index.Revision < last)
        {
            Assert.True(DateTime.UtcNow < deadline, "the index to re-list");
            await Task.Delay(20);
        }
        Assert.NotEqual(a, _index.Version("node-a"));
        Assert.NotEqual(c, _index.Version("node-c"));
        Assert.Empty(await KeysAsync("node-a"));
        Assert.Equal([KeyLayout.Assignment(WorkloadKey.Of(web), 1)], await KeysAsync("node-c"));
        Assert.True(_store.WatchesOpened > watches);

        // And it follows on from there.
        last = await PlaceAsync(web, revision, 0, "node-a");
        await CaughtUpAsync(last);
        Assert.Equal([KeyLayout.Assignment(WorkloadKey.Of(web), 0)], await KeysAsync("node-a"));
    }
}
