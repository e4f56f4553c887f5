using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Reconciliation;

/// <summary>
/// The reconciler's event-driven half: watches <c>/workloads/</c>, <c>/assignments/</c> and <c>/nodes/</c> from a revision
/// and says which workload changed. A node change can make any workload placeable (or not), so it is reported on its
/// own and answered with a sweep of every workload. A watch whose history was compacted asks for the same sweep (it
/// cannot tell what it missed) and carries on from the store's current revision.
/// </summary>
public static class ChangeFeed
{
    /// <summary>
    /// Follows the three prefixes from <paramref name="fromRevision"/> until cancelled. Compacted history is answered
    /// with <paramref name="nodeChanged"/> (sweep everything) and the watch goes on from the current revision; any other
    /// end of a watch (store closed or unreachable) ends this by throwing, and the caller sweeps and follows again.
    /// </summary>
    /// <param name="store">The store to watch.</param>
    /// <param name="fromRevision">The first revision to report (the revision a sweep read at, plus one).</param>
    /// <param name="workloadChanged">Called for each change of a workload or one of its assignments.</param>
    /// <param name="nodeChanged">Called for each change of a node record, and when a watch lost history to compaction.</param>
    /// <param name="cancellationToken">Ends the watches.</param>
    public static async Task RunAsync(
        IKeyValueStore store,
        long fromRevision,
        Action<WorkloadKey> workloadChanged,
        Action nodeChanged,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(workloadChanged);
        ArgumentNullException.ThrowIfNull(nodeChanged);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watches = new[]
        {
            FollowAsync(store, KeyLayout.WorkloadsPrefix, fromRevision, nodeChanged, key =>
            {
                if (KeyLayout.TryParseWorkload(key, out var workload))
                {
                    workloadChanged(workload);
                }
            }, stop.Token),
            FollowAsync(store, KeyLayout.AssignmentsPrefix, fromRevision, nodeChanged, key =>
            {
                if (KeyLayout.TryParseAssignment(key, out var workload, out _))
                {
                    workloadChanged(workload);
                }
            }, stop.Token),
            FollowAsync(store, KeyLayout.NodesPrefix, fromRevision, nodeChanged, _ => nodeChanged(), stop.Token),
        };
        var first = await Task.WhenAny(watches).ConfigureAwait(false);
        // One watch ending ends all: the caller restarts them together from one revision.
        await stop.CancelAsync().ConfigureAwait(false);
        // Wait for the others to wind down without their cancellations hiding why the first ended.
        await Task.WhenAll(watches.Select(w => w.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default))).ConfigureAwait(false);
        await first.ConfigureAwait(false);
    }

    private static async Task FollowAsync(IKeyValueStore store, string prefix, long fromRevision, Action sweep, Action<string> changed, CancellationToken cancellationToken)
    {
        await foreach (var change in ResumingWatch.WatchPrefixAsync(store, prefix, fromRevision, _ => sweep(), cancellationToken).ConfigureAwait(false))
        {
            changed(change.Kv.Key);
        }
    }
}
