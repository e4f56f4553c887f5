using System.Diagnostics;
using Berth.Agent.Supervision;

namespace Berth.Agent.Tests;

/// <summary>Stopping a replica (evicted, removed, stopped) is graceful: SIGTERM to its process tree, SIGKILL after the grace.</summary>
public sealed class ReplicaSupervisorGracefulStopTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "berth-stop-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private static DesiredReplica Replica(string script) =>
        new("default/web", 0, 5, 10, DesiredReplicaState.Pending,
            [new ReplicaContainer("main", ["sh", "-c", script], [], new Dictionary<string, string>(), null)]);

    private static async Task<int> RunningPidAsync(ReplicaSupervisor supervisor)
    {
        int pid = 0;
        await Eventually.WaitAsync(() => supervisor.Snapshot() is [{ Running: true, ProcessIds: [var p] }] && (pid = p) > 0, "the replica to run");
        return pid;
    }

    [Fact]
    public async Task ReconcileAsync_ReplicaRemoved_SendsSigtermFirst_SoItCanFinishCleanly()
    {
        if (!ProcessTree.IsSupported)
        {
            return;
        }
        var marker = Path.Combine(_dir, "terminated");
        await using var supervisor = new ReplicaSupervisor("node-a", stopGrace: TimeSpan.FromSeconds(10));
        await supervisor.ReconcileAsync([Replica($"trap 'echo clean > {marker}; exit 0' TERM; echo ready; while true; do sleep 0.1; done")]);
        await Eventually.WaitAsync(() => supervisor.Snapshot() is [{ LogTail: "ready" }], "the trap to be set");

        await supervisor.ReconcileAsync([]);

        Assert.Equal("clean", File.ReadAllText(marker).Trim());
        Assert.Empty(supervisor.Snapshot());
    }

    [Fact]
    public async Task ReconcileAsync_ReplicaIgnoringSigterm_IsKilledAfterTheGrace()
    {
        var grace = TimeSpan.FromMilliseconds(300);
        await using var supervisor = new ReplicaSupervisor("node-a", stopGrace: grace);
        await supervisor.ReconcileAsync([Replica("trap '' TERM; echo ready; while true; do sleep 0.1; done")]);
        int pid = await RunningPidAsync(supervisor);
        await Eventually.WaitAsync(() => supervisor.Snapshot() is [{ LogTail: "ready" }], "the trap to be set");
        var clock = Stopwatch.StartNew();

        await supervisor.ReconcileAsync([]);

        Assert.False(Eventually.IsAlive(pid));
        if (ProcessTree.IsSupported)
        {
            Assert.True(clock.Elapsed >= grace, $"killed after {clock.Elapsed.TotalMilliseconds} ms, before the {grace.TotalMilliseconds} ms grace");
        }
    }

    [Fact]
    public async Task ReconcileAsync_GraceZero_KillsAtOnce()
    {
        var marker = Path.Combine(_dir, "terminated");
        await using var supervisor = new ReplicaSupervisor("node-a", stopGrace: TimeSpan.Zero);
        await supervisor.ReconcileAsync([Replica($"trap 'echo clean > {marker}; exit 0' TERM; echo ready; while true; do sleep 0.1; done")]);
        int pid = await RunningPidAsync(supervisor);
        await Eventually.WaitAsync(() => supervisor.Snapshot() is [{ LogTail: "ready" }], "the trap to be set");

        await supervisor.ReconcileAsync([]);

        Assert.False(Eventually.IsAlive(pid));
        Assert.False(File.Exists(marker));
    }
}
