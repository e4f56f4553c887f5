using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Leadership;

/// <summary>
/// The leader's fenced view of the store: every transaction that writes also compares the leader key's create revision
/// with the term this server leads in, so a write from a leader that was deposed without noticing yet (a long pause, a
/// lease that expired during a partition) is refused by the store itself instead of overwriting the new leader's work.
/// The control loop's components are handed this view; the API and the agent endpoints use the plain store.
/// </summary>
/// <remarks>
/// <para>Why a compare and not just the election: an etcd lease or lock only says who should lead; it does not stop the
/// previous holder's in-flight requests, which may land after the lease ran out (Jepsen, "etcd 3.4.3", 2020: etcd locks
/// are not mutual exclusion on their own; use the lock key's revision as a fencing token in a transaction guard).</para>
/// <para>Why the create revision: it is set once, when the campaign that won created the key, so it names the term; it
/// never moves while the term lasts (keep-alives do not touch the key), and a new term always has a greater one. The mod
/// revision would serve too while nobody rewrites the key, but would silently change meaning if the leader ever updated
/// its value (e.g. its address); the create revision is also what etcd's own election and mutex compare.</para>
/// <para>Reads are not fenced: a deposed leader reading is harmless, and what it writes from the read is refused. When a
/// fenced transaction fails, a read of the leader key appended to its failure branch tells a failed fence from a failed
/// caller compare: the former throws <see cref="LeadershipLostException"/> (nothing was written, and the term is ended
/// at once), the latter is returned as usual without the extra read. Failure branches may only read, since they run
/// when the fence fails. Leases, watches and compaction pass through. Does not own the store.</para>
/// </remarks>
public sealed class LeadershipFence(IKeyValueStore store, LeaderElection election) : IKeyValueStore
{
    private readonly IKeyValueStore _store = store ?? throw new ArgumentNullException(nameof(store));
    private readonly LeaderElection _election = election ?? throw new ArgumentNullException(nameof(election));

    /// <summary>The compare that fences a write of <paramref name="term"/>: the leader key was created by that term's campaign.</summary>
    public static Compare For(LeadershipTerm term)
    {
        ArgumentNullException.ThrowIfNull(term);
        return Compare.CreateRevision(KeyLayout.Leader, CompareOp.Equal, term.Revision);
    }

    /// <inheritdoc/>
    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) => _store.GetAsync(key, cancellationToken);

    /// <inheritdoc/>
    public Task<RangeResult> RangeAsync(KeyRange range, long limit = 0, long revision = 0, CancellationToken cancellationToken = default) =>
        _store.RangeAsync(range, limit, revision, cancellationToken);

    /// <inheritdoc/>
    /// <exception cref="LeadershipLostException">The transaction writes and this server does not lead in the term it believed (nothing was written).</exception>
    /// <exception cref="ArgumentException">The transaction writes and its failure branch writes too.</exception>
    public async Task<TxnResult> TxnAsync(IReadOnlyList<Compare> compares, IReadOnlyList<TxnOp> success, IReadOnlyList<TxnOp> failure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(compares);
        ArgumentNullException.ThrowIfNull(success);
        ArgumentNullException.ThrowIfNull(failure);
        bool failureWrites = Writes(failure);
        if (!Writes(success) && !failureWrites)
        {
            return await _store.TxnAsync(compares, success, failure, cancellationToken).ConfigureAwait(false);
        }
        if (failureWrites)
        {
            throw new ArgumentException(LeadershipMessages.FailureBranchWrites, nameof(failure));
        }
        var term = _election.Current;
        if (term is null || term.IsLost)
        {
            throw new LeadershipLostException(_election.ServerId, term?.Revision ?? 0);
        }

        var fenced = new Compare[compares.Count + 1];
        for (int i = 0; i < compares.Count; i++)
        {
            fenced[i] = compares[i];
        }
        fenced[^1] = For(term);
        var failureWithLeader = new TxnOp[failure.Count + 1];
        for (int i = 0; i < failure.Count; i++)
        {
            failureWithLeader[i] = failure[i];
        }
        failureWithLeader[^1] = TxnOp.Get(KeyLayout.Leader);

        var result = await _store.TxnAsync(fenced, success, failureWithLeader, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return result;
        }
        if (result.Responses[^1].Single is not { } leader || leader.CreateRevision != term.Revision)
        {
            _election.StepDown(term, $"a fenced write found the leader key {(result.Responses[^1].Single is null ? "gone" : "taken by term " + result.Responses[^1].Single!.CreateRevision)}");
            throw new LeadershipLostException(_election.ServerId, term.Revision);
        }
        var responses = new TxnOpResult[failure.Count];
        for (int i = 0; i < responses.Length; i++)
        {
            responses[i] = result.Responses[i];
        }
        return result with { Responses = responses };
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

    /// <summary>Does nothing: the host closes the store it wraps.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static bool Writes(IReadOnlyList<TxnOp> operations)
    {
        for (int i = 0; i < operations.Count; i++)
        {
            if (operations[i] is PutOp or DeleteOp)
            {
                return true;
            }
        }
        return false;
    }
}
