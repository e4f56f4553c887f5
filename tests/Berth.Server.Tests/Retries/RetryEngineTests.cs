using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.Retries;
using Berth.Server.State;
using Berth.Server.Tests.Fixtures;
using Berth.Store;

namespace Berth.Server.Tests.Retries;

public sealed class RetryEngineTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ReportExit_RepeatedFailures_DelaysDoubleFrom5sAndCapAt120s()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.Always, maxAttempts: 10);
        int[] expectedSeconds = [5, 10, 20, 40, 80, 120, 120];

        var messages = new List<string>();
        for (int i = 0; i < expectedSeconds.Length; i++)
        {
            var now = h.Clock.GetUtcNow();
            var result = await h.Engine.ReportExitAsync(web, 0, 1, "crashed");

            var delay = expectedSeconds[i] * Second;
            Assert.Equal(new ExitResult(ExitOutcome.RetryScheduled, i + 1, delay, now + delay), result);
            var retry = await h.RetryAsync(web, 0);
            Assert.Equal(new RetryState(web, 0, i + 1, now + delay, "exit code 1: crashed"), retry);
            Assert.Equal(AssignmentState.Failed, (await h.AssignmentAsync(web, 0))!.State);
            messages.Add(RetryMessages.RetryTriggered("default/" + web.Name + "/0", "exit code 1: crashed", i + 1, 10, delay, now + delay));

            h.Clock.Advance(delay);
            var due = await h.Engine.DueAsync();
            Assert.Equal(RestartKind.InPlace, Assert.Single(due.Restarted).Kind);
        }

        var triggered = await h.EventsAsync(ClusterEventType.RetryTriggered);
        Assert.Equal(messages, triggered.Select(e => e.Message));
        Assert.Equal(expectedSeconds.Length, (await h.EventsAsync(ClusterEventType.ReplicaRestarted)).Count);
    }

    [Fact]
    public async Task DueAsync_BeforeDelay_DoesNothingAndAfterItRearmsOnce()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.Always, maxAttempts: 5);
        await h.Engine.ReportExitAsync(web, 0, 137, "OOMKilled");
        var before = await h.State.DumpAsync();

        h.Clock.Advance(5 * Second - TimeSpan.FromMilliseconds(1));
        Assert.Empty((await h.Engine.DueAsync()).Restarted);
        Assert.Equal(before, await h.State.DumpAsync());

        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var due = await h.Engine.DueAsync();
        var restarted = Assert.Single(due.Restarted);
        Assert.Equal(new RestartedReplica($"default/{web.Name}/0", 1, "n1", RestartKind.InPlace), restarted);
        Assert.Empty(due.Conflicts);
        var assignment = (await h.AssignmentAsync(web, 0))!;
        Assert.Equal(("n1", AssignmentState.Pending), (assignment.Node, assignment.State));
        var afterFirst = await h.State.DumpAsync();

        h.Clock.Advance(60 * Second);
        Assert.Empty((await h.Engine.DueAsync()).Restarted);
        Assert.Equal(afterFirst, await h.State.DumpAsync());
        var restartedEvent = Assert.Single(await h.EventsAsync(ClusterEventType.ReplicaRestarted));
        Assert.Equal(RetryMessages.RestartedInPlace($"default/{web.Name}/0", 1, "n1"), restartedEvent.Message);
    }

    [Fact]
    public async Task ReportExit_MaxAttemptsReached_WorkloadFailedOnceAndNoMoreRetries()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.Always, maxAttempts: 3);
        var subject = $"default/{web.Name}/0";

        Assert.Equal(ExitOutcome.RetryScheduled, (await h.Engine.ReportExitAsync(web, 0, 1, null)).Outcome);
        h.Clock.Advance(5 * Second);
        await h.Engine.DueAsync();
        Assert.Equal(ExitOutcome.RetryScheduled, (await h.Engine.ReportExitAsync(web, 0, 1, null)).Outcome);
        h.Clock.Advance(10 * Second);
        await h.Engine.DueAsync();
        var last = await h.Engine.ReportExitAsync(web, 0, 2, "bad config");

        Assert.Equal(new ExitResult(ExitOutcome.Failed, 3, null, null), last);
        Assert.Equal(new RetryState(web, 0, 3, null, "exit code 2: bad config"), await h.RetryAsync(web, 0));
        Assert.Equal(AssignmentState.Failed, (await h.AssignmentAsync(web, 0))!.State);
        var failed = Assert.Single(await h.EventsAsync(ClusterEventType.WorkloadFailed));
        Assert.Equal((subject, RetryMessages.Exhausted(subject, "exit code 2: bad config", 3)), (failed.Subject, failed.Message));
        Assert.Equal(2, (await h.EventsAsync(ClusterEventType.RetryTriggered)).Count);

        var before = await h.State.DumpAsync();
        h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty((await h.Engine.DueAsync()).Restarted);
        Assert.Equal(ExitOutcome.AlreadyEnded, (await h.Engine.ReportExitAsync(web, 0, 2, "bad config")).Outcome);
        Assert.Equal(before, await h.State.DumpAsync());
        Assert.Single(await h.EventsAsync(ClusterEventType.WorkloadFailed));
    }

    public static TheoryData<string, RestartPolicy, int, ExitOutcome, AssignmentState, ClusterEventType> PolicyCases => new()
    {
        { "Always, clean exit restarts", RestartPolicy.Always, 0, ExitOutcome.RetryScheduled, AssignmentState.Failed, ClusterEventType.RetryTriggered },
        { "Always, failure restarts", RestartPolicy.Always, 1, ExitOutcome.RetryScheduled, AssignmentState.Failed, ClusterEventType.RetryTriggered },
        { "OnFailure, clean exit completes", RestartPolicy.OnFailure, 0, ExitOutcome.Succeeded, AssignmentState.Succeeded, ClusterEventType.ReplicaSucceeded },
        { "OnFailure, failure restarts", RestartPolicy.OnFailure, 1, ExitOutcome.RetryScheduled, AssignmentState.Failed, ClusterEventType.RetryTriggered },
        { "Never, clean exit completes", RestartPolicy.Never, 0, ExitOutcome.Succeeded, AssignmentState.Succeeded, ClusterEventType.ReplicaSucceeded },
        { "Never, failure ends Failed", RestartPolicy.Never, 1, ExitOutcome.Failed, AssignmentState.Failed, ClusterEventType.WorkloadFailed },
    };

    [Theory]
    [MemberData(nameof(PolicyCases))]
    public async Task ReportExit_RestartPolicy_FollowsKubernetesSemantics(string name, RestartPolicy policy, int exitCode, ExitOutcome outcome, AssignmentState state, ClusterEventType eventType)
    {
        _ = name;
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(policy, maxAttempts: 5);

        var result = await h.Engine.ReportExitAsync(web, 0, exitCode, null);

        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(state, (await h.AssignmentAsync(web, 0))!.State);
        var single = Assert.Single(await h.Log.ReadAfterAsync(0));
        Assert.Equal(eventType, single.Type);
    }

    [Fact]
    public async Task ReportExit_OnFailureCleanExit_StoppedWithoutRetryState()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.OnFailure, maxAttempts: 5);
        await h.Engine.ReportExitAsync(web, 0, 1, null);
        h.Clock.Advance(5 * Second);
        await h.Engine.DueAsync();

        var result = await h.Engine.ReportExitAsync(web, 0, 0, null);

        Assert.Equal(ExitOutcome.Succeeded, result.Outcome);
        Assert.Equal(AssignmentState.Succeeded, (await h.AssignmentAsync(web, 0))!.State);
        Assert.Null(await h.RetryAsync(web, 0));
        var succeeded = Assert.Single(await h.EventsAsync(ClusterEventType.ReplicaSucceeded));
        Assert.Equal(RetryMessages.Succeeded($"default/{web.Name}/0", RestartPolicy.OnFailure), succeeded.Message);
        h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty((await h.Engine.DueAsync()).Restarted);
    }

    [Fact]
    public async Task ReportExit_NeverWithFailure_FailedAtOnceExhaustedStateAndNoRetry()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.Never, maxAttempts: 5);
        var subject = $"default/{web.Name}/0";

        var result = await h.Engine.ReportExitAsync(web, 0, 3, "segfault");

        Assert.Equal(new ExitResult(ExitOutcome.Failed, 1, null, null), result);
        Assert.Equal(new RetryState(web, 0, 1, null, "exit code 3: segfault"), await h.RetryAsync(web, 0));
        var failed = Assert.Single(await h.EventsAsync(ClusterEventType.WorkloadFailed));
        Assert.Equal(RetryMessages.FailedNoRestart(subject, "exit code 3: segfault"), failed.Message);
        Assert.Empty(await h.EventsAsync(ClusterEventType.RetryTriggered));
        h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty((await h.Engine.DueAsync()).Restarted);
    }

    [Fact]
    public async Task RetryState_NewEngineOnSameStore_ContinuesCounting()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.Always, maxAttempts: 3);
        await h.Engine.ReportExitAsync(web, 0, 1, null);

        // A restarted server: a fresh log (new writer id) and engine over the same store.
        var second = new RetryEngine(h.Store, new EventLog(h.Store, h.Clock, "second"));
        h.Clock.Advance(5 * Second);
        Assert.Single((await second.DueAsync()).Restarted);
        var again = await second.ReportExitAsync(web, 0, 1, null);
        Assert.Equal((ExitOutcome.RetryScheduled, 2, 10 * Second), (again.Outcome, again.Attempts, again.Delay));

        var third = new RetryEngine(h.Store, new EventLog(h.Store, h.Clock, "third"));
        h.Clock.Advance(10 * Second);
        Assert.Single((await third.DueAsync()).Restarted);
        Assert.Equal(ExitOutcome.Failed, (await third.ReportExitAsync(web, 0, 1, null)).Outcome);

        var fourth = new RetryEngine(h.Store, new EventLog(h.Store, h.Clock, "fourth"));
        h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty((await fourth.DueAsync()).Restarted);
        Assert.Equal(AssignmentState.Failed, (await h.AssignmentAsync(web, 0))!.State);
        Assert.Single(await h.EventsAsync(ClusterEventType.WorkloadFailed));
    }

    [Fact]
    public async Task ReportExit_ConcurrentAssignmentChange_RetriesTransactionAndEndsConsistent()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.Always, maxAttempts: 5);
        var interfering = new InterferingStore(h.Store);
        var engine = new RetryEngine(interfering, h.Log);
        var key = KeyLayout.Assignment(web, 0);
        // The agent's "running" report lands between the engine's read and its write.
        interfering.BeforeNextWrite = async store =>
        {
            var current = (await h.AssignmentAsync(web, 0))!;
            await store.PutAsync(key, StateSerializer.Serialize(current with { State = AssignmentState.Running, Explanation = "changed concurrently" }));
        };

        var result = await engine.ReportExitAsync(web, 0, 1, null);

        Assert.Equal(1, interfering.FailedWrites);
        Assert.Equal((ExitOutcome.RetryScheduled, 1), (result.Outcome, result.Attempts));
        var assignment = (await h.AssignmentAsync(web, 0))!;
        Assert.Equal((AssignmentState.Failed, "changed concurrently"), (assignment.State, assignment.Explanation));
        Assert.Equal(1, (await h.RetryAsync(web, 0))!.Attempts);
        Assert.Single(await h.EventsAsync(ClusterEventType.RetryTriggered));
    }

    [Fact]
    public async Task DueAsync_ConcurrentRetryStateChange_RereadsAndRestartsOnce()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.Always, maxAttempts: 5);
        await h.Engine.ReportExitAsync(web, 0, 1, null);
        var interfering = new InterferingStore(h.Store);
        var engine = new RetryEngine(interfering, h.Log);
        interfering.BeforeNextWrite = store => store.PutAsync(KeyLayout.Retry(web, 0), StateSerializer.Serialize(new RetryState(web, 0, 1, StateFixtures.T0 + (5 * Second), "touched")));
        h.Clock.Advance(5 * Second);

        var due = await engine.DueAsync();

        Assert.Equal(1, interfering.FailedWrites);
        Assert.Single(due.Restarted);
        Assert.Equal(AssignmentState.Pending, (await h.AssignmentAsync(web, 0))!.State);
        Assert.Single(await h.EventsAsync(ClusterEventType.ReplicaRestarted));
    }

    [Fact]
    public async Task DueAsync_NodeNotReady_DeletesAssignmentForPlacementElsewhere()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.Always, maxAttempts: 5);
        await h.Engine.ReportExitAsync(web, 0, 1, null);
        var node = StateFixtures.Node("n1");
        await h.State.PutAsync(node with { Status = new NodeStatus(false, StateFixtures.T0) });
        h.Clock.Advance(5 * Second);

        var due = await h.Engine.DueAsync();

        Assert.Equal(new RestartedReplica($"default/{web.Name}/0", 1, "n1", RestartKind.Released), Assert.Single(due.Restarted));
        Assert.Null(await h.AssignmentAsync(web, 0));
        var restarted = Assert.Single(await h.EventsAsync(ClusterEventType.ReplicaRestarted));
        Assert.Equal(RetryMessages.RestartedElsewhere($"default/{web.Name}/0", 1, "n1", RetryMessages.NodeNotReady), restarted.Message);
        Assert.Empty((await h.Engine.DueAsync()).Restarted);
    }

    [Fact]
    public async Task DueAsync_RoomTakenDuringBackoff_ReleasesInsteadOfOvercommitting()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.Always, maxAttempts: 5, cpu: "3");
        await h.Engine.ReportExitAsync(web, 0, 1, null);
        // Another replica took 2 of the node's 4 cpus while this one held nothing.
        var other = WorkloadKey.Parse("default/other");
        await h.Store.PutAsync(KeyLayout.Assignment(other, 0), StateSerializer.Serialize(new Assignment(other, 0, "n1", 1, ResourceList.Parse((ResourceNames.Cpu, "2")), [], "test", AssignmentState.Running)));
        h.Clock.Advance(5 * Second);

        var due = await h.Engine.DueAsync();

        Assert.Equal(RestartKind.Released, Assert.Single(due.Restarted).Kind);
        Assert.Null(await h.AssignmentAsync(web, 0));
    }

    [Fact]
    public async Task DueAsync_WorkloadStopped_LeavesReplicaToPlacer()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.Always, maxAttempts: 5);
        await h.Engine.ReportExitAsync(web, 0, 1, null);
        await h.State.PutAsync(h.Spec with { DesiredState = DesiredState.Stopped });
        h.Clock.Advance(5 * Second);

        Assert.Empty((await h.Engine.DueAsync()).Restarted);
        Assert.Equal(AssignmentState.Failed, (await h.AssignmentAsync(web, 0))!.State);
    }

    [Fact]
    public async Task ResetAsync_AfterExhaustion_NextFailureStartsAtAttemptOne()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.Never, maxAttempts: 5);
        await h.Engine.ReportExitAsync(web, 0, 1, null);

        Assert.True(await h.Engine.ResetAsync(web, 0));
        Assert.False(await h.Engine.ResetAsync(web, 0));
        Assert.Null(await h.RetryAsync(web, 0));

        // The re-apply placed it again.
        await h.PlaceAsync(web, 0);
        await h.State.PutAsync(h.Spec with { RestartPolicy = RestartPolicy.Always });
        var result = await h.Engine.ReportExitAsync(web, 0, 1, null);
        Assert.Equal((ExitOutcome.RetryScheduled, 1, 5 * Second), (result.Outcome, result.Attempts, result.Delay));
    }

    [Fact]
    public async Task ResetAsync_Workload_ClearsEveryReplicaOfThatWorkloadOnly()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.Always, maxAttempts: 5, replicas: 2);
        await h.PlaceAsync(web, 1);
        await h.Engine.ReportExitAsync(web, 0, 1, null);
        await h.Engine.ReportExitAsync(web, 1, 1, null);
        var other = WorkloadKey.Parse($"default/{web.Name}-2");
        await h.Store.PutAsync(KeyLayout.Retry(other, 0), StateSerializer.Serialize(new RetryState(other, 0, 1, null, null)));

        Assert.Equal(2, await h.Engine.ResetAsync(web));

        Assert.Null(await h.RetryAsync(web, 0));
        Assert.Null(await h.RetryAsync(web, 1));
        Assert.NotNull(await h.RetryAsync(other, 0));
    }

    [Fact]
    public async Task ReportExit_NoAssignment_UnknownReplicaWritesNothing()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.Always, maxAttempts: 5);
        var before = await h.State.DumpAsync();

        Assert.Equal(ExitOutcome.UnknownReplica, (await h.Engine.ReportExitAsync(web, 4, 1, null)).Outcome);
        Assert.Equal(ExitOutcome.UnknownReplica, (await h.Engine.ReportExitAsync(WorkloadKey.Parse("default/missing"), 0, 1, null)).Outcome);
        Assert.Equal(before, await h.State.DumpAsync());
    }

    [Fact]
    public async Task ReportExit_RepeatedReportOfSameExit_CountsOnce()
    {
        await using var h = new RetryHarness();
        var web = await h.SeedAsync(RestartPolicy.Always, maxAttempts: 5);

        await h.Engine.ReportExitAsync(web, 0, 1, null);
        Assert.Equal(ExitOutcome.AlreadyEnded, (await h.Engine.ReportExitAsync(web, 0, 1, null)).Outcome);

        Assert.Equal(1, (await h.RetryAsync(web, 0))!.Attempts);
        Assert.Single(await h.EventsAsync(ClusterEventType.RetryTriggered));
    }

    public static TheoryData<string, RetryEngineOptions, string> InvalidOptions => new()
    {
        { "zero interval", new RetryEngineOptions { DueInterval = TimeSpan.Zero }, RetryMessages.NotPositive("Retries:DueInterval", TimeSpan.Zero) },
        { "zero attempts", new RetryEngineOptions { MaxAttempts = 0 }, RetryMessages.AttemptsOutOfRange("Retries:MaxAttempts", 0) },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public async Task Constructor_InvalidOptions_ThrowsNamingConfigKey(string name, RetryEngineOptions options, string message)
    {
        _ = name;
        await using var h = new RetryHarness();
        var e = Assert.Throws<ArgumentException>(() => new RetryEngine(h.Store, h.Log, options));
        Assert.Equal(message, e.Message);
    }

    private sealed class RetryHarness : IAsyncDisposable
    {
        public RetryHarness()
        {
            State = new StateHarness();
            Clock = new ManualTimeProvider(StateFixtures.T0);
            Log = new EventLog(State.Store, Clock, "retries");
            Engine = new RetryEngine(State.Store, Log);
        }

        public StateHarness State { get; }

        public IKeyValueStore Store => State.Store;

        public ManualTimeProvider Clock { get; }

        public EventLog Log { get; }

        public RetryEngine Engine { get; }

        public WorkloadSpec Spec { get; private set; } = null!;

        /// <summary>Node n1 (4 cpu), a workload with the given policies, and its replica 0 Pending on n1.</summary>
        public async Task<WorkloadKey> SeedAsync(RestartPolicy restart, int maxAttempts, string cpu = "1", int replicas = 1)
        {
            await State.PutAsync(StateFixtures.Node("n1"));
            Spec = StateFixtures.Workload(replicas: replicas, cpu: cpu) with { RestartPolicy = restart, Retry = new RetryPolicy(maxAttempts) };
            await State.PutAsync(Spec);
            var key = WorkloadKey.Of(Spec);
            await PlaceAsync(key, 0);
            return key;
        }

        public Task<long> PlaceAsync(WorkloadKey workload, int replica) =>
            Store.PutAsync(
                KeyLayout.Assignment(workload, replica),
                StateSerializer.Serialize(new Assignment(workload, replica, "n1", 1, Spec.Containers[0].Resources.Requests, [], "test", AssignmentState.Pending)));

        public async Task<Assignment?> AssignmentAsync(WorkloadKey workload, int replica) =>
            await Store.GetAsync(KeyLayout.Assignment(workload, replica)) is { } kv ? StateSerializer.Deserialize<Assignment>(kv.Value.Span) : null;

        public async Task<RetryState?> RetryAsync(WorkloadKey workload, int replica) =>
            await Store.GetAsync(KeyLayout.Retry(workload, replica)) is { } kv ? StateSerializer.Deserialize<RetryState>(kv.Value.Span) : null;

        public async Task<IReadOnlyList<ClusterEvent>> EventsAsync(ClusterEventType type) =>
            [.. (await Log.ReadAfterAsync(0)).Where(e => e.Type == type)];

        public ValueTask DisposeAsync() => State.DisposeAsync();
    }
}
