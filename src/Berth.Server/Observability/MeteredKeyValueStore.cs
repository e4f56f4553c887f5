using Stopwatch = System.Diagnostics.Stopwatch;
using System.Text.Json;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Observability;

/// <summary>
/// The server's view of its store: forwards every call to the real store and counts, in <see cref="BerthMetrics"/>,
/// write transactions by result and the events they commit, and times every request. Does not own the store: disposing it leaves the store open
/// (the host closes the store after everything that uses it has stopped).
/// </summary>
/// <remarks>
/// Events are counted here, when their transaction commits, rather than in <see cref="EventLog.Append"/>: an append
/// only adds a put to a transaction the caller is building, and callers whose compares fail build it again, so counting
/// appends would count every retried write once per attempt.
/// </remarks>
public sealed class MeteredKeyValueStore(IKeyValueStore store, BerthMetrics metrics) : IKeyValueStore
{
    private readonly IKeyValueStore _store = store ?? throw new ArgumentNullException(nameof(store));
    private readonly BerthMetrics _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));

    /// <inheritdoc/>
    public async Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            return await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _metrics.RecordStoreRequest(BerthMetrics.GetOperation, Stopwatch.GetElapsedTime(start));
        }
    }

    /// <inheritdoc/>
    public async Task<RangeResult> RangeAsync(KeyRange range, long limit = 0, long revision = 0, CancellationToken cancellationToken = default)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            return await _store.RangeAsync(range, limit, revision, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _metrics.RecordStoreRequest(BerthMetrics.RangeOperation, Stopwatch.GetElapsedTime(start));
        }
    }

    /// <inheritdoc/>
    public async Task<TxnResult> TxnAsync(IReadOnlyList<Compare> compares, IReadOnlyList<TxnOp> success, IReadOnlyList<TxnOp> failure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(compares);
        ArgumentNullException.ThrowIfNull(success);
        ArgumentNullException.ThrowIfNull(failure);
        // Reads (no compare, no write) are not transactions anyone waits on; counting them would drown the writes.
        bool counted = compares.Count > 0 || Writes(success) || Writes(failure);
        TxnResult result;
        long start = Stopwatch.GetTimestamp();
        try
        {
            result = await _store.TxnAsync(compares, success, failure, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (counted && e is not OperationCanceledException)
        {
            _metrics.RecordTransaction(BerthMetrics.ErrorResult);
            throw;
        }
        finally
        {
            _metrics.RecordStoreRequest(BerthMetrics.TxnOperation, Stopwatch.GetElapsedTime(start));
        }
        if (counted)
        {
            _metrics.RecordTransaction(result.Succeeded ? BerthMetrics.CommittedResult : BerthMetrics.ConflictResult);
            CountEvents(result.Succeeded ? success : failure);
        }
        return result;
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<WatchEvent> WatchAsync(KeyRange range, long fromRevision = 0, CancellationToken cancellationToken = default) =>
        _store.WatchAsync(range, fromRevision, cancellationToken);

    /// <inheritdoc/>
    public Task<LeaseGrant> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default) => _store.GrantLeaseAsync(ttl, cancellationToken);

    /// <inheritdoc/>
    public Task<LeaseGrant> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default) => _store.KeepAliveAsync(leaseId, cancellationToken);

    /// <inheritdoc/>
    public Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default) => _store.RevokeLeaseAsync(leaseId, cancellationToken);

    /// <inheritdoc/>
    public Task CompactAsync(long revision, CancellationToken cancellationToken = default) => _store.CompactAsync(revision, cancellationToken);

    /// <summary>Does nothing: the store belongs to whoever opened it.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static bool Writes(IReadOnlyList<TxnOp> operations)
    {
        foreach (var operation in operations)
        {
            if (operation is not GetOp)
            {
                return true;
            }
        }
        return false;
    }

    private void CountEvents(IReadOnlyList<TxnOp> applied)
    {
        foreach (var operation in applied)
        {
            if (operation is not PutOp put || !put.Key.StartsWith(KeyLayout.EventsPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            try
            {
                _metrics.RecordEvent(StateSerializer.Deserialize<ClusterEvent>(put.Value.Span).Type);
            }
            catch (JsonException)
            {
                // The write has committed; a value this server cannot read back is the reader's problem, not a reason
                // to report the committed write as failed.
            }
        }
    }
}
