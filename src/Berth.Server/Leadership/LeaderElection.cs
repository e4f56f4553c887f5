using System.Text;
using Berth.Server.Observability;
using Berth.Server.State;
using Berth.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Server.Leadership;

/// <summary>
/// Leader election over a store lease, as etcd's <c>concurrency.Election</c> does it, on any <see cref="IKeyValueStore"/>:
/// a server campaigns by creating <see cref="KeyLayout.Leader"/> (compare: the key is missing) attached to a fresh lease,
/// keeps the lease alive every third of its TTL while it leads, and watches the key; a follower watches the key and
/// campaigns again when it disappears (lease expired or revoked). <see cref="RunAsync"/> runs the whole cycle until
/// cancelled and then resigns (revokes the lease), so a follower takes over at once instead of after the TTL.
/// </summary>
/// <remarks>
/// <para>A leader steps down at once (ends its <see cref="LeadershipTerm"/>) when the key changes or vanishes, when a
/// keep-alive says the lease is gone, or when no keep-alive has succeeded for two thirds of the TTL, measured from when
/// the last successful one was sent (the store restarts the TTL on receipt, later than that). The lease then still has a
/// third of its TTL to run, so the old leader stops before any other server can win. That is a timing argument; the
/// <see cref="LeadershipFence"/> makes it safe without one.</para>
/// <para>The term is the leader key's create revision: a winning campaign creates the key, so every term has its own,
/// and keep-alives never change it.</para>
/// </remarks>
public sealed class LeaderElection
{
    /// <summary>The shortest lease accepted: etcd grants whole seconds.</summary>
    public static readonly TimeSpan MinimumLease = TimeSpan.FromSeconds(1);

    /// <summary>The longest lease accepted: a dead leader must not stall the cluster for longer.</summary>
    public static readonly TimeSpan MaximumLease = TimeSpan.FromMinutes(5);

    private readonly IKeyValueStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BerthMetrics? _metrics;
    private readonly Lock _gate = new();
    private TaskCompletionSource<LeadershipTerm> _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LeadershipTerm? _current;
    private string? _leaderId;
    private long _leaderTerm;
    private long _abandonedLease;
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates an election; nothing happens until <see cref="RunAsync"/> campaigns under a server id.</summary>
    /// <param name="store">The shared store.</param>
    /// <param name="leaseTtl">Time to live of the campaign lease, <see cref="MinimumLease"/> to <see cref="MaximumLease"/>.</param>
    /// <param name="time">Clock of keep-alive intervals and deadlines.</param>
    /// <param name="logger">Where elections, step-downs and resignations are logged.</param>
    /// <param name="metrics">Gets <see cref="BerthMetrics.LeaderGauge"/> set to 1 while leading.</param>
    public LeaderElection(IKeyValueStore store, TimeSpan leaseTtl, TimeProvider? time = null, ILogger? logger = null, BerthMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(leaseTtl, MinimumLease);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(leaseTtl, MaximumLease);
        _store = store;
        LeaseTtl = leaseTtl;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
    }

    /// <summary>This server's id once <see cref="RunAsync"/> was called (the leader key's value while it leads); empty before.</summary>
    public string ServerId { get; private set; } = "";

    /// <summary>The lease TTL asked for.</summary>
    public TimeSpan LeaseTtl { get; }

    /// <summary>The term this server leads in now, or null while it follows.</summary>
    public LeadershipTerm? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>True while this server leads.</summary>
    public bool IsLeader => Current is { IsLost: false };

    /// <summary>The leader this server last saw (itself while leading), or null when it saw none.</summary>
    public (string Id, long Term)? Leader
    {
        get
        {
            lock (_gate)
            {
                return _leaderId is null ? null : (_leaderId, _leaderTerm);
            }
        }
    }

    /// <summary>Completes once the first campaign has an outcome: this server leads, or it follows a leader it has seen.</summary>
    public Task Settled => _settled.Task;

