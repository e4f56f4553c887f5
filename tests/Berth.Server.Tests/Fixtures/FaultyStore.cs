using System.Runtime.CompilerServices;
using Berth.Store;

namespace Berth.Server.Tests.Fixtures;

/// <summary>
/// One server's view of a shared store whose faults a test switches on: keep-alives that fail as if the store were
/// unreachable, and watches that stay silent (a server that has not noticed a change yet).
/// </summary>
public sealed class FaultyStore(IKeyValueStore inner) : IKeyValueStore
{
    /// <summary>While true, <see cref="KeepAliveAsync"/> throws <see cref="StoreUnavailableException"/> without reaching the store.</summary>
    public bool FailKeepAlives { get; set; }

    /// <summary>While true, watches opened from now on deliver nothing until cancelled.</summary>
    public bool SilenceWatches { get; set; }

    /// <summary>While true, every call throws <see cref="StoreUnavailableException"/> (watches opened from now on too), as if the store were cut off.</summary>
    public bool Unreachable { get; set; }

    private void ThrowIfUnreachable()
    {
        if (Unreachable)
        {
            throw new StoreUnavailableException("the store is cut off by the test");
        }
    }

    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ThrowIfUnreachable();
        return inner.GetAsync(key, cancellationToken);
    }

    public Task<RangeResult> RangeAsync(KeyRange range, long limit = 0, long revision = 0, CancellationToken cancellationToken = default)
    {
        ThrowIfUnreachable();
        return inner.RangeAsync(range, limit, revision, cancellationToken);
    }

    public Task<TxnResult> TxnAsync(IReadOnlyList<Compare> compares, IReadOnlyList<TxnOp> success, IReadOnlyList<TxnOp> failure, CancellationToken cancellationToken = default)
    {
        ThrowIfUnreachable();
        return inner.TxnAsync(compares, success, failure, cancellationToken);
    }

    public IAsyncEnumerable<WatchEvent> WatchAsync(KeyRange range, long fromRevision = 0, CancellationToken cancellationToken = default) =>
        Unreachable ? throw new StoreUnavailableException("the store is cut off by the test")
        : SilenceWatches ? SilentAsync(cancellationToken) : inner.WatchAsync(range, fromRevision, cancellationToken);

    public Task<LeaseGrant> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ThrowIfUnreachable();
        return inner.GrantLeaseAsync(ttl, cancellationToken);
    }

    public Task<LeaseGrant> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default) =>
        FailKeepAlives || Unreachable ? throw new StoreUnavailableException("keep-alives are switched off by the test") : inner.KeepAliveAsync(leaseId, cancellationToken);

    public Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default)
    {
        ThrowIfUnreachable();
        return inner.RevokeLeaseAsync(leaseId, cancellationToken);
    }

    public Task CompactAsync(long revision, CancellationToken cancellationToken = default) => inner.CompactAsync(revision, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static async IAsyncEnumerable<WatchEvent> SilentAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}
