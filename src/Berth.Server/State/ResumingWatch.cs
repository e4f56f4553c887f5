using System.Runtime.CompilerServices;
using Berth.Store;

namespace Berth.Server.State;

/// <summary>
/// A prefix watch that outlives compaction: when the history it needs is gone (<see cref="RevisionCompactedException"/>,
/// e.g. after etcd compacted while a watch was re-opening), it reads the store's current revision, tells the caller to
/// re-list (what changed in the lost history is only visible in the current state) and carries on from there.
/// </summary>
public static class ResumingWatch
{
    /// <summary>
    /// Streams the changes under <paramref name="prefix"/> from <paramref name="fromRevision"/> until cancelled; other
    /// store failures end the stream by throwing, as the plain watch does.
    /// </summary>
    /// <param name="store">The store to watch.</param>
    /// <param name="prefix">The key prefix.</param>
    /// <param name="fromRevision">The first revision to report.</param>
    /// <param name="compacted">
    /// Called with the revision the watch resumes after, once the events up to it are lost; a re-list that reads at that
    /// revision or later misses nothing, because every change after it is streamed.
    /// </param>
    /// <param name="cancellationToken">Ends the watch.</param>
    public static async IAsyncEnumerable<WatchEvent> WatchPrefixAsync(
        IKeyValueStore store,
        string prefix,
        long fromRevision,
        Action<long> compacted,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(compacted);
        long next = fromRevision;
        while (true)
        {
            var changes = store.WatchPrefixAsync(prefix, next, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await changes.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (RevisionCompactedException)
                    {
                        break;
                    }
                    if (!more)
                    {
                        yield break;
                    }
                    next = changes.Current.Kv.ModRevision + 1;
                    yield return changes.Current;
                }
            }
            finally
            {
                await changes.DisposeAsync().ConfigureAwait(false);
            }
            // A one-key range costs little and carries the store's current revision.
            var current = await store.RangeAsync(KeyRange.Prefix(prefix), limit: 1, cancellationToken: cancellationToken).ConfigureAwait(false);
            next = current.Revision + 1;
            compacted(current.Revision);
        }
    }
}
