using Berth.Core.Resources;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.State;

public sealed class AssignmentApplierTests
{
    [Fact]
    public async Task Apply_FreshPlan_CommitsAssignmentsAndEventsAtOneRevision()
    {
        await using var h = new StateHarness();
        var n1 = StateFixtures.Node("n1");
        var n2 = StateFixtures.Node("n2");
        var web = StateFixtures.Workload("web", replicas: 2, cpu: "500m");
        await h.PutAsync(n1);
        await h.PutAsync(n2);
        await h.PutAsync(web);
        var state = await h.Reader.ReadAsync();

        var result = await h.Applier.ApplyAsync(StateHarness.Plan(state, web, (0, "n1"), (1, "n2")));

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        var key = WorkloadKey.Of(web);
        var assignments = await h.Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsOf(key)));
        Assert.Equal(2, assignments.Count);
        Assert.All(assignments.Kvs, kv => Assert.Equal(result.Revision, kv.ModRevision));
        var first = StateSerializer.Deserialize<Assignment>(assignments.Kvs[0].Value.Span);
        Assert.Equal(("n1", AssignmentState.Pending, state.Workloads[key].ModRevision), (first.Node, first.State, first.WorkloadRevision));
        Assert.Equal(Quantity.Parse("500m"), first.Requests[ResourceNames.Cpu]);
        var events = await h.Events.ReadAfterAsync(state.Revision);
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal((ClusterEventType.WorkloadScheduled, result.Revision), (e.Type, e.Revision)));
        Assert.Equal(StateMessages.Scheduled("default/web/0", "n1", "fits on n1"), events[0].Message);
    }

    [Fact]
    public async Task Apply_WorkloadChangedSincePlan_StaleAndWritesNothing()
    {
        await using var h = new StateHarness();
        var web = StateFixtures.Workload("web");
        await h.PutAsync(StateFixtures.Node("n1"));
        await h.PutAsync(web);
        var state = await h.Reader.ReadAsync();
        var plan = StateHarness.Plan(state, web, (0, "n1"));
        await h.PutAsync(web with { Replicas = 3 });
        var before = await h.DumpAsync();

        var result = await h.Applier.ApplyAsync(plan);

        Assert.Equal((ApplyOutcome.Stale, StaleReason.WorkloadChanged), (result.Outcome, result.Reason));
        Assert.Equal(before, await h.DumpAsync());
    }

    [Fact]
    public async Task Apply_WorkloadDeletedSincePlan_StaleNamingIt()
    {
        await using var h = new StateHarness();
        var web = StateFixtures.Workload("web");
        await h.PutAsync(StateFixtures.Node("n1"));
        await h.PutAsync(web);
        var plan = StateHarness.Plan(await h.Reader.ReadAsync(), web, (0, "n1"));
        await h.Store.DeleteAsync(KeyLayout.Workload(WorkloadKey.Of(web)));

        var result = await h.Applier.ApplyAsync(plan);

        Assert.Equal(StaleReason.WorkloadChanged, result.Reason);
        Assert.Equal(StateMessages.WorkloadGone(WorkloadKey.Of(web)), result.Message);
    }

    [Fact]
    public async Task Apply_NodeChangedSincePlan_StaleAndWritesNothing()
    {
        await using var h = new StateHarness();
        var web = StateFixtures.Workload("web");
        var n1 = StateFixtures.Node("n1");
        await h.PutAsync(n1);
        await h.PutAsync(web);
        var state = await h.Reader.ReadAsync();
        var plan = StateHarness.Plan(state, web, (0, "n1"));
        var cordoned = await h.PutAsync(n1 with { Spec = n1.Spec with { Unschedulable = true } });
        var before = await h.DumpAsync();

        var result = await h.Applier.ApplyAsync(plan);

        Assert.Equal((ApplyOutcome.Stale, StaleReason.NodeChanged), (result.Outcome, result.Reason));
        Assert.Equal(StateMessages.NodeChanged("n1", state.Nodes["n1"].ModRevision, cordoned), result.Message);
        Assert.Equal(before, await h.DumpAsync());
    }

    [Fact]
    public async Task Apply_PlanOverfillsANode_CommitsWhatFitsAndRefusesTheRestNamingTheResource()
    {
        await using var h = new StateHarness();
        var big = StateFixtures.Workload("big", replicas: 2, cpu: "3");
        await h.PutAsync(StateFixtures.Node("n1", cpu: "4"));
        await h.PutAsync(big);
        var state = await h.Reader.ReadAsync();

        var result = await h.Applier.ApplyAsync(StateHarness.Plan(state, big, (0, "n1"), (1, "n1")));

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Equal([1], result.Rejected);
        Assert.StartsWith("no longer fits on node 'n1'", result.Message, StringComparison.Ordinal);
        Assert.Contains("cpu", result.Message, StringComparison.Ordinal);
        var assignments = await h.Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsOf(WorkloadKey.Of(big))));
        Assert.Equal([KeyLayout.Assignment(WorkloadKey.Of(big), 0)], assignments.Kvs.Select(kv => kv.Key));
        Assert.Single(await h.Events.ReadAfterAsync(0));
    }

    [Fact]
    public async Task Apply_NoReplicaFits_StaleAndWritesNothing()
    {
        await using var h = new StateHarness();
        var big = StateFixtures.Workload("big", cpu: "6");
        await h.PutAsync(StateFixtures.Node("n1", cpu: "4"));
        await h.PutAsync(big);
        var state = await h.Reader.ReadAsync();
        var before = await h.DumpAsync();

        var result = await h.Applier.ApplyAsync(StateHarness.Plan(state, big, (0, "n1")));

        Assert.Equal((ApplyOutcome.Stale, StaleReason.NodeFull), (result.Outcome, result.Reason));
        Assert.Equal(before, await h.DumpAsync());
    }

    [Fact]
    public async Task Apply_TwoPlansForTheLastSlotInSequence_SecondIsStale()
    {
        await using var h = new StateHarness();
        var a = StateFixtures.Workload("a", cpu: "3");
        var b = StateFixtures.Workload("b", cpu: "3");
        await h.PutAsync(StateFixtures.Node("n1", cpu: "4"));
        await h.PutAsync(a);
        await h.PutAsync(b);
        var state = await h.Reader.ReadAsync();
        var planA = StateHarness.Plan(state, a, (0, "n1"));
        var planB = StateHarness.Plan(state, b, (0, "n1"));

        var first = await h.Applier.ApplyAsync(planA);
        var second = await h.Applier.ApplyAsync(planB);

        Assert.Equal(ApplyOutcome.Applied, first.Outcome);
        Assert.Equal((ApplyOutcome.Stale, StaleReason.NodeFull), (second.Outcome, second.Reason));
    }

    [Fact]
    public async Task Apply_TwoPlansRacingForTheLastSlot_ExactlyOneApplies()
    {
        for (int round = 0; round < 20; round++)
        {
            await using var h = new StateHarness();
            var a = StateFixtures.Workload("a", cpu: "3");
            var b = StateFixtures.Workload("b", cpu: "3");
            await h.PutAsync(StateFixtures.Node("n1", cpu: "4"));
            await h.PutAsync(a);
            await h.PutAsync(b);
            var state = await h.Reader.ReadAsync();
            // Two appliers, as two control-plane replicas would run them, each with its own event writer.
            var other = new AssignmentApplier(h.Store, new EventLog(h.Store, writer: "other"));
            using var start = new ManualResetEventSlim();
            var ta = Task.Run(async () => { start.Wait(); return await h.Applier.ApplyAsync(StateHarness.Plan(state, a, (0, "n1"))); });
            var tb = Task.Run(async () => { start.Wait(); return await other.ApplyAsync(StateHarness.Plan(state, b, (0, "n1"))); });
            start.Set();
            var results = await Task.WhenAll(ta, tb).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Single(results, r => r.IsApplied);
            var stale = Assert.Single(results, r => !r.IsApplied);
            Assert.Contains(stale.Reason, new[] { StaleReason.NodeFull, StaleReason.NodeAllocationChanged });
            var assignments = await h.Store.RangeAsync(KeyRange.Prefix(KeyLayout.AssignmentsPrefix));
            Assert.Equal(1, assignments.Count);
            Assert.Single(await h.Events.ReadAfterAsync(state.Revision));
        }
    }

    [Fact]
    public async Task Apply_ConcurrentApplyBetweenCheckAndCommit_StaleOnAllocationGuard()
    {
        await using var h = new StateHarness();
        var a = StateFixtures.Workload("a", cpu: "1");
        await h.PutAsync(StateFixtures.Node("n1"));
        await h.PutAsync(a);
        var state = await h.Reader.ReadAsync();
        // Simulate an apply landing between this applier's room check and its commit by wrapping the store.
        var racing = new InterleavingStore(h.Store, () => h.Store.PutAsync(KeyLayout.Allocation("n1"), "other"u8.ToArray()));
        var applier = new AssignmentApplier(racing, h.Events);

        var result = await applier.ApplyAsync(StateHarness.Plan(state, a, (0, "n1")));

        Assert.Equal((ApplyOutcome.Stale, StaleReason.NodeAllocationChanged), (result.Outcome, result.Reason));
        Assert.Equal(StateMessages.NodeAllocationChanged("n1"), result.Message);
        Assert.Empty(await h.Events.ReadAfterAsync(0));
    }

    [Fact]
    public async Task Apply_WithVictims_EvictsAndPlacesAtOneRevision()
    {
        await using var h = new StateHarness();
        var low = StateFixtures.Workload("low", cpu: "3");
        var high = StateFixtures.Workload("high", cpu: "3");
        await h.PutAsync(StateFixtures.Node("n1", cpu: "4"));
        await h.PutAsync(low);
        await h.PutAsync(high);
        Assert.True((await h.Applier.ApplyAsync(StateHarness.Plan(await h.Reader.ReadAsync(), low, (0, "n1")))).IsApplied);
        var state = await h.Reader.ReadAsync();
        var victimKey = KeyLayout.Assignment(WorkloadKey.Of(low), 0);
        var victim = state.Assignments.Single(s => s.Key == victimKey);
        var plan = StateHarness.Plan(state, high, (0, "n1")) with
        {
            Evictions = [new PlannedEviction(WorkloadKey.Of(low), 0, victim.ModRevision, "preempted by default/high")],
        };

        var result = await h.Applier.ApplyAsync(plan);

        Assert.True(result.IsApplied, result.Message);
        Assert.Null(await h.Store.GetAsync(victimKey));
        var events = await h.Events.ReadAfterAsync(state.Revision);
        Assert.Equal([ClusterEventType.ReplicaEvicted, ClusterEventType.WorkloadScheduled], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal(result.Revision, e.Revision));
    }

    [Fact]
    public async Task Apply_VictimChangedSincePlan_StaleAndWritesNothing()
    {
        await using var h = new StateHarness();
        var low = StateFixtures.Workload("low", cpu: "3");
        var high = StateFixtures.Workload("high", cpu: "3");
        await h.PutAsync(StateFixtures.Node("n1", cpu: "4"));
        await h.PutAsync(low);
        await h.PutAsync(high);
        await h.Applier.ApplyAsync(StateHarness.Plan(await h.Reader.ReadAsync(), low, (0, "n1")));
        var state = await h.Reader.ReadAsync();
        var victim = state.Assignments.Single();
        var plan = StateHarness.Plan(state, high, (0, "n1")) with
        {
            Evictions = [new PlannedEviction(WorkloadKey.Of(low), 0, victim.ModRevision, "preempted")],
        };
        await h.Store.PutAsync(victim.Key, StateSerializer.Serialize(victim.Value with { State = AssignmentState.Running }));
        var before = await h.DumpAsync();

        var result = await h.Applier.ApplyAsync(plan);

        Assert.Equal((ApplyOutcome.Stale, StaleReason.VictimChanged), (result.Outcome, result.Reason));
        Assert.Equal(before, await h.DumpAsync());
    }

    [Fact]
    public async Task Apply_ReplicaMovedToAnotherNode_RescheduledEventAndRoomReleased()
    {
        await using var h = new StateHarness();
        var web = StateFixtures.Workload("web", cpu: "3");
        await h.PutAsync(StateFixtures.Node("n1", cpu: "4"));
        await h.PutAsync(StateFixtures.Node("n2", cpu: "4"));
        await h.PutAsync(web);
        await h.Applier.ApplyAsync(StateHarness.Plan(await h.Reader.ReadAsync(), web, (0, "n1")));
        var state = await h.Reader.ReadAsync();

        var moved = await h.Applier.ApplyAsync(StateHarness.Plan(state, web, (0, "n2")));
        var back = await h.Applier.ApplyAsync(StateHarness.Plan(await h.Reader.ReadAsync(), web, (0, "n1")));

        Assert.True(moved.IsApplied, moved.Message);
        Assert.True(back.IsApplied, back.Message);
        var events = await h.Events.ReadAfterAsync(state.Revision);
        Assert.Equal([ClusterEventType.Rescheduled, ClusterEventType.Rescheduled], events.Select(e => e.Type));
        Assert.Equal(StateMessages.Rescheduled("default/web/0", "n1", "n2", "fits on n2"), events[0].Message);
    }

    [Fact]
    public async Task Apply_SameReplicaTwice_Throws()
    {
        await using var h = new StateHarness();
        var web = StateFixtures.Workload("web");
        await h.PutAsync(StateFixtures.Node("n1"));
        await h.PutAsync(web);
        var plan = StateHarness.Plan(await h.Reader.ReadAsync(), web, (0, "n1"), (0, "n1"));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => h.Applier.ApplyAsync(plan));
        Assert.StartsWith(StateMessages.DuplicateReplica(0), error.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="between"/> just before the first transaction that has compares (the commit).</summary>
    private sealed class InterleavingStore(IKeyValueStore inner, Func<Task> between) : IKeyValueStore
    {
        private int _fired;

        public async Task<TxnResult> TxnAsync(IReadOnlyList<Compare> compares, IReadOnlyList<TxnOp> success, IReadOnlyList<TxnOp> failure, CancellationToken cancellationToken = default)
        {
            if (compares.Count > 0 && Interlocked.Exchange(ref _fired, 1) == 0)
            {
                await between();
            }
            return await inner.TxnAsync(compares, success, failure, cancellationToken);
        }

        public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public Task<RangeResult> RangeAsync(KeyRange range, long limit = 0, long revision = 0, CancellationToken cancellationToken = default) => inner.RangeAsync(range, limit, revision, cancellationToken);

        public IAsyncEnumerable<WatchEvent> WatchAsync(KeyRange range, long fromRevision = 0, CancellationToken cancellationToken = default) => inner.WatchAsync(range, fromRevision, cancellationToken);

        public Task<LeaseGrant> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default) => inner.GrantLeaseAsync(ttl, cancellationToken);

        public Task<LeaseGrant> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default) => inner.KeepAliveAsync(leaseId, cancellationToken);

        public Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default) => inner.RevokeLeaseAsync(leaseId, cancellationToken);

        public Task CompactAsync(long revision, CancellationToken cancellationToken = default) => inner.CompactAsync(revision, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
