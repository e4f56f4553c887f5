using Berth.Core.Specs;
using Berth.Server.Reconciliation;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Reconciliation;

public sealed class ReconcilerTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    // A new template: what the replicas run changes, so a re-apply with it rolls.
    private static WorkloadSpec NextVersion(WorkloadSpec spec, string version = "v2") =>
        spec with { Containers = [spec.Containers[0] with { Args = ["--version", version] }] };

    [Fact]
    public async Task Reconcile_ReplicasMissing_PlacesThemAndRecordsEachThenIsIdle()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(2);
        var web = StateFixtures.Workload(replicas: 3);
        long revision = await h.ApplyAsync(web);

        var outcome = await h.ReconcileAsync(web);

        Assert.False(outcome.BackOff);
        Assert.Equal([0, 1, 2], outcome.Records.Select(r => r.Replica!.Value));
        Assert.All(outcome.Records, r =>
        {
            Assert.Equal(ReconcileCase.RunningMissing, r.Case);
            Assert.Equal(ReconcileAction.Place, r.Action);
            Assert.Equal(ReconcileResult.Changed, r.Result);
            Assert.Equal(ReconcilerMessages.Unassigned, r.Observed);
            Assert.Equal($"Running, 3 replicas (revision {revision})", r.Desired);
        });
        var assignments = await h.AssignmentsAsync(web);
        Assert.Equal(outcome.Records.Select(r => r.Detail), assignments.Values.Select(a => a.Value.Node));
        Assert.Equal(outcome.Records, await h.RecordsAsync(web));

        await h.ReportRunningAsync(web);
        var before = await h.State.DumpAsync();
        var again = await h.ReconcileAsync(web);
        Assert.True(again.Idle);
        Assert.False(again.BackOff);
        Assert.Equal(before, await h.State.DumpAsync());
    }

    [Fact]
    public async Task Reconcile_PendingPastTheDeadline_ReleasesItAndPlacesItAgain()
    {
        await using var h = new ReconcilerHarness(new ReconcilerOptions { PendingTimeout = 60 * Second });
        await h.RegisterNodesAsync(1);
        var web = StateFixtures.Workload(replicas: 1);
        await h.ApplyAsync(web);
        await h.ReconcileAsync(web);
        var placed = (await h.AssignmentsAsync(web))[0];

        // The clock starts when the reconciler first sees it Pending; just before the deadline nothing happens.
        Assert.True((await h.ReconcileAsync(web)).Idle);
        h.Clock.Advance(60 * Second - TimeSpan.FromMilliseconds(1));
        Assert.True((await h.ReconcileAsync(web)).Idle);

        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await h.ReconcileAsync(web);

        Assert.Equal(
            [(ReconcileCase.RunningMissing, ReconcileAction.Release), (ReconcileCase.RunningMissing, ReconcileAction.Place)],
            outcome.Records.Select(r => (r.Case, r.Action)));
        Assert.All(outcome.Records, r => Assert.Equal(ReconcileResult.Changed, r.Result));
        var again = (await h.AssignmentsAsync(web))[0];
        Assert.Equal(AssignmentState.Pending, again.Value.State);
        Assert.True(again.ModRevision > placed.ModRevision);
        var released = Assert.Single(await h.EventsAsync(ClusterEventType.ReplicaReleased));
        Assert.Equal(ReconcilerMessages.PendingTooLong($"default/{web.Name}/0", "n1", 60 * Second), released.Message);

        // The new assignment gets a full deadline of its own.
        h.Clock.Advance(30 * Second);
        Assert.True((await h.ReconcileAsync(web)).Idle);
    }

    [Fact]
    public async Task Reconcile_RunningReplica_IsNeverReleasedByThePendingDeadline()
    {
        await using var h = new ReconcilerHarness(new ReconcilerOptions { PendingTimeout = 10 * Second });
        await h.RegisterNodesAsync(1);
        var web = StateFixtures.Workload(replicas: 1);
        await h.ApplyAsync(web);
        await h.SettleAsync(web);

        h.Clock.Advance(TimeSpan.FromHours(1));

        Assert.True((await h.ReconcileAsync(web)).Idle);
    }

    [Fact]
    public async Task Reconcile_FailedReplicaWhoseBackoffRanOut_IsHandedToTheRetryEngine()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(1);
        var web = StateFixtures.Workload(replicas: 1);
        await h.ApplyAsync(web);
        await h.SettleAsync(web);
        await h.ReportExitAsync(web, 0, 1);

        h.Clock.Advance(4 * Second);
        Assert.True((await h.ReconcileAsync(web)).Idle);
        Assert.Equal(AssignmentState.Failed, (await h.AssignmentsAsync(web))[0].Value.State);

        h.Clock.Advance(Second);
        var outcome = await h.ReconcileAsync(web);

        var record = Assert.Single(outcome.Records);
        Assert.Equal((ReconcileCase.RunningFailed, ReconcileAction.Retry, ReconcileResult.Changed), (record.Case, record.Action, record.Result));
        Assert.Equal(ReconcilerMessages.Restarted(1, "n1", Server.Retries.RestartKind.InPlace), record.Detail);
        Assert.Equal(AssignmentState.Pending, (await h.AssignmentsAsync(web))[0].Value.State);
        Assert.Single(await h.EventsAsync(ClusterEventType.ReplicaRestarted));
    }

    [Fact]
    public async Task Reconcile_StoppedWorkloadWithRunningReplicas_StopsThemWithoutRolling()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(2);
        var web = StateFixtures.Workload(replicas: 2);
        await h.ApplyAsync(web);
        await h.SettleAsync(web);

        await h.ApplyAsync(web with { DesiredState = DesiredState.Stopped });
        var outcome = await h.ReconcileAsync(web);

        Assert.Equal([(0, ReconcileCase.StoppedRunning, ReconcileAction.Stop), (1, ReconcileCase.StoppedRunning, ReconcileAction.Stop)],
            outcome.Records.Select(r => (r.Replica!.Value, r.Case, r.Action)));
        Assert.All((await h.AssignmentsAsync(web)).Values, a => Assert.Equal(AssignmentState.Stopped, a.Value.State));
        Assert.Empty(await h.EventsAsync(ClusterEventType.RolloutStarted, ClusterEventType.ReplicaReplaced));
        Assert.True((await h.ReconcileAsync(web)).Idle);
    }

    [Fact]
    public async Task Reconcile_DeletedWorkload_RemovesAssignmentsRetryStateAndRollout()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(2);
        var web = StateFixtures.Workload(replicas: 2);
        await h.ApplyAsync(web);
        await h.SettleAsync(web);
        await h.ReportExitAsync(web, 1, 1);
        var key = WorkloadKey.Of(web);
        await h.Store.PutAsync(KeyLayout.Rollout(key), StateSerializer.Serialize(new RolloutState(99, StateFixtures.T0, 1)));

        await h.Store.DeleteAsync(KeyLayout.Workload(key));
        var outcome = await h.ReconcileAsync(web);

        Assert.All(outcome.Records, r => Assert.Equal((ReconcileCase.Deleted, ReconcileAction.Remove, ReconcileResult.Changed), (r.Case, r.Action, r.Result)));
        Assert.Equal([0, 1, null], outcome.Records.Select(r => r.Replica));
        Assert.Equal(ReconcilerMessages.Leftovers(1, rollout: true), outcome.Records[2].Observed);
        Assert.Empty(await h.AssignmentsAsync(web));
        Assert.Empty((await h.Store.RangeAsync(KeyRange.Prefix(KeyLayout.RetriesOf(key)))).Kvs);
        Assert.Null(await h.Store.GetAsync(KeyLayout.Rollout(key)));
        Assert.True((await h.ReconcileAsync(web)).Idle);
        // The records stay: they say what happened to the workload.
        Assert.Equal(outcome.Records, (await h.RecordsAsync(web)).TakeLast(3));
    }

    [Fact]
    public async Task Reconcile_ReplicaHeldOnALostNode_IsReleasedByTheNodeManagerAndPlacedElsewhere()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(2);
        var web = StateFixtures.Workload(replicas: 1);
        await h.ApplyAsync(web);

        // n1 goes silent until it is lost; n2 keeps beating.
        for (int i = 0; i < 7; i++)
        {
            h.Clock.Advance(5 * Second);
            await h.Nodes.HeartbeatAsync("n2");
            await h.Nodes.CheckAsync();
        }
        // A replica on the lost node that its check did not release (written after it): the reconciler's case.
        var key = WorkloadKey.Of(web);
        await h.Store.PutAsync(KeyLayout.Assignment(key, 0), StateSerializer.Serialize(
            new Assignment(key, 0, "n1", (await h.Store.GetAsync(KeyLayout.Workload(key)))!.ModRevision, web.Containers[0].Resources.Requests, [], "test", AssignmentState.Running)));

        var outcome = await h.ReconcileAsync(web);

        Assert.Equal([(ReconcileCase.NodeLost, ReconcileAction.Release, ReconcileResult.Changed), (ReconcileCase.NodeLost, ReconcileAction.Place, ReconcileResult.Changed)],
            outcome.Records.Select(r => (r.Case, r.Action, r.Result)));
        Assert.Equal("n2", (await h.AssignmentsAsync(web))[0].Value.Node);
    }

    [Fact]
    public async Task RecordNodeCheck_ReleasedReplicas_AreRecordedAsNodeLostAndTheirWorkloadsReturned()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(2);
        var web = StateFixtures.Workload(replicas: 2, cpu: "3");
        await h.ApplyAsync(web);
        await h.SettleAsync(web);
        var onN1 = (await h.AssignmentsAsync(web)).Values.Single(a => a.Value.Node == "n1").Value.Replica;

        Server.Nodes.NodeCheckResult check = new([], [], [], []);
        for (int i = 0; i < 7 && check.Lost.Count == 0; i++)
        {
            h.Clock.Advance(5 * Second);
            await h.Nodes.HeartbeatAsync("n2");
            check = await h.Nodes.CheckAsync();
        }
        var workloads = await h.Reconciler.RecordNodeCheckAsync(check);

        Assert.Equal([WorkloadKey.Of(web)], workloads);
        var record = Assert.Single(await h.RecordsAsync(web), r => r.Case == ReconcileCase.NodeLost);
        Assert.Equal((onN1, ReconcileAction.Release, ReconcilerMessages.ReleasedFromLost(["n1"])), (record.Replica!.Value, record.Action, record.Detail));
    }

    [Fact]
    public async Task Reconcile_NewRevisionOfThree_ReplacesOneAtATimeAndNeverRunsFewerThanTwo()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(3);
        var web = StateFixtures.Workload(replicas: 3);
        await h.ApplyAsync(web);
        await h.SettleAsync(web);

        long revision = await h.ApplyAsync(NextVersion(web));
        int steps = 0;
        while (true)
        {
            var outcome = await h.ReconcileAsync(web);
            var assignments = await h.AssignmentsAsync(web);
            int running = assignments.Values.Count(a => a.Value.State == AssignmentState.Running);
            Assert.True(running >= 2, $"step {steps}: only {running} of 3 replicas running");
            if (assignments.Values.All(a => a.Value.WorkloadRevision == revision && a.Value.State == AssignmentState.Running) && outcome.Idle)
            {
                break;
            }
            // Agents start one replica per step, as they would report one at a time.
            if (assignments.Values.FirstOrDefault(a => a.Value.State == AssignmentState.Pending) is { Key: not null } pending)
            {
                await h.SetStateAsync(pending, AssignmentState.Running);
            }
            Assert.True(++steps < 20, "the rollout did not finish in 20 steps");
        }

        var replaced = await h.EventsAsync(ClusterEventType.ReplicaReplaced);
        Assert.Equal([0, 1, 2], replaced.Select(e => int.Parse(e.Subject.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Single(await h.EventsAsync(ClusterEventType.RolloutStarted));
        Assert.Single(await h.EventsAsync(ClusterEventType.RolloutCompleted));
        Assert.Null(await h.Store.GetAsync(KeyLayout.Rollout(WorkloadKey.Of(web))));
        var records = await h.RecordsAsync(web);
        Assert.Equal([ReconcileAction.StartRollout, ReconcileAction.Replace, ReconcileAction.Replace, ReconcileAction.Replace, ReconcileAction.CompleteRollout],
            records.Where(r => r.Case == ReconcileCase.Outdated && r.Action != ReconcileAction.Place).Select(r => r.Action));
    }

    [Fact]
    public async Task Reconcile_NewRevisionWhileAReplicaIsPending_ReplacesNothingRunningUntilItRuns()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(3);
        var web = StateFixtures.Workload(replicas: 3);
        await h.ApplyAsync(web);
        await h.ReconcileAsync(web);
        var first = (await h.AssignmentsAsync(web))[0];
        await h.SetStateAsync(first, AssignmentState.Running);
        await h.SetStateAsync((await h.AssignmentsAsync(web))[1], AssignmentState.Running);

        await h.ApplyAsync(NextVersion(web));
        var outcome = await h.ReconcileAsync(web);

        // Replica 2 never started, so replacing it costs nothing; the running ones wait for it.
        Assert.Equal([2], outcome.Records.Where(r => r.Action == ReconcileAction.Replace).Select(r => r.Replica!.Value));
        var running = (await h.AssignmentsAsync(web)).Values.Where(a => a.Value.State == AssignmentState.Running).ToList();
        Assert.Equal(2, running.Count);
    }

    [Fact]
    public async Task Reconcile_ScaleChangeOnly_PlacesTheNewReplicaAndLeavesTheOthersAlone()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(3);
        var web = StateFixtures.Workload(replicas: 2);
        await h.ApplyAsync(web);
        await h.SettleAsync(web);
        var before = await h.AssignmentsAsync(web);

        await h.ApplyAsync(web with { Replicas = 3 });
        var outcome = await h.ReconcileAsync(web);

        var record = Assert.Single(outcome.Records);
        Assert.Equal((2, ReconcileCase.RunningMissing, ReconcileAction.Place), (record.Replica!.Value, record.Case, record.Action));
        var after = await h.AssignmentsAsync(web);
        Assert.Equal([(before[0].Key, before[0].ModRevision), (before[1].Key, before[1].ModRevision)], [(after[0].Key, after[0].ModRevision), (after[1].Key, after[1].ModRevision)]);
        Assert.Empty(await h.EventsAsync(ClusterEventType.RolloutStarted, ClusterEventType.ReplicaReplaced));
    }

    [Fact]
    public async Task Reconcile_NewRevisionOfAnExhaustedReplica_ResetsRetriesAndReplacesItAtOnce()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(1);
        var web = StateFixtures.Workload(replicas: 1) with { Retry = new RetryPolicy(1) };
        await h.ApplyAsync(web);
        await h.SettleAsync(web);
        await h.ReportExitAsync(web, 0, 1);
        var key = WorkloadKey.Of(web);
        Assert.NotNull(await h.Store.GetAsync(KeyLayout.Retry(key, 0)));
        Assert.True((await h.ReconcileAsync(web)).Idle);

        long revision = await h.ApplyAsync(NextVersion(web));
        var outcome = await h.ReconcileAsync(web);

        Assert.Equal([ReconcileAction.StartRollout, ReconcileAction.Replace, ReconcileAction.Place], outcome.Records.Select(r => r.Action));
        Assert.Null(await h.Store.GetAsync(KeyLayout.Retry(key, 0)));
        var fresh = (await h.AssignmentsAsync(web))[0].Value;
        Assert.Equal((AssignmentState.Pending, revision), (fresh.State, fresh.WorkloadRevision));

        // Its next failure is attempt 1 again.
        await h.ReportRunningAsync(web);
        Assert.Equal(Server.Retries.ExitOutcome.Failed, (await h.ReportExitAsync(web, 0, 1)).Outcome);
        Assert.Equal(1, StateSerializer.Read<RetryState>((await h.Store.GetAsync(KeyLayout.Retry(key, 0)))!).Attempts);
    }

    [Fact]
    public async Task Reconcile_ManyActions_KeepsOnlyTheNewestRecordsPerWorkload()
    {
        await using var h = new ReconcilerHarness(new ReconcilerOptions { RecordsPerWorkload = 3 });
        await h.RegisterNodesAsync(2);
        var web = StateFixtures.Workload(replicas: 5, cpu: "500m");
        await h.ApplyAsync(web);
        await h.ReconcileAsync(web);
        Assert.Equal([2, 3, 4], (await h.RecordsAsync(web)).Select(r => r.Replica!.Value));

        await h.ApplyAsync(web with { DesiredState = DesiredState.Stopped });
        await h.ReconcileAsync(web);

        var records = await h.RecordsAsync(web);
        Assert.Equal([(2, ReconcileAction.Stop), (3, ReconcileAction.Stop), (4, ReconcileAction.Stop)], records.Select(r => (r.Replica!.Value, r.Action)));
        Assert.Equal(3, (await h.Store.RangeAsync(KeyRange.Prefix(KeyLayout.ReconciliationRecordsOf(WorkloadKey.Of(web))))).Kvs.Count);
    }

    [Fact]
    public async Task Reconcile_Unschedulable_RecordsAnUnchangedPlacementAndBacksOff()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(1);
        var huge = StateFixtures.Workload(replicas: 1, cpu: "64");
        await h.ApplyAsync(huge);

        var outcome = await h.ReconcileAsync(huge);

        Assert.True(outcome.BackOff);
        var record = Assert.Single(outcome.Records);
        Assert.Equal((ReconcileAction.Place, ReconcileResult.Unchanged), (record.Action, record.Result));
        Assert.Contains("Insufficient cpu", record.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkloadsAsync_ListsWhatDeletedOnesLeftFirstThenTheLivingByPriority()
    {
        await using var h = new ReconcilerHarness();
        await h.RegisterNodesAsync(1);
        var live = StateFixtures.Workload("live");
        var urgent = StateFixtures.Workload("urgent") with { Priority = 100 };
        var gone = StateFixtures.Workload("gone");
        await h.ApplyAsync(live);
        await h.ApplyAsync(urgent);
        await h.ApplyAsync(gone);
        await h.SettleAsync(gone);
        await h.Store.DeleteAsync(KeyLayout.Workload(WorkloadKey.Of(gone)));
        var leftRollout = new WorkloadKey("default", "rolled");
        await h.Store.PutAsync(KeyLayout.Rollout(leftRollout), StateSerializer.Serialize(new RolloutState(1, StateFixtures.T0, 1)));

        var (workloads, revision) = await h.Reconciler.WorkloadsAsync();

        // What deleted workloads left first (removing it frees room), then by priority.
        Assert.Equal([WorkloadKey.Of(gone), leftRollout, WorkloadKey.Of(urgent), WorkloadKey.Of(live)], workloads);
        Assert.Equal((await h.Store.RangeAsync(KeyRange.Prefix("/"))).Revision, revision);
    }
}