    /// <summary>Completes with the term once this server leads (at once if it leads now); the term may already have ended when the caller looks.</summary>
    public Task<LeadershipTerm> WaitForLeadershipAsync(CancellationToken cancellationToken = default)
    {
        Task<LeadershipTerm> leading;
        lock (_gate)
        {
            leading = _leading.Task;
        }
        return leading.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Ends <paramref name="term"/> now, e.g. because a fenced write found the leader key taken; <see cref="RunAsync"/>
    /// then revokes the term's lease and follows (or campaigns again). Does nothing when the term already ended.
    /// </summary>
    public void StepDown(LeadershipTerm term, string reason)
    {
        ArgumentNullException.ThrowIfNull(term);
        EndTerm(term, reason);
    }

    /// <summary>
    /// Campaigns, leads and follows as <paramref name="serverId"/> until <paramref name="cancellationToken"/> is
    /// cancelled; then ends the term (if leading) and revokes the lease, so the leader key goes at once. Store failures
    /// are logged and retried. The id is taken at the call (the default id holds the API port, known only once bound).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="serverId"/> is not a valid server id.</exception>
    /// <exception cref="InvalidOperationException">The election runs already.</exception>
    public async Task RunAsync(string serverId, CancellationToken cancellationToken)
    {
        _ = ServerIds.Valid(serverId);
        lock (_gate)
        {
            if (ServerId.Length > 0)
            {
                throw new InvalidOperationException($"the election runs already as '{ServerId}'");
            }
            ServerId = serverId;
        }
        var delay = RetryDelay(0);
        int failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await CampaignAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Not only StoreException: a broken client stream can surface as another type, and the election must
                // outlive whatever the store's client throws while the store is away.
                delay = RetryDelay(++failures);
                LeadershipLog.CampaignFailed(_logger, ServerId, delay, $"{e.GetType().Name}: {e.Message}");
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // 1/10 of the TTL, doubling up to 1/3: a store that comes back is noticed well within a lease.
    private TimeSpan RetryDelay(int failures) =>
        TimeSpan.FromTicks(Math.Min(LeaseTtl.Ticks / 3, (LeaseTtl.Ticks / 10) << Math.Min(failures, 4)));

    // One campaign: follow while someone leads; otherwise try to create the key, and lead until the term ends.
    private async Task CampaignAsync(CancellationToken cancellationToken)
    {
        await RevokeAbandonedLeaseAsync(cancellationToken).ConfigureAwait(false);
        var existing = await _store.RangeAsync(KeyRange.Key(KeyLayout.Leader), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing.Kvs.Count > 0)
        {
            await FollowAsync(existing.Kvs[0], existing.Revision, cancellationToken).ConfigureAwait(false);
            return;
        }

        long granting = _time.GetTimestamp();
        var lease = await _store.GrantLeaseAsync(LeaseTtl, cancellationToken).ConfigureAwait(false);
        LeadershipTerm? term = null;
        bool given = false;
        try
        {
            var campaign = await _store.TxnAsync(
                [Compare.Missing(KeyLayout.Leader)],
                [TxnOp.Put(KeyLayout.Leader, Encoding.UTF8.GetBytes(ServerId), lease.Id)],
                [TxnOp.Get(KeyLayout.Leader)],
                cancellationToken).ConfigureAwait(false);
            if (!campaign.Succeeded)
            {
                given = true;
                await RevokeAsync(lease.Id).ConfigureAwait(false);
                if (campaign.Responses[0].Single is { } winner)
                {
                    await FollowAsync(winner, campaign.Revision, cancellationToken).ConfigureAwait(false);
                }
                return;
            }

            term = new LeadershipTerm(ServerId, campaign.Revision, lease.Id, _time.GetUtcNow());
            BeginTerm(term);
            await HoldAsync(term, lease, granting, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            bool resigning = cancellationToken.IsCancellationRequested;
            if (term is not null)
            {
                // A resignation is logged as such below, not as a step-down.
                EndTerm(term, "");
            }
            // A term that ended gives its lease back, which deletes the leader key if it is still ours: resignation, so a
            // follower need not wait out the TTL. A campaign transaction that threw may have applied: its lease goes too.
            if (!given && await RevokeAsync(lease.Id).ConfigureAwait(false) && resigning && term is not null)
            {
                LeadershipLog.Resigned(_logger, ServerId, term.Revision);
            }
        }
    }

    // Leads until the lease cannot be kept, the key changes or vanishes, the term is ended from outside, or shutdown.
    private async Task HoldAsync(LeadershipTerm term, LeaseGrant lease, long granted, CancellationToken cancellationToken)
    {
        using var hold = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, term.Lost);
        var keepAlive = KeepAliveAsync(lease, granted, hold.Token);
        var watch = WatchOwnKeyAsync(term, hold.Token);
        var ended = await Task.WhenAny(keepAlive, watch).ConfigureAwait(false);
        await hold.CancelAsync().ConfigureAwait(false);
        string? reason = null;
        try
        {
            reason = await ended.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown or an outside step-down: the caller ends the term with its own reason.
        }
        catch (Exception e)
        {
            // The keep-alive or the watch broke in a way it does not retry: the lease can no longer be vouched for.
            reason = $"{e.GetType().Name}: {e.Message}";
        }
        await Task.WhenAll(keepAlive, watch).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
        if (reason is not null)
        {
            EndTerm(term, reason);
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    // Returns why the lease can no longer be trusted; throws OperationCanceledException when the hold ends otherwise.
    private async Task<string> KeepAliveAsync(LeaseGrant lease, long lastRenewalSent, CancellationToken cancellationToken)
    {
        var ttl = lease.Ttl > TimeSpan.Zero ? lease.Ttl : LeaseTtl;
        var interval = ttl / 3;
        var nextAttempt = interval;
        while (true)
        {
            // Step down with a third of the TTL left: the store restarted the TTL no earlier than the renewal was sent.
            var left = ttl - interval - _time.GetElapsedTime(lastRenewalSent);
            if (left <= TimeSpan.Zero)
            {
                return $"no keep-alive of lease {lease.Id} succeeded for {ttl - interval} (lease TTL {ttl})";
            }
            await Task.Delay(nextAttempt < left ? nextAttempt : left, _time, cancellationToken).ConfigureAwait(false);
            left = ttl - interval - _time.GetElapsedTime(lastRenewalSent);
            if (left <= TimeSpan.Zero)
            {
                continue;
            }
            long sent = _time.GetTimestamp();
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(left);
            try
            {
                await _store.KeepAliveAsync(lease.Id, attempt.Token).ConfigureAwait(false);
                lastRenewalSent = sent;
                nextAttempt = interval;
            }
            catch (LeaseNotFoundException)
            {
                return $"lease {lease.Id} expired or was revoked";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                nextAttempt = TimeSpan.Zero;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Try again soon, until the deadline above says the lease may be gone.
                nextAttempt = interval / 4;
            }
        }
    }

    // Returns why the key is no longer this term's; throws OperationCanceledException when the hold ends otherwise.
    private async Task<string> WatchOwnKeyAsync(LeadershipTerm term, CancellationToken cancellationToken)
    {
        long from = term.Revision + 1;
        while (true)
        {
            try
            {
                // The key is never written again by its holder (keep-alives do not touch it), so any event ends the term.
                await foreach (var change in _store.WatchAsync(KeyRange.Key(KeyLayout.Leader), from, cancellationToken).ConfigureAwait(false))
                {
                    return change.Type == WatchEventType.Delete
                        ? $"the leader key was deleted at revision {change.Revision}"
                        : $"the leader key was rewritten at revision {change.Revision}";
                }
            }
            catch (Exception e) when (e is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The watch broke or lost history: look at the key itself, then watch again from now.
            }
            while (true)
            {
                try
                {
                    var now = await _store.RangeAsync(KeyRange.Key(KeyLayout.Leader), cancellationToken: cancellationToken).ConfigureAwait(false);
                    if (now.Kvs.Count == 0 || now.Kvs[0].CreateRevision != term.Revision)
                    {
                        return "the leader key is gone or belongs to another term";
                    }
                    from = now.Revision + 1;
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The keep-alive deadline bounds how long this can go on.
                    await Task.Delay(LeaseTtl / 10, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    // Follows the leader in kv until its key is deleted; a rewrite by a new leader is followed on. Every two TTLs the
    // caller reads the key again, so a watch that went silent without failing cannot keep a follower waiting forever.
    private async Task FollowAsync(KeyValue leader, long revision, CancellationToken cancellationToken)
    {
        Observe(leader);
        using var recheck = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        recheck.CancelAfter(LeaseTtl * 2);
        try
        {
            await foreach (var change in _store.WatchAsync(KeyRange.Key(KeyLayout.Leader), revision + 1, recheck.Token).ConfigureAwait(false))
            {
                if (change.Type == WatchEventType.Delete)
                {
                    lock (_gate)
                    {
                        _leaderId = null;
                        _leaderTerm = 0;
                    }
                    return;
                }
                Observe(change.Kv);
            }
        }
        catch (OperationCanceledException) when (recheck.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Time to read the key again.
        }
    }

    private void Observe(KeyValue leader)
    {
        var id = Encoding.UTF8.GetString(leader.Value.Span);
        bool changed;
        lock (_gate)
        {
            changed = _leaderId != id || _leaderTerm != leader.CreateRevision;
            _leaderId = id;
            _leaderTerm = leader.CreateRevision;
        }
        if (changed)
        {
            LeadershipLog.Following(_logger, ServerId, id, leader.CreateRevision);
        }
        _settled.TrySetResult();
    }

    private void BeginTerm(LeadershipTerm term)
    {
        lock (_gate)
        {
            _current = term;
            _leaderId = ServerId;
            _leaderTerm = term.Revision;
            _leading.TrySetResult(term);
        }
        _metrics?.RecordLeader(true);
        LeadershipLog.Elected(_logger, ServerId, term.Revision, LeaseTtl);
        _settled.TrySetResult();
    }

    private void EndTerm(LeadershipTerm term, string reason)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_current, term))
            {
                _current = null;
                _leaderId = null;
                _leaderTerm = 0;
                _leading = new TaskCompletionSource<LeadershipTerm>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        if (term.End())
        {
            _metrics?.RecordLeader(false);
            if (reason.Length > 0)
            {
                LeadershipLog.SteppedDown(_logger, ServerId, term.Revision, reason);
            }
        }
    }

    // Gives a lease back, bounded so a dead store does not hold up shutdown; one that could not be revoked is tried
    // again before the next campaign (after a store outage the key it holds would otherwise block everyone for a TTL).
    private async Task<bool> RevokeAsync(long leaseId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _store.RevokeLeaseAsync(leaseId, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (LeaseNotFoundException)
        {
            return true;
        }
        catch (Exception e) when (e is StoreException or OperationCanceledException or ObjectDisposedException)
        {
            Interlocked.Exchange(ref _abandonedLease, leaseId);
            return false;
        }
    }

    private async Task RevokeAbandonedLeaseAsync(CancellationToken cancellationToken)
    {
        long leaseId = Interlocked.Exchange(ref _abandonedLease, 0);
        if (leaseId == 0)
        {
            return;
        }
        try
        {
            await _store.RevokeLeaseAsync(leaseId, cancellationToken).ConfigureAwait(false);
        }
        catch (LeaseNotFoundException)
        {
            // Expired meanwhile: its keys are gone.
        }
        catch (StoreException)
        {
            Interlocked.CompareExchange(ref _abandonedLease, leaseId, 0);
            throw;
        }
    }
}
