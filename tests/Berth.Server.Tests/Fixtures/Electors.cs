using Berth.Server.Leadership;
using Berth.Store;

namespace Berth.Server.Tests.Fixtures;

/// <summary>
/// Several <see cref="LeaderElection"/>s campaigning on one shared store, each through its own <see cref="FaultyStore"/>
/// view, named <c>server-0</c>, <c>server-1</c> … ; every election still running is stopped (resigning) on dispose.
/// </summary>
public sealed class Electors : IAsyncDisposable
{
    /// <summary>How long the waits of these tests last at most.</summary>
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly List<(LeaderElection Election, FaultyStore View, CancellationTokenSource Stop, Task Run)> _running = [];

    public Electors(IKeyValueStore store, TimeSpan leaseTtl)
    {
        Store = store;
        LeaseTtl = leaseTtl;
    }

    public IKeyValueStore Store { get; }

    public TimeSpan LeaseTtl { get; }

    public LeaderElection this[int index] => _running[index].Election;

    public int Count => _running.Count;

    /// <summary>The store view of elector <paramref name="index"/>, whose faults the test switches.</summary>
    public FaultyStore View(int index) => _running[index].View;

    /// <summary>Adds an elector; <paramref name="prepare"/> sets faults on its view before it campaigns.</summary>
    public LeaderElection Add(Action<FaultyStore>? prepare = null)
    {
        var view = new FaultyStore(Store);
        prepare?.Invoke(view);
        var election = new LeaderElection(view, LeaseTtl);
        var stop = new CancellationTokenSource();
        var run = election.RunAsync("server-" + _running.Count, stop.Token);
        _running.Add((election, view, stop, run));
        return election;
    }

    /// <summary>Stops elector <paramref name="index"/> (it resigns) and waits until it has.</summary>
    public async Task StopAsync(int index)
    {
        var (_, _, stop, run) = _running[index];
        await stop.CancelAsync();
        await run.WaitAsync(WaitLimit);
    }

    /// <summary>The electors that lead now.</summary>
    public List<LeaderElection> Leaders() => _running.Where(r => !r.Stop.IsCancellationRequested && r.Election.IsLeader).Select(r => r.Election).ToList();

    /// <summary>Waits until <paramref name="condition"/> holds, failing the test after <see cref="WaitLimit"/>.</summary>
    public static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {WaitLimit} waiting for {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>Waits until exactly one running elector leads, other than <paramref name="not"/>, and returns it.</summary>
    public async Task<LeaderElection> WaitForLeaderAsync(LeaderElection? not = null)
    {
        await WaitForAsync(() => Leaders() is [var only] && only != not, "exactly one leader" + (not is null ? "" : " other than " + not.ServerId));
        return Leaders()[0];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, _, stop, run) in _running)
        {
            await stop.CancelAsync();
            try
            {
                await run.WaitAsync(WaitLimit);
            }
            catch (OperationCanceledException)
            {
                // Already stopped by the test.
            }
            stop.Dispose();
        }
    }
}
