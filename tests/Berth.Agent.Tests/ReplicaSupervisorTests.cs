using Berth.Agent.Supervision;

namespace Berth.Agent.Tests;

/// <summary>The supervisor with real processes (sleep, printenv, sh, false); every test stops what it starts.</summary>
public sealed class ReplicaSupervisorTests : IAsyncLifetime
{
    private const string Node = "node-a";
    private const string Workload = "default/web";

    private readonly ReplicaSupervisor _supervisor = new(Node, logTailLines: 20);
    private readonly List<ReplicaStatusChange> _changes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _supervisor.DisposeAsync();

    private static DesiredReplica Replica(
        string[] command,
        int replica = 0,
        long revision = 5,
        long assignmentRevision = 10,
        DesiredReplicaState state = DesiredReplicaState.Pending,
        IReadOnlyDictionary<string, string>? env = null,
        string? workingDir = null) =>
        new(Workload, replica, revision, assignmentRevision, state, [new ReplicaContainer("main", command, [], env ?? new Dictionary<string, string>(), workingDir)]);

    private async Task<ReplicaStatusChange> ExitOfAsync(int replica)
    {
        ReplicaStatusChange? exit = null;
        await Eventually.WaitAsync(() =>
        {
            _changes.AddRange(_supervisor.TakeChanges());
            exit = _changes.FirstOrDefault(c => c.Exited && c.Replica == replica);
            return exit is not null;
        }, $"replica {replica} to exit");
        _changes.Remove(exit!);
        return exit!;
    }

    private ReplicaSnapshot Only() => Assert.Single(_supervisor.Snapshot());

    [Fact]
    public async Task ReconcileAsync_PendingReplica_RunsCommandWithBerthEnvironment()
    {
        await _supervisor.ReconcileAsync([Replica(["printenv", "BERTH_WORKLOAD", "BERTH_REPLICA", "BERTH_NODE"], replica: 1)]);

        var exit = await ExitOfAsync(1);

        Assert.Equal(0, exit.ExitCode);
        Assert.Equal($"{Workload}\n1\n{Node}", exit.LogTail);
        Assert.Contains(_changes, c => !c.Exited && c.Replica == 1 && c.WorkloadRevision == 5);
    }

    [Fact]
    public async Task ReconcileAsync_ContainerEnvArgsAndWorkingDir_AreUsedWithoutShell()
    {
        var dir = Path.GetTempPath().TrimEnd('/');
        var replica = new DesiredReplica(Workload, 0, 5, 10, DesiredReplicaState.Pending,
            [new ReplicaContainer("main", ["sh", "-c"], ["pwd; echo \"$GREETING\" \"$0\"", "$HOME"], new Dictionary<string, string> { ["GREETING"] = "hello" }, dir)]);

        await _supervisor.ReconcileAsync([replica]);
        var exit = await ExitOfAsync(0);

        // "$HOME" is passed as a literal argument: no shell expanded it on the way in.
        Assert.Equal($"{Path.GetFullPath(dir)}\nhello $HOME", exit.LogTail);
    }

    [Theory]
    [InlineData("false", new[] { "false" }, 1)]
    [InlineData("exit 3", new[] { "sh", "-c", "exit 3" }, 3)]
    public async Task ReconcileAsync_CommandExits_ReportsExitCode(string name, string[] command, int expected)
    {
        _ = name;
        await _supervisor.ReconcileAsync([Replica(command)]);

        var exit = await ExitOfAsync(0);

        Assert.Equal(expected, exit.ExitCode);
        Assert.False(Only().Running);
    }

