using Berth.Store;

namespace Berth.Server.Tests.Fixtures;

/// <summary>A store that runs a concurrent write just before the next guarded transaction, to exercise compare-and-retry paths.</summary>
public sealed class InterferingStore(IKeyValueStore inner) : IKeyValueStore
{
    /// <summary>Runs once, against the inner store, before the next transaction that has compares (a write), then clears itself.</summary>
    public Func<IKeyValueStore, Task>? BeforeNextWrite { get; set; }

    /// <summary>Guarded transactions whose compares failed.</summary>
    public int FailedWrites { get; private set; }

    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public Task<RangeResult> RangeAsync(KeyRange range, long limit = 0, long revision = 0, CancellationToken cancellationToken = default) =>
        inner.RangeAsync(range, limit, revision, cancellationToken);

    public async Task<TxnResult> TxnAsync(IReadOnlyList<Compare> compares, IReadOnlyList<TxnOp> success, IReadOnlyList<TxnOp> failure, CancellationToken cancellationToken = default)
    {
        if (compares.Count > 0 && BeforeNextWrite is { } interfere)
        {
            BeforeNextWrite = null;
            await interfere(inner);
        }
        var result = await inner.TxnAsync(compares, success, failure, cancellationToken);
        if (compares.Count > 0 && !result.Succeeded)
        {
            FailedWrites++;
        }
        return result;
    }

    public IAsyncEnumerable<WatchEvent> WatchAsync(KeyRange range, long fromRevision = 0, CancellationToken cancellationToken = default) =>
        inner.WatchAsync(range, fromRevision, cancellationToken);

    public Task<LeaseGrant> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default) => inner.GrantLeaseAsync(ttl, cancellationToken);

    public Task<LeaseGrant> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default) => inner.KeepAliveAsync(leaseId, cancellationToken);

    public Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default) => inner.RevokeLeaseAsync(leaseId, cancellationToken);

    public Task CompactAsync(long revision, CancellationToken cancellationToken = default) => inner.CompactAsync(revision, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
