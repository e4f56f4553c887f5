namespace Berth.Store;

/// <summary>
/// A revisioned key-value store modelled on etcd v3: ordered string keys, byte values, one store-wide revision,
/// compare-and-swap transactions, watches that replay history, and leases. The store never interprets keys or values.
/// </summary>
/// <remarks>
/// <para><b>Revisions.</b> The store revision starts at 0 for an empty store and grows by exactly one for every
/// transaction that changes at least one key (a put, a delete that removed something, a lease revocation or expiry that
/// removed keys). Reads, failed compares whose failure branch writes nothing, and deletes that match nothing do not
/// advance it. Every key changed by one transaction carries that transaction's revision as its
/// <see cref="KeyValue.ModRevision"/>.</para>
/// <para><b>What is atomic.</b> One <see cref="TxnAsync"/> call is atomic and isolated: its compares are evaluated and
/// the chosen branch's operations are applied against one consistent state, no other write interleaves, and either every
/// operation of the branch is applied at one new revision or (when the call throws) none is. Reads inside the branch see
/// the branch's earlier writes. Revoking or expiring a lease deletes all of its keys in one such transaction. Nothing
/// spanning several calls is atomic: use a compare on <see cref="KeyValue.ModRevision"/> to detect interleaved writes.</para>
/// <para><b>When a write is refused.</b> A compare that does not hold is not an error: the failure branch runs and
/// <see cref="TxnResult.Succeeded"/> is false. A call throws, and changes nothing, when: a key is empty
/// (<see cref="ArgumentException"/>); the same key is put twice in one branch, or a put key lies inside a range that the
/// same branch deletes (<see cref="InvalidTransactionException"/>); a put names a lease that does not exist or has
/// expired (<see cref="LeaseNotFoundException"/>); or the backend cannot be reached or written
/// (<see cref="StoreUnavailableException"/>; the write may then be retried).</para>
/// <para><b>Ordering.</b> Keys are ordered by their UTF-8 bytes (the same order as ordinal code-point order), as etcd
/// orders its byte keys.</para>
/// </remarks>
public interface IKeyValueStore : IAsyncDisposable
{
    /// <summary>Returns the current entry for <paramref name="key"/>, or null when the key does not exist.</summary>
    Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the entries in <paramref name="range"/> in key order, at most <paramref name="limit"/> of them (0: no limit),
    /// as they were at <paramref name="revision"/> (0: the current revision).
    /// </summary>
    /// <exception cref="RevisionCompactedException">The revision is older than the last compaction.</exception>
    /// <exception cref="FutureRevisionException">The revision is newer than the store's current revision.</exception>
    Task<RangeResult> RangeAsync(KeyRange range, long limit = 0, long revision = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Evaluates every compare against the current state; when all hold, applies <paramref name="success"/>, otherwise
    /// <paramref name="failure"/>, in order and atomically (see the interface remarks for what is refused).
    /// </summary>
    Task<TxnResult> TxnAsync(IReadOnlyList<Compare> compares, IReadOnlyList<TxnOp> success, IReadOnlyList<TxnOp> failure, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the changes to keys in <paramref name="range"/>: first the recorded history from
    /// <paramref name="fromRevision"/> on (0: only changes after the call), then live changes as they commit, in revision
    /// order (and operation order within a revision), with no gap and no duplicate. Ends by throwing
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled and
    /// <see cref="StoreUnavailableException"/> when the store is closed. Registration happens on the first
    /// <c>MoveNextAsync</c>, which throws <see cref="RevisionCompactedException"/> if <paramref name="fromRevision"/> was compacted.
    /// A backend that re-opens a broken stream itself (etcd) ends a running watch with <see cref="RevisionCompactedException"/>
    /// when the revision it must resume from was compacted while it was disconnected: re-read the state and watch again.
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(KeyRange range, long fromRevision = 0, CancellationToken cancellationToken = default);

    /// <summary>Creates a lease that expires <paramref name="ttl"/> after now unless kept alive; backends may round the TTL up to their granularity (etcd: whole seconds) and return the TTL granted.</summary>
    Task<LeaseGrant> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Restarts the lease's TTL from now.</summary>
    /// <exception cref="LeaseNotFoundException">The lease does not exist, was revoked, or has already expired.</exception>
    Task<LeaseGrant> KeepAliveAsync(long leaseId, CancellationToken cancellationToken = default);

    /// <summary>Ends the lease now and deletes every key attached to it in one transaction (delete events at one new revision).</summary>
    /// <exception cref="LeaseNotFoundException">The lease does not exist, was revoked, or has already expired.</exception>
    Task RevokeLeaseAsync(long leaseId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Discards history older than <paramref name="revision"/>: ranges at an older revision and watches from an older
    /// revision then throw <see cref="RevisionCompactedException"/>. The current state is unaffected.
    /// </summary>
    /// <exception cref="RevisionCompactedException">The store was already compacted at or past <paramref name="revision"/>.</exception>
    /// <exception cref="FutureRevisionException">The revision is newer than the store's current revision.</exception>
    Task CompactAsync(long revision, CancellationToken cancellationToken = default);
}
