using Berth.Store;

namespace Berth.Server.Tests.Fixtures;

/// <summary>A store that counts transactions (and the largest one), and can fail writes, to test group commit.</summary>
public sealed class CountingStore(IKeyValueStore inner) : IKeyValueStore
{
    private int _reads;
    private int _writes;
    private int _largest;

    /// <summary>Transactions without puts or deletes.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Transactions with a put or a delete (attempted, failed included).</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>The most compares, or operations in one branch, of any transaction.</summary>
    public int LargestTransaction => Volatile.Read(ref _largest);

    /// <summary>When set, a transaction that would write throws this instead, writing nothing.</summary>
    public Exception? FailWrites { get; set; }

    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public Task<RangeResult> RangeAsync(KeyRange range, long limit = 0, long revision = 0, CancellationToken cancellationToken = default) =>
        inner.RangeAsync(range, limit, revision, cancellationToken);

    public Task<TxnResult> TxnAsync(IReadOnlyList<Compare> compares, IReadOnlyList<TxnOp> success, IReadOnlyList<TxnOp> failure, CancellationToken cancellationToken = default)
    {
        int size = Math.Max(compares.Count, Math.Max(success.Count, failure.Count));
        int seen;
        while (size > (seen = Volatile.Read(ref _largest)) && Interlocked.CompareExchange(ref _largest, size, seen) != seen)
        {
        }
        bool writes = success.Concat(failure).Any(op => op is PutOp or DeleteOp);
        Interlocked.Increment(ref writes ? ref _writes : ref _reads);
        if (writes && FailWrites is { } failure1)
        {
            return Task.FromException<TxnResult>(failure1);
        }
        return inner.TxnAsync(compares, success, failure, cancellationToken);
    }

    public IAsyncEnumerable<WatchEvent> WatchAsync(KeyRange range, long fromRevision = 0, CancellationToken cancellationToken = default) =>
        inner.WatchAsync(range, fromRevision, cancellationToken);

    public Task<LeaseGrant> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default) => inner.GrantLeaseAsync(ttl, cancellationToken);

    public Task<LeaseGrant> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default) => inner.KeepAliveAsync(leaseId, cancellationToken);

    public Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default) => inner.RevokeLeaseAsync(leaseId, cancellationToken);

    public Task CompactAsync(long revision, CancellationToken cancellationToken = default) => inner.CompactAsync(revision, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
