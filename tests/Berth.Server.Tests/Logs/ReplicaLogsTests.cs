using Berth.Server.Logs;
using Berth.Server.State;

namespace Berth.Server.Tests.Logs;

/// <summary>The in-memory replica log buffers: bounded, tail, follow, forget.</summary>
public sealed class ReplicaLogsTests
{
    private static readonly WorkloadKey Web = new("default", "web");
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    [Fact]
    public void Append_MoreThanCapacity_KeepsTheNewestLines()
    {
        var logs = new ReplicaLogs(linesPerReplica: 3);

        logs.Append(Web, 0, ["1", "2"]);
        logs.Append(Web, 0, ["3", "4", "5"]);

        Assert.Equal(["3", "4", "5"], logs.Tail(Web, 0, 10));
        Assert.Equal(["5"], logs.Tail(Web, 0, 1));
        Assert.Empty(logs.Tail(Web, 1, 10));
    }

    [Fact]
    public void Append_OverlongLine_IsCutAtTheLimit()
    {
        var logs = new ReplicaLogs();

        logs.Append(Web, 0, [new string('x', ReplicaLogs.MaxLineLength + 10)]);

        Assert.Equal(ReplicaLogs.MaxLineLength, Assert.Single(logs.Tail(Web, 0, 1)).Length);
    }

    [Fact]
    public async Task FollowAsync_TailThenAppends_YieldsTailThenNewLines()
    {
        var logs = new ReplicaLogs();
        logs.Append(Web, 0, ["old-1", "old-2"]);
        using var cancel = new CancellationTokenSource(WaitLimit);
        var seen = new List<string>();

        await using var follow = logs.FollowAsync(Web, 0, tail: 1, cancel.Token).GetAsyncEnumerator(cancel.Token);
        Assert.True(await follow.MoveNextAsync());
        seen.Add(follow.Current);
        var next = follow.MoveNextAsync();
        Assert.False(next.IsCompleted);
        logs.Append(Web, 0, ["new-1", "new-2"]);
        Assert.True(await next);
        seen.Add(follow.Current);
        Assert.True(await follow.MoveNextAsync());
        seen.Add(follow.Current);

        Assert.Equal(["old-2", "new-1", "new-2"], seen);
    }

    [Fact]
    public void Forget_Workload_DropsItsReplicasOnly()
    {
        var logs = new ReplicaLogs();
        var other = new WorkloadKey("default", "other");
        logs.Append(Web, 0, ["a"]);
        logs.Append(Web, 1, ["b"]);
        logs.Append(other, 0, ["c"]);

        logs.Forget(Web);

        Assert.Empty(logs.Tail(Web, 0, 10));
        Assert.Empty(logs.Tail(Web, 1, 10));
        Assert.Equal(["c"], logs.Tail(other, 0, 10));
    }
}
