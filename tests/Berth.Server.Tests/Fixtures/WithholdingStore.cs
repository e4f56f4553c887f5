using System.Runtime.CompilerServices;
using Berth.Store;

namespace Berth.Server.Tests.Fixtures;

/// <summary>
/// A store whose watches can be held (events received but not delivered) and then broken as compaction breaks them
/// (<see cref="RevisionCompactedException"/>), so the held events are lost the way compacted history is.
/// </summary>
public sealed class WithholdingStore(IKeyValueStore inner) : IKeyValueStore
{
    private readonly Lock _lock = new();
    private readonly List<CancellationTokenSource> _open = [];
    private TaskCompletionSource _gate = Open();

    /// <summary>How many watches were opened.</summary>
    public int WatchesOpened { get; private set; }

    /// <summary>From now on, watches keep what they receive.</summary>
    public void Hold()
    {
        lock (_lock)
        {
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Ends every open watch with <see cref="RevisionCompactedException"/> (what they held is lost) and lets new ones flow.</summary>
    public void BreakAsCompacted()
    {
        CancellationTokenSource[] open;
        TaskCompletionSource held;
        lock (_lock)
        {
            open = [.. _open];
            held = _gate;
            _gate = Open();
        }
        // Outside the lock: a broken watch re-opens (and registers) from its cancellation callback.
        foreach (var watch in open)
        {
            watch.Cancel();
        }
        held.TrySetResult();
    }

    public async IAsyncEnumerable<WatchEvent> WatchAsync(KeyRange range, long fromRevision = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var broken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lock (_lock)
        {
            _open.Add(broken);
            WatchesOpened++;
        }
        var changes = inner.WatchAsync(range, fromRevision, broken.Token).GetAsyncEnumerator(broken.Token);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await changes.MoveNextAsync();
                    Task gate;
                    lock (_lock)
                    {
                        gate = _gate.Task;
                    }
                    await gate.WaitAsync(broken.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new RevisionCompactedException(fromRevision, fromRevision);
                }
                if (!more)
                {
                    yield break;
                }
                yield return changes.Current;
            }
        }
        finally
        {
            lock (_lock)
            {
                _open.Remove(broken);
            }
            await changes.DisposeAsync();
        }
    }

    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public Task<RangeResult> RangeAsync(KeyRange range, long limit = 0, long revision = 0, CancellationToken cancellationToken = default) =>
        inner.RangeAsync(range, limit, revision, cancellationToken);

    public Task<TxnResult> TxnAsync(IReadOnlyList<Compare> compares, IReadOnlyList<TxnOp> success, IReadOnlyList<TxnOp> failure, CancellationToken cancellationToken = default) =>
        inner.TxnAsync(compares, success, failure, cancellationToken);

    public Task<LeaseGrant> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default) => inner.GrantLeaseAsync(ttl, cancellationToken);

    public Task<LeaseGrant> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default) => inner.KeepAliveAsync(leaseId, cancellationToken);

    public Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default) => inner.RevokeLeaseAsync(leaseId, cancellationToken);

    public Task CompactAsync(long revision, CancellationToken cancellationToken = default) => inner.CompactAsync(revision, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.TrySetResult();
        return open;
    }
}
