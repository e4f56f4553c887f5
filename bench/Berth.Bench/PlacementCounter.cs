using System.Diagnostics;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Bench;

/// <summary>
/// Counts distinct assignment keys put in the store, from one watch of <c>/assignments/</c>: a replica counts once,
/// when its first assignment commits (later writes of the same key, e.g. its Running report, are not new placements).
/// </summary>
internal sealed class PlacementCounter(int expected, string workloadPrefix = "")
{
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile int _placed;

    /// <summary>Completes when <c>expected</c> distinct keys were seen.</summary>
    public Task Done => _done.Task;

    /// <summary>Distinct keys seen so far.</summary>
    public int Placed => _placed;

    /// <summary>Seconds on the run's clock when the first key was seen; -1 before.</summary>
    public double FirstSeconds { get; private set; } = -1;

    /// <summary>Seconds on the run's clock when the latest new key was seen.</summary>
    public double LastSeconds { get; private set; }

    /// <summary>Watches from <paramref name="fromRevision"/> until every expected key was seen or <paramref name="ct"/> is cancelled.</summary>
    public async Task WatchAsync(IKeyValueStore store, long fromRevision, Stopwatch clock, CancellationToken ct)
    {
        await foreach (var change in store.WatchAsync(KeyRange.Prefix(KeyLayout.AssignmentsPrefix), fromRevision, ct))
        {
            if (change.Type != WatchEventType.Put
                || !KeyLayout.TryParseAssignment(change.Kv.Key, out var workload, out _)
                || !workload.Name.StartsWith(workloadPrefix, StringComparison.Ordinal)
                || !_keys.Add(change.Kv.Key))
            {
                continue;
            }
            double now = clock.Elapsed.TotalSeconds;
            if (FirstSeconds < 0)
            {
                FirstSeconds = now;
            }
            LastSeconds = now;
            _placed = _keys.Count;
            if (_keys.Count >= expected)
            {
                _done.TrySetResult();
                return;
            }
        }
    }
}
