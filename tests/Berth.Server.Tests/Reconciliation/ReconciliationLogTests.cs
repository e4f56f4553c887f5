using Berth.Server.Reconciliation;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Reconciliation;

public sealed class ReconciliationLogTests
{
    private static readonly WorkloadKey Web = new("default", "web");

    private static ReconciliationRecord Record(int replica, int second = 0) =>
        new(StateFixtures.T0.AddSeconds(second), Web, replica, ReconcileCase.RunningMissing, ReconcilerMessages.Unassigned, "Running", ReconcileAction.Place, ReconcileResult.Changed, "n1");

    [Fact]
    public async Task Append_BeyondTheBound_DeletesTheOldestInTheSameTransaction()
    {
        await using var state = new StateHarness();
        var log = new ReconciliationLog(state.Store, keep: 3);
        await log.AppendAsync(Web, [Record(0), Record(1)]);
        long before = (await state.Store.RangeAsync(KeyRange.Prefix("/"))).Revision;

        Assert.True(await log.AppendAsync(Web, [Record(2, 1), Record(3, 1)]));

        Assert.Equal([1, 2, 3], (await log.ReadAsync(Web)).Select(r => r.Replica!.Value));
        Assert.Equal(before + 1, (await state.Store.RangeAsync(KeyRange.Prefix("/"))).Revision);
    }

    [Fact]
    public async Task Append_MoreThanTheBoundAtOnce_WritesOnlyTheNewest()
    {
        await using var state = new StateHarness();
        var log = new ReconciliationLog(state.Store, keep: 2);

        await log.AppendAsync(Web, [Record(0), Record(1), Record(2), Record(3)]);

        Assert.Equal([2, 3], (await log.ReadAsync(Web)).Select(r => r.Replica!.Value));
    }

    [Fact]
    public async Task Append_RecordsOfAnotherWorkload_AreNeitherCountedNorTrimmed()
    {
        await using var state = new StateHarness();
        var log = new ReconciliationLog(state.Store, keep: 1);
        var other = new WorkloadKey("default", "web-2");
        await log.AppendAsync(other, [Record(7) with { Workload = other }]);

        await log.AppendAsync(Web, [Record(0), Record(1)]);

        Assert.Equal([7], (await log.ReadAsync(other)).Select(r => r.Replica!.Value));
        Assert.Equal([1], (await log.ReadAsync(Web)).Select(r => r.Replica!.Value));
    }

    [Fact]
    public async Task Append_StoredRecord_ReadsBackEqual()
    {
        await using var state = new StateHarness();
        var log = new ReconciliationLog(state.Store, keep: 5);
        var record = new ReconciliationRecord(StateFixtures.T0, Web, null, ReconcileCase.Outdated, "3 replicas of older revisions", "Running, 3 replicas (revision 9)",
            ReconcileAction.StartRollout, ReconcileResult.Failed, ReconcilerMessages.Raced);

        await log.AppendAsync(Web, [record]);

        Assert.Equal(record, Assert.Single(await log.ReadAsync(Web)));
    }
}