    [Fact]
    public async Task ReconcileAsync_MissingExecutable_ReportsExit127WithReason()
    {
        await _supervisor.ReconcileAsync([Replica(["/nonexistent/berth-no-such-binary"])]);

        var exit = await ExitOfAsync(0);

        Assert.Equal(AgentMessages.StartFailedExitCode, exit.ExitCode);
        Assert.Contains("cannot start '/nonexistent/berth-no-such-binary'", exit.LogTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_SameRevisionRepeated_DoesNotStartSecondCopy()
    {
        await _supervisor.ReconcileAsync([Replica(["sleep", "30"])]);
        var pid = Assert.Single(Only().ProcessIds);

        // The same desired state again, then as the server answers after the Running report, then a late Pending.
        await _supervisor.ReconcileAsync([Replica(["sleep", "30"])]);
        await _supervisor.ReconcileAsync([Replica(["sleep", "30"], assignmentRevision: 11, state: DesiredReplicaState.Running)]);
        await _supervisor.ReconcileAsync([Replica(["sleep", "30"], assignmentRevision: 10)]);

        Assert.Equal(1, _supervisor.Starts);
        Assert.Equal([pid], Only().ProcessIds);
        Assert.True(Eventually.IsAlive(pid));
    }

    [Fact]
    public async Task ReconcileAsync_NewWorkloadRevision_ReplacesCopy()
    {
        await _supervisor.ReconcileAsync([Replica(["sleep", "30"], revision: 5)]);
        var old = Assert.Single(Only().ProcessIds);

        await _supervisor.ReconcileAsync([Replica(["sleep", "30"], revision: 7)]);

        Assert.Equal(2, _supervisor.Starts);
        Assert.Equal(7, Only().WorkloadRevision);
        Assert.False(Eventually.IsAlive(old));
        Assert.DoesNotContain(_supervisor.TakeChanges(), c => c.Exited);
    }

    [Fact]
    public async Task ReconcileAsync_ReplicaRemoved_StopsItWithoutReportingExit()
    {
        await _supervisor.ReconcileAsync([Replica(["sleep", "30"]), Replica(["sleep", "30"], replica: 1)]);
        var pids = _supervisor.Snapshot().SelectMany(r => r.ProcessIds).ToArray();
        Assert.Equal(2, pids.Length);

        await _supervisor.ReconcileAsync([Replica(["sleep", "30"], replica: 1)]);

        Assert.False(Eventually.IsAlive(pids[0]));
        Assert.True(Eventually.IsAlive(pids[1]));
        Assert.Equal(1, Only().Replica);
        Assert.DoesNotContain(_supervisor.TakeChanges(), c => c.Exited);
    }

    [Fact]
    public async Task ReconcileAsync_StoppedState_StopsRunningCopy()
    {
        await _supervisor.ReconcileAsync([Replica(["sleep", "30"])]);
        var pid = Assert.Single(Only().ProcessIds);

        await _supervisor.ReconcileAsync([Replica(["sleep", "30"], assignmentRevision: 12, state: DesiredReplicaState.Stopped)]);

        Assert.False(Eventually.IsAlive(pid));
        Assert.False(Only().Running);
    }

    [Fact]
    public async Task ReconcileAsync_StopsWholeProcessTree()
    {
        // sh prints its background child's pid, then waits: stopping the replica must take the child too.
        await _supervisor.ReconcileAsync([Replica(["sh", "-c", "sleep 30 & echo $!; wait"])]);
        int child = 0;
        await Eventually.WaitAsync(() => int.TryParse(Only().LogTail, out child), "the child's pid in the output");
        Assert.True(Eventually.IsAlive(child));

        await _supervisor.ReconcileAsync([]);

        await Eventually.WaitAsync(() => !Eventually.IsAlive(child), "the child to be killed");
        Assert.Empty(_supervisor.Snapshot());
    }

    [Fact]
    public async Task ReconcileAsync_PendingAfterExitWithoutRearm_DoesNotRestart()
    {
        await _supervisor.ReconcileAsync([Replica(["false"])]);
        await ExitOfAsync(0);

        // The server has not taken the exit yet: the assignment still reads as before.
        await _supervisor.ReconcileAsync([Replica(["false"])]);

        Assert.Equal(1, _supervisor.Starts);
    }

    [Fact]
    public async Task ReconcileAsync_PendingAfterFailed_StartsAgain()
    {
        await _supervisor.ReconcileAsync([Replica(["false"])]);
        await ExitOfAsync(0);

        await _supervisor.ReconcileAsync([Replica(["false"], assignmentRevision: 12, state: DesiredReplicaState.Failed)]);
        await _supervisor.ReconcileAsync([Replica(["false"], assignmentRevision: 20)]);

        Assert.Equal(2, _supervisor.Starts);
        await ExitOfAsync(0);
    }

    [Fact]
    public async Task ReconcileAsync_PendingPastAcknowledgedExit_StartsAgain()
    {
        await _supervisor.ReconcileAsync([Replica(["false"])]);
        var exit = await ExitOfAsync(0);
        _supervisor.AcknowledgeExit(exit.Workload, exit.Replica, exit.WorkloadRevision, revision: 14);

        // The Failed state was never seen (between two polls), but the assignment moved past the acknowledged exit.
        await _supervisor.ReconcileAsync([Replica(["false"], assignmentRevision: 20)]);

        Assert.Equal(2, _supervisor.Starts);
    }

    [Fact]
    public async Task TakeOutput_Acknowledged_GivesOnlyNewLinesNext()
    {
        await _supervisor.ReconcileAsync([Replica(["sh", "-c", "echo one; echo two; read never"])]);
        IReadOnlyList<ReplicaOutput> first = [];
        await Eventually.WaitAsync(() => (first = _supervisor.TakeOutput()) is [{ Lines.Count: 2 }], "two lines of output");

        Assert.Equal(["one", "two"], first[0].Lines);
        Assert.Equal(first[0].Lines, _supervisor.TakeOutput()[0].Lines);
        _supervisor.AcknowledgeOutput(first);
        Assert.Empty(_supervisor.TakeOutput());
    }

    [Fact]
    public async Task Inventory_RunningThenExitedThenAcknowledged_HeldUntilTheServerTookTheExit()
    {
        await _supervisor.ReconcileAsync([Replica(["sleep", "30"], replica: 0), Replica(["false"], replica: 1, revision: 7)]);
        var exit = await ExitOfAsync(1);

        // The ended copy stays in the inventory while its exit report is unacknowledged, so the server never judges it missing.
        Assert.Equal([(Workload, 0, 5L), (Workload, 1, 7L)], _supervisor.Inventory().Select(c => (c.Workload, c.Replica, c.WorkloadRevision)).OrderBy(c => c.Replica));

        _supervisor.AcknowledgeExit(exit.Workload, exit.Replica, exit.WorkloadRevision, revision: 14);

        Assert.Equal([(Workload, 0, 5L)], _supervisor.Inventory().Select(c => (c.Workload, c.Replica, c.WorkloadRevision)));
        await _supervisor.StopAllAsync();
        Assert.Empty(_supervisor.Inventory());
    }

    [Fact]
    public async Task ReconcileAsync_SameDesiredStateFromTwoLoopsAtOnce_StartsOneCopy()
    {
        // The agent reconciles from its assignment stream and from its tick, which can overlap.
        for (int round = 0; round < 20; round++)
        {
            int before = _supervisor.Starts;
            var desired = new[] { Replica(["sleep", "30"], replica: round) };
            using var go = new ManualResetEventSlim();
            var calls = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                go.Wait();
                await _supervisor.ReconcileAsync(desired);
            })).ToArray();
            go.Set();
            await Task.WhenAll(calls);

            Assert.Equal(before + 1, _supervisor.Starts);
        }
    }

    [Fact]
    public async Task ReannounceRunning_RunningCopyStillPending_QueuesOneRunningReport()
    {
        await _supervisor.ReconcileAsync([Replica(["sleep", "30"])]);
        Assert.Single(_supervisor.TakeChanges(), c => !c.Exited);

        int first = _supervisor.ReannounceRunning([Replica(["sleep", "30"])]);
        int again = _supervisor.ReannounceRunning([Replica(["sleep", "30"])]);
        int running = _supervisor.ReannounceRunning([Replica(["sleep", "30"], state: DesiredReplicaState.Running)]);
        int otherRevision = _supervisor.ReannounceRunning([Replica(["sleep", "30"], revision: 6)]);

        Assert.Equal((1, 0, 0, 0), (first, again, running, otherRevision));
        var change = Assert.Single(_supervisor.TakeChanges());
        Assert.Equal((Workload, 0, 5L, false), (change.Workload, change.Replica, change.WorkloadRevision, change.Exited));
        Assert.Equal(1, _supervisor.Starts);
    }
}
