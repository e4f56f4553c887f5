using System.Collections.Concurrent;
using Berth.Core.Specs;
using Berth.Server.Nodes;
using Berth.Server.Observability;
using Berth.Server.Placement;
using Berth.Server.Retries;
using Berth.Server.State;
using Berth.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Server.Reconciliation;

/// <summary>
/// Compares one workload's desired state (its spec, revision and desired state, or its absence) with what is observed
/// (its assignments as the agents reported them, node liveness, retry state) and acts, recording every action under
/// <c>/reconciliation/records/</c> (<see cref="ReconciliationLog"/>). It decides and records; the actions themselves
/// belong to the components that own them: placement, scale-down and stop to <see cref="WorkloadPlacer"/>, restarts
/// after a backoff to <see cref="RetryEngine"/>, releases from lost nodes to <see cref="NodeManager"/>.
/// </summary>
/// <remarks>
/// <para><b>Cases</b> (<see cref="ReconcileCase"/>): <i>Deleted/*</i>: the placer removes the assignments and summaries, the
/// reconciler the retry state and rollout. <i>Stopped/Running</i>: the placer stops them. <i>NodeLost</i>: a replica holding
/// room on a node whose heartbeat record says lost is released by <see cref="NodeManager.CheckAsync"/> and placed elsewhere.
/// <i>Running/Missing</i>: a replica with no live assignment is placed; one Pending on a Ready node for longer than
/// <see cref="ReconcilerOptions.PendingTimeout"/> (its start was lost) is released and placed again, and so is one Running on a
/// Ready node whose agent's inventory (<see cref="NodeInventory"/>, sent with each heartbeat) has lacked it for
/// <see cref="ReconcilerOptions.MissingGrace"/>. <i>Running/Failed</i>:
/// a replica whose backoff ran out is handed to <see cref="RetryEngine.DueAsync"/>. <i>Outdated</i>: see the rollout below.</para>
/// <para><b>Rolling replacement.</b> A replica is outdated when the spec of its <see cref="Assignment.WorkloadRevision"/>
/// (<see cref="WorkloadHistory"/>) runs differently from the current one (<see cref="WorkloadHistory.SameTemplate"/>: a scale,
/// stop or start alone does not roll). The rollout follows Kubernetes' RollingUpdate with maxSurge=0 and
/// maxUnavailable=1: replicas are replaced in place (same index, no extra copy), and a Running outdated replica is taken
/// down only when every replica the workload wants is available (Running, or Succeeded: done), so at most one is ever
/// missing; the next goes only after its replacement reports Running. Outdated replicas that are not running (Pending,
/// Failed) are replaced at once: taking them down costs no availability. Starting a rollout resets the workload's retry
/// state in the same transaction (<see cref="RetryEngine.AddReset"/>), so a fixed manifest gets fresh attempts.</para>
/// <para><b>Never hot-looping.</b> Each action's result is data: an action that failed or changed nothing (unschedulable,
/// a write that kept losing) sets <see cref="ReconcileOutcome.BackOff"/>, and the <see cref="ReconcileQueue"/> then holds the
/// workload back with a doubling delay. An agreeing workload writes nothing, so the writes of one pass, seen by the store
/// watch, lead to one more pass that finds nothing to do.</para>
/// <para>The Pending and Missing clocks are kept in memory, per assignment and its mod revision: a restarted server gives Pending
/// replicas a full timeout again, which delays a release but never makes one early.</para>
/// </remarks>
public sealed class Reconciler
{
    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly WorkloadPlacer _placer;
    private readonly RetryEngine _retries;
    private readonly NodeManager _nodes;
    private readonly WorkloadHistory _history;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BerthMetrics? _metrics;
    private readonly ConcurrentDictionary<string, (long ModRevision, DateTimeOffset Since)> _pendingSince = new(StringComparer.Ordinal);
    private readonly NodeInventory? _inventory;
    // Running/Missing clock per assignment key: its mod revision, when the node's inventory was first seen without it,
    // and that inventory's sequence.
    private readonly ConcurrentDictionary<string, (long ModRevision, DateTimeOffset Since, long Sequence)> _missingSince = new(StringComparer.Ordinal);

    /// <summary>Creates the reconciler over the components it hands actions to.</summary>
    /// <param name="options">Interval, workers, deadlines, record bound and backoff; null for the defaults. Validated here.</param>
    /// <param name="time">The clock; null for <paramref name="events"/>' clock.</param>
    /// <param name="metrics">Counts scheduling cycles and retries; null counts nothing.</param>
    /// <param name="inventory">What each node's agent says it runs (Running/Missing); null never judges a Running replica missing.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names the config key.</exception>
    public Reconciler(
        IKeyValueStore store,
        EventLog events,
        WorkloadPlacer placer,
        RetryEngine retries,
        NodeManager nodes,
        ReconcilerOptions? options = null,
        TimeProvider? time = null,
        ILogger<Reconciler>? logger = null,
        BerthMetrics? metrics = null,
        NodeInventory? inventory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(placer);
        ArgumentNullException.ThrowIfNull(retries);
        ArgumentNullException.ThrowIfNull(nodes);
        Options = options ?? new ReconcilerOptions();
        Options.Validate();
        _store = store;
        _events = events;
        _placer = placer;
        _retries = retries;
        _nodes = nodes;
        _history = new WorkloadHistory(store);
        _time = time ?? events.Time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = metrics;
        _inventory = inventory;
        Records = new ReconciliationLog(store, Options.RecordsPerWorkload);
        Gangs = new GangTimeouts(store, events, placer.Cache, _time);
    }

    /// <summary>Releases partial gangs after their timeout (<see cref="GangTimeouts"/>).</summary>
    public GangTimeouts Gangs { get; }

    /// <summary>Releases the partial gangs whose timeout passed; returns their workloads, to be reconciled (placed again whole, when they fit).</summary>
    public Task<IReadOnlyList<WorkloadKey>> ReleaseExpiredGangsAsync(CancellationToken cancellationToken = default) =>
        Gangs.ReleaseExpiredAsync(cancellationToken);

    /// <summary>The options in force.</summary>
    public ReconcilerOptions Options { get; }

    /// <summary>The records this reconciler writes.</summary>
    public ReconciliationLog Records { get; }

    /// <summary>
    /// Every workload that exists or left something behind (assignments, retry state, bookkeeping), and the store
    /// revision they were read at: the periodic sweep, and the revision a store watch continues from. Deleted workloads
    /// come first (removing them frees room), then the living by priority, highest first, then by key, as
    /// <see cref="WorkloadPlacer.PlaceAllAsync"/> orders them, so a sweep places the most important work first.
    /// </summary>
    public async Task<(IReadOnlyList<WorkloadKey> Workloads, long Revision)> WorkloadsAsync(CancellationToken cancellationToken = default)
    {
        var cache = _placer.Cache;
        bool cached = cache.IsFollowing;
        // Workloads and assignments come from the cache when it follows the store (the whole assignment set is large);
        // what only the reconciler keeps (retry state, bookkeeping) is read here either way.
        var read = await _store.TxnAsync(
            [],
            cached
                ? [TxnOp.Get(KeyRange.Prefix(KeyLayout.RetriesPrefix)), TxnOp.Get(KeyLayout.BookkeepingRanges[0]), TxnOp.Get(KeyLayout.BookkeepingRanges[1])]
                : [
                    TxnOp.Get(KeyRange.Prefix(KeyLayout.RetriesPrefix)),
                    TxnOp.Get(KeyLayout.BookkeepingRanges[0]),
                    TxnOp.Get(KeyLayout.BookkeepingRanges[1]),
                    TxnOp.Get(KeyRange.Prefix(KeyLayout.WorkloadsPrefix)),
                    TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsPrefix)),
                ],
            [],
            cancellationToken).ConfigureAwait(false);
        var specs = new List<(WorkloadKey Key, WorkloadSpec Spec)>();
        var withAssignments = new List<WorkloadKey>();
        if (cached)
        {
            var (cachedLiving, cachedGone) = cache.Workloads();
            foreach (var stored in cachedLiving)
            {
                if (KeyLayout.TryParseWorkload(stored.Key, out var key))
                {
                    specs.Add((key, stored.Value));
                }
            }
            withAssignments.AddRange(cachedGone);
        }
        else
        {
            foreach (var kv in read.Responses[3].Kvs)
            {
                if (KeyLayout.TryParseWorkload(kv.Key, out var key))
                {
                    specs.Add((key, StateSerializer.Read<WorkloadSpec>(kv)));
                }
            }
            foreach (var kv in read.Responses[4].Kvs)
            {
                if (KeyLayout.TryParseAssignment(kv.Key, out var key, out _))
                {
                    withAssignments.Add(key);
                }
            }
        }
        var living = new List<(int Priority, string Name, WorkloadKey Key)>();
        var known = new HashSet<WorkloadKey>();
        foreach (var (key, spec) in specs)
        {
            living.Add((spec.Priority, key.ToString(), key));
            known.Add(key);
        }
        var gone = new SortedDictionary<string, WorkloadKey>(StringComparer.Ordinal);
        void Left(WorkloadKey key)
        {
            if (!known.Contains(key))
            {
                gone[key.ToString()] = key;
            }
        }
        foreach (var key in withAssignments)
        {
            Left(key);
        }
        foreach (var kv in read.Responses[0].Kvs)
        {
            if (KeyLayout.TryParseRetry(kv.Key, out var key, out _))
            {
                Left(key);
            }
        }
        foreach (var kv in read.Responses[1].Kvs.Concat(read.Responses[2].Kvs))
        {
            if (KeyLayout.TryParseUnschedulable(kv.Key, out var key, out _) || KeyLayout.TryParseRollout(kv.Key, out key) || KeyLayout.TryParseReleased(kv.Key, out key, out _))
            {
                Left(key);
            }
        }
        living.Sort((a, b) => a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority) : string.CompareOrdinal(a.Name, b.Name));
        var all = new List<WorkloadKey>(gone.Count + living.Count);
        all.AddRange(gone.Values);
        foreach (var (_, _, key) in living)
        {
            all.Add(key);
        }
        return (all, read.Revision);
    }

    /// <summary>
    /// Hands every replica whose retry backoff ran out to <see cref="RetryEngine.DueAsync"/> (Running/Failed) and records
    /// each restart. The loop runs this every pass, as retries fall due with no write to announce them.
    /// </summary>
    /// <returns>The workloads that had a replica restarted.</returns>
    public async Task<IReadOnlyList<WorkloadKey>> RetryDueAsync(CancellationToken cancellationToken = default)
    {
        var byWorkload = await DueAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (workload, records) in byWorkload)
        {
            using var decision = CorrelationScope.BeginDecision(_logger, workload.ToString());
            await WriteAsync(workload, records, cancellationToken).ConfigureAwait(false);
        }
        return [.. byWorkload.Keys];
    }

    /// <summary>Records the releases a <see cref="NodeManager.CheckAsync"/> made from lost nodes (NodeLost); returns their workloads, to be reconciled (placed elsewhere).</summary>
    public async Task<IReadOnlyList<WorkloadKey>> RecordNodeCheckAsync(NodeCheckResult check, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(check);
        var now = _time.GetUtcNow();
        var byWorkload = new Dictionary<WorkloadKey, List<ReconciliationRecord>>();
        foreach (var subject in check.Released)
        {
            if (!TryParseSubject(subject, out var workload, out int replica))
            {
                continue;
            }
            if (!byWorkload.TryGetValue(workload, out var list))
            {
                byWorkload[workload] = list = [];
            }
            list.Add(new ReconciliationRecord(now, workload, replica, ReconcileCase.NodeLost, "on a lost node", "Running", ReconcileAction.Release,
                ReconcileResult.Changed, ReconcilerMessages.ReleasedFromLost(check.Lost)));
        }
        foreach (var (workload, records) in byWorkload)
        {
            using var decision = CorrelationScope.BeginDecision(_logger, workload.ToString());
            await WriteAsync(workload, records, cancellationToken).ConfigureAwait(false);
        }
        return [.. byWorkload.Keys];
    }

    /// <summary>
    /// Reconciles one workload (which may no longer exist): observes, decides, acts through the owning components and
    /// records each action (see the class remarks). Running it again on agreeing state writes nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The workload key is invalid.</exception>
    public async Task<ReconcileOutcome> ReconcileAsync(WorkloadKey workload, CancellationToken cancellationToken = default)
    {
        // Every log line of one decision (the placer's included) carries one correlation id.
        using var decision = CorrelationScope.BeginDecision(_logger, workload.ToString());
        return await DecideAsync(workload, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ReconcileOutcome> DecideAsync(WorkloadKey workload, CancellationToken cancellationToken)
    {
        var observed = await ObserveAsync(workload, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var records = new List<ReconciliationRecord>();
        bool backOff = false;

        if (observed.Workload is null)
        {
            await DeletedAsync(workload, observed, now, records, cancellationToken).ConfigureAwait(false);
            backOff = records.Exists(r => r.Result != ReconcileResult.Changed);
            await WriteAsync(workload, records, cancellationToken).ConfigureAwait(false);
            return new ReconcileOutcome(workload, records, backOff);
        }

        var stored = observed.Workload.Value;
        var spec = stored.Value;
        var desired = ReconcilerMessages.Wants(spec, stored.ModRevision);
        // Why each replica is about to be placed, so the placer's outcome is recorded under the right case.
        var why = new Dictionary<int, ReconcileCase>();

        // NodeLost: the node manager releases what a lost node holds; normally its check already did, this catches a
        // replica placed there since.
        var onLost = observed.Assignments.Values.Where(a => a.Value.HoldsResources && observed.IsLost(a.Value.Node)).ToList();
        if (onLost.Count > 0)
        {
            var check = await _nodes.CheckAsync(cancellationToken).ConfigureAwait(false);
            foreach (var assignment in onLost)
            {
                var subject = AssignmentApplier.ReplicaSubject(workload, assignment.Value.Replica);
                bool released = check.Released.Contains(subject);
                why[assignment.Value.Replica] = ReconcileCase.NodeLost;
                records.Add(Record(now, workload, assignment.Value.Replica, ReconcileCase.NodeLost, Observed(assignment.Value), desired, ReconcileAction.Release,
                    released ? ReconcileResult.Changed : ReconcileResult.Unchanged, released ? ReconcilerMessages.ReleasedFromLost([assignment.Value.Node]) : ReconcilerMessages.NotReleased));
            }
        }

        if (spec.DesiredState == DesiredState.Running)
        {
            await PendingTooLongAsync(workload, observed, desired, now, why, records, cancellationToken).ConfigureAwait(false);
            await MissingFromNodeAsync(workload, observed, desired, now, why, records, cancellationToken).ConfigureAwait(false);
            await RollAsync(workload, observed, desired, now, why, records, cancellationToken).ConfigureAwait(false);

            // Running/Failed: a replica whose backoff ran out is the retry engine's to restart.
            bool due = observed.Assignments.Values.Any(a => a.Value.State == AssignmentState.Failed
                && a.Value.Replica < spec.Replicas
                && observed.Retries.TryGetValue(a.Value.Replica, out var retry) && retry.NextAttemptAt is { } at && at <= now);
            if (due)
            {
                foreach (var (other, restarts) in await DueAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (other == workload)
                    {
                        foreach (var restart in restarts)
                        {
                            records.Add(restart with { Observed = Observed(observed.Assignments[restart.Replica!.Value].Value), Desired = desired });
                        }
                        continue;
                    }
                    await WriteAsync(other, restarts, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        else
        {
            ForgetPending(workload, keep: null);
            ForgetMissing(workload, keep: null);
        }

        // The placer: places replicas without a live assignment (missing, released, replaced), removes those above the
        // wanted count and stops those of a Stopped workload.
        var pass = await PlaceAsync(workload, cancellationToken).ConfigureAwait(false);
        foreach (var outcome in pass.Replicas)
        {
            observed.Assignments.TryGetValue(outcome.Replica, out var before);
            var seen = before.Key is null ? ReconcilerMessages.Unassigned : Observed(before.Value);
            var record = outcome.Kind switch
            {
                ReplicaOutcomeKind.Placed => Record(now, workload, outcome.Replica, why.GetValueOrDefault(outcome.Replica, ReconcileCase.RunningMissing), seen, desired,
                    ReconcileAction.Place, ReconcileResult.Changed, outcome.Node ?? ""),
                ReplicaOutcomeKind.Removed => Record(now, workload, outcome.Replica, ReconcileCase.ScaledDown, seen, desired, ReconcileAction.Remove, ReconcileResult.Changed, outcome.Node ?? ""),
                ReplicaOutcomeKind.Stopped => Record(now, workload, outcome.Replica, ReconcileCase.StoppedRunning, seen, desired, ReconcileAction.Stop, ReconcileResult.Changed, outcome.Node ?? ""),
                ReplicaOutcomeKind.Unschedulable => Record(now, workload, outcome.Replica, why.GetValueOrDefault(outcome.Replica, ReconcileCase.RunningMissing), seen, desired,
                    ReconcileAction.Place, ReconcileResult.Unchanged, outcome.Detail),
                _ => Record(now, workload, outcome.Replica, why.GetValueOrDefault(outcome.Replica, ReconcileCase.RunningMissing), seen, desired,
                    ReconcileAction.Place, ReconcileResult.Failed, outcome.Detail),
            };
            records.Add(record);
        }

        await ForgetReleasesAsync(workload, observed, cancellationToken).ConfigureAwait(false);

        if (observed.Rollout is not null || records.Exists(r => r.Action == ReconcileAction.StartRollout))
        {
            await CompleteRolloutAsync(workload, now, records, cancellationToken).ConfigureAwait(false);
        }

        backOff = records.Exists(r => r.Result != ReconcileResult.Changed);
        await WriteAsync(workload, records, cancellationToken).ConfigureAwait(false);
        return new ReconcileOutcome(workload, records, backOff);
    }

    // Every placer pass goes through here, so each scheduling cycle is counted and timed once.
    private async Task<PlacementPass> PlaceAsync(WorkloadKey workload, CancellationToken cancellationToken)
    {
        long start = _time.GetTimestamp();
        var pass = await _placer.PlaceAsync(workload, cancellationToken).ConfigureAwait(false);
        _metrics?.RecordSchedulingCycle(pass, _time.GetElapsedTime(start));
        return pass;
    }

    // Running/Failed: the retry engine restarts every replica whose backoff ran out; one record per restart.
    private async Task<Dictionary<WorkloadKey, List<ReconciliationRecord>>> DueAsync(CancellationToken cancellationToken)
    {
        var due = await _retries.DueAsync(cancellationToken).ConfigureAwait(false);
        _metrics?.RecordRetries(due);
        var now = _time.GetUtcNow();
        var byWorkload = new Dictionary<WorkloadKey, List<ReconciliationRecord>>();
        foreach (var restarted in due.Restarted)
        {
            if (!TryParseSubject(restarted.Replica, out var workload, out int replica))
            {
                continue;
            }
            if (!byWorkload.TryGetValue(workload, out var list))
            {
                byWorkload[workload] = list = [];
            }
            list.Add(new ReconciliationRecord(now, workload, replica, ReconcileCase.RunningFailed,
                ReconcilerMessages.BackoffOver(restarted.Node), "Running", ReconcileAction.Retry, ReconcileResult.Changed,
                ReconcilerMessages.Restarted(restarted.Attempt, restarted.Node, restarted.Kind)));
        }
        return byWorkload;
    }

    private async Task DeletedAsync(WorkloadKey workload, Observation observed, DateTimeOffset now, List<ReconciliationRecord> records, CancellationToken cancellationToken)
    {
        ForgetPending(workload, keep: null);
        ForgetMissing(workload, keep: null);
        if (observed.Assignments.Count == 0 && observed.Retries.Count == 0 && observed.Rollout is null && !observed.HasSummaries && observed.Released.Count == 0)
        {
            return;
        }
        if (observed.Assignments.Count > 0 || observed.HasSummaries)
        {
            var pass = await PlaceAsync(workload, cancellationToken).ConfigureAwait(false);
            foreach (var outcome in pass.Replicas)
            {
                observed.Assignments.TryGetValue(outcome.Replica, out var before);
                var seen = before.Key is null ? ReconcilerMessages.Unassigned : Observed(before.Value);
                bool removed = outcome.Kind == ReplicaOutcomeKind.Removed;
                records.Add(Record(now, workload, outcome.Replica, ReconcileCase.Deleted, seen, ReconcilerMessages.Gone, ReconcileAction.Remove,
                    removed ? ReconcileResult.Changed : ReconcileResult.Failed, removed ? outcome.Node ?? "" : outcome.Detail));
            }
        }
        if (observed.Retries.Count > 0 || observed.Rollout is not null || observed.Released.Count > 0)
        {
            // Compared on the workload being absent, so a re-create in between keeps its fresh retry state.
            var compares = new List<Compare> { Compare.Missing(KeyLayout.Workload(workload)) };
            var operations = new List<TxnOp>();
            RetryEngine.AddReset(operations, workload);
            if (observed.Rollout is not null)
            {
                operations.Add(TxnOp.Delete(KeyLayout.Rollout(workload)));
            }
            if (observed.Released.Count > 0)
            {
                operations.Add(TxnOp.Delete(KeyRange.Prefix(KeyLayout.ReleasedOf(workload))));
            }
            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            records.Add(Record(now, workload, null, ReconcileCase.Deleted, ReconcilerMessages.Leftovers(observed.Retries.Count, observed.Rollout is not null), ReconcilerMessages.Gone,
                ReconcileAction.Remove, commit.Succeeded ? ReconcileResult.Changed : ReconcileResult.Failed, commit.Succeeded ? "" : ReconcilerMessages.Raced));
        }
    }

    // Running/Missing: a Pending assignment on a Ready node that stays Pending past the deadline never started (the
    // agent lost it, or its report was lost for good): release it so the placer places it again. A NotReady node's
    // replicas are the node manager's (NotReady, then lost).
    private async Task PendingTooLongAsync(
        WorkloadKey workload,
        Observation observed,
        string desired,
        DateTimeOffset now,
        Dictionary<int, ReconcileCase> why,
        List<ReconciliationRecord> records,
        CancellationToken cancellationToken)
    {
        var pendingKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (replica, assignment) in observed.Assignments)
        {
            if (assignment.Value.State != AssignmentState.Pending || !observed.IsReady(assignment.Value.Node))
            {
                continue;
            }
            pendingKeys.Add(assignment.Key);
            var since = _pendingSince.AddOrUpdate(
                assignment.Key,
                _ => (assignment.ModRevision, now),
                (_, old) => old.ModRevision == assignment.ModRevision ? old : (assignment.ModRevision, now));
            if (now - since.Since < Options.PendingTimeout)
            {
                continue;
            }
            var subject = AssignmentApplier.ReplicaSubject(workload, replica);
            if (await ReleaseAsync(workload, observed, assignment, ReconcilerMessages.PendingTooLong(subject, assignment.Value.Node, Options.PendingTimeout),
                desired, now, why, records, cancellationToken).ConfigureAwait(false))
            {
                _pendingSince.TryRemove(assignment.Key, out _);
            }
        }
        ForgetPending(workload, pendingKeys);
    }

    // Running/Missing: a Running assignment on a Ready node whose agent's inventory has lacked it for MissingGrace is
    // not running there (the agent restarted without it, or its process vanished unreported): release it so the placer
    // places it again, as a Pending that never started is. Two inventories taken after the clock started must lack it,
    // so an inventory that was on its way while the replica started cannot release it; a node without an inventory
    // (an older agent, or no beat since this server started) is never judged.
    private async Task MissingFromNodeAsync(
        WorkloadKey workload,
        Observation observed,
        string desired,
        DateTimeOffset now,
        Dictionary<int, ReconcileCase> why,
        List<ReconciliationRecord> records,
        CancellationToken cancellationToken)
    {
        if (_inventory is null)
        {
            return;
        }
        var missingKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (replica, assignment) in observed.Assignments)
        {
            if (assignment.Value.State != AssignmentState.Running || why.ContainsKey(replica) || !observed.IsReady(assignment.Value.Node)
                || _inventory.Latest(assignment.Value.Node) is not { } report
                || report.Holds(new RunningReplica(workload, replica, assignment.Value.WorkloadRevision)))
            {
                continue;
            }
            missingKeys.Add(assignment.Key);
            var since = _missingSince.AddOrUpdate(
                assignment.Key,
                _ => (assignment.ModRevision, now, report.Sequence),
                (_, old) => old.ModRevision == assignment.ModRevision ? old : (assignment.ModRevision, now, report.Sequence));
            if (now - since.Since < Options.MissingGrace || report.Sequence - since.Sequence < 2)
            {
                continue;
            }
            var subject = AssignmentApplier.ReplicaSubject(workload, replica);
            if (await ReleaseAsync(workload, observed, assignment, ReconcilerMessages.MissingFromNode(subject, assignment.Value.Node, Options.MissingGrace),
                desired, now, why, records, cancellationToken).ConfigureAwait(false))
            {
                _missingSince.TryRemove(assignment.Key, out _);
            }
        }
        ForgetMissing(workload, missingKeys);
    }

    // Deletes the assignment (compared on it and on the workload) with a ReplicaReleased event, so the placer places
    // the replica again, and records it as Running/Missing. True when it committed.
    private async Task<bool> ReleaseAsync(
        WorkloadKey workload,
        Observation observed,
        Stored<Assignment> assignment,
        string reason,
        string desired,
        DateTimeOffset now,
        Dictionary<int, ReconcileCase> why,
        List<ReconciliationRecord> records,
        CancellationToken cancellationToken)
    {
        int replica = assignment.Value.Replica;
        var subject = AssignmentApplier.ReplicaSubject(workload, replica);
        var compares = new List<Compare>
        {
            Compare.ModRevision(KeyLayout.Workload(workload), CompareOp.Equal, observed.Workload!.Value.ModRevision),
            Compare.ModRevision(assignment.Key, CompareOp.Equal, assignment.ModRevision),
        };
        var operations = new List<TxnOp> { TxnOp.Delete(assignment.Key) };
        ReleaseMarker.Add(operations, workload, replica, assignment.Value.Node);
        _events.Append(compares, operations, new ClusterEvent(ClusterEventType.ReplicaReleased, subject, reason, now));
        var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
        why[replica] = ReconcileCase.RunningMissing;
        records.Add(Record(now, workload, replica, ReconcileCase.RunningMissing, Observed(assignment.Value), desired, ReconcileAction.Release,
            commit.Succeeded ? ReconcileResult.Changed : ReconcileResult.Failed, commit.Succeeded ? reason : ReconcilerMessages.Raced));
        return commit.Succeeded;
    }

    // Rolling replacement (see the class remarks): start the rollout once per revision, then take down what may go now.
    private async Task RollAsync(
        WorkloadKey workload,
        Observation observed,
        string desired,
        DateTimeOffset now,
        Dictionary<int, ReconcileCase> why,
        List<ReconciliationRecord> records,
        CancellationToken cancellationToken)
    {
        var stored = observed.Workload!.Value;
        var spec = stored.Value;
        var outdated = await OutdatedAsync(workload, spec, stored.ModRevision, observed.Assignments, cancellationToken).ConfigureAwait(false);
        if (outdated.Count == 0)
        {
            return;
        }
        var workloadKey = KeyLayout.Workload(workload);
        var rolloutKey = KeyLayout.Rollout(workload);
        if (observed.Rollout is not { } rollout || rollout.Value.Revision != stored.ModRevision)
        {
            var compares = new List<Compare>
            {
                Compare.ModRevision(workloadKey, CompareOp.Equal, stored.ModRevision),
                Compare.ModRevision(rolloutKey, CompareOp.Equal, observed.Rollout?.ModRevision ?? 0),
            };
            var operations = new List<TxnOp> { TxnOp.Put(rolloutKey, StateSerializer.Serialize(new RolloutState(stored.ModRevision, now, outdated.Count))) };
            RetryEngine.AddReset(operations, workload);
            _events.Append(compares, operations, new ClusterEvent(ClusterEventType.RolloutStarted, workload.ToString(),
                ReconcilerMessages.RolloutStarted(workload, stored.ModRevision, outdated.Count), now));
            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            records.Add(Record(now, workload, null, ReconcileCase.Outdated, $"{outdated.Count} replicas of older revisions", desired, ReconcileAction.StartRollout,
                commit.Succeeded ? ReconcileResult.Changed : ReconcileResult.Failed, commit.Succeeded ? "" : ReconcilerMessages.Raced));
            if (!commit.Succeeded)
            {
                return;
            }
        }

        // maxSurge=0, maxUnavailable=1: a Running replica may go only while every wanted replica is available.
        bool allAvailable = true;
        for (int replica = 0; replica < spec.Replicas; replica++)
        {
            if (!observed.Assignments.TryGetValue(replica, out var assignment)
                || assignment.Value.State is not (AssignmentState.Running or AssignmentState.Succeeded)
                || why.ContainsKey(replica))
            {
                allAvailable = false;
                break;
            }
        }
        var replace = new List<Stored<Assignment>>();
        foreach (var assignment in outdated)
        {
            if (assignment.Value.State != AssignmentState.Running)
            {
                replace.Add(assignment);
            }
        }
        if (allAvailable)
        {
            // Lowest index first, so a rollout reads in order in the events.
            replace.Add(outdated.First(a => a.Value.State == AssignmentState.Running));
        }
        foreach (var assignment in replace)
        {
            var subject = AssignmentApplier.ReplicaSubject(workload, assignment.Value.Replica);
            var compares = new List<Compare>
            {
                Compare.ModRevision(workloadKey, CompareOp.Equal, stored.ModRevision),
                Compare.ModRevision(assignment.Key, CompareOp.Equal, assignment.ModRevision),
            };
            var operations = new List<TxnOp> { TxnOp.Delete(assignment.Key) };
            _events.Append(compares, operations, new ClusterEvent(ClusterEventType.ReplicaReplaced, subject,
                ReconcilerMessages.Replaced(subject, assignment.Value.Node, assignment.Value.WorkloadRevision, stored.ModRevision), now));
            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            why[assignment.Value.Replica] = ReconcileCase.Outdated;
            records.Add(Record(now, workload, assignment.Value.Replica, ReconcileCase.Outdated, Observed(assignment.Value), desired, ReconcileAction.Replace,
                commit.Succeeded ? ReconcileResult.Changed : ReconcileResult.Failed, commit.Succeeded ? "" : ReconcilerMessages.Raced));
            if (!commit.Succeeded)
            {
                return;
            }
        }
    }

    // A rollout is complete when no wanted replica is outdated and every one is available (or the workload is Stopped).
    private async Task CompleteRolloutAsync(WorkloadKey workload, DateTimeOffset now, List<ReconciliationRecord> records, CancellationToken cancellationToken)
    {
        var observed = await ObserveAsync(workload, cancellationToken).ConfigureAwait(false);
        if (observed.Rollout is not { } rollout || observed.Workload is not { } stored)
        {
            return;
        }
        var spec = stored.Value;
        var outdated = await OutdatedAsync(workload, spec, stored.ModRevision, observed.Assignments, cancellationToken).ConfigureAwait(false);
        if (outdated.Count > 0)
        {
            return;
        }
        if (spec.DesiredState == DesiredState.Running)
        {
            for (int replica = 0; replica < spec.Replicas; replica++)
            {
                if (!observed.Assignments.TryGetValue(replica, out var assignment) || assignment.Value.State is not (AssignmentState.Running or AssignmentState.Succeeded))
                {
                    return;
                }
            }
        }
        var compares = new List<Compare>
        {
            Compare.ModRevision(KeyLayout.Workload(workload), CompareOp.Equal, stored.ModRevision),
            Compare.ModRevision(rollout.Key, CompareOp.Equal, rollout.ModRevision),
        };
        var operations = new List<TxnOp> { TxnOp.Delete(rollout.Key) };
        _events.Append(compares, operations, new ClusterEvent(ClusterEventType.RolloutCompleted, workload.ToString(), ReconcilerMessages.RolloutCompleted(workload, stored.ModRevision), now));
        var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
        records.Add(Record(now, workload, null, ReconcileCase.Outdated, "every replica current", ReconcilerMessages.Wants(spec, stored.ModRevision), ReconcileAction.CompleteRollout,
            commit.Succeeded ? ReconcileResult.Changed : ReconcileResult.Failed, commit.Succeeded ? "" : ReconcilerMessages.Raced));
    }

    // The wanted replicas whose assignment runs a spec that differs from the current one, in replica order. A Stopped
    // assignment is placed again by the placer anyway, and a Succeeded one is done: neither needs replacing.
    private async Task<List<Stored<Assignment>>> OutdatedAsync(
        WorkloadKey workload,
        WorkloadSpec spec,
        long revision,
        SortedDictionary<int, Stored<Assignment>> assignments,
        CancellationToken cancellationToken)
    {
        var outdated = new List<Stored<Assignment>>();
        foreach (var (replica, assignment) in assignments)
        {
            if (replica >= spec.Replicas || assignment.Value.WorkloadRevision == revision
                || assignment.Value.State is AssignmentState.Stopped or AssignmentState.Succeeded)
            {
                continue;
            }
            var then = await _history.AtAsync(workload, assignment.Value.WorkloadRevision, cancellationToken).ConfigureAwait(false);
            // Unknown (history compacted): replace it, as running the current spec is what is wanted.
            if (then is null || !WorkloadHistory.SameTemplate(then, spec))
            {
                outdated.Add(assignment);
            }
        }
        return outdated;
    }

    private void ForgetPending(WorkloadKey workload, HashSet<string>? keep) => Forget(_pendingSince, workload, keep);

    private void ForgetMissing(WorkloadKey workload, HashSet<string>? keep) => Forget(_missingSince, workload, keep);

    // Drops a workload's clocks (Pending since, missing since) except those of the assignments in keep (all when null).
    private static void Forget<TSince>(ConcurrentDictionary<string, TSince> clocks, WorkloadKey workload, HashSet<string>? keep)
    {
        var prefix = KeyLayout.AssignmentsOf(workload);
        foreach (var key in clocks.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && (keep is null || !keep.Contains(key)))
            {
                clocks.TryRemove(key, out _);
            }
        }
    }

    // A release marker of a replica the workload no longer wants (scaled away) would never be consumed by a placement:
    // delete it, so a later scale-up is not reported as a move from a node left long ago.
    private async Task ForgetReleasesAsync(WorkloadKey workload, Observation observed, CancellationToken cancellationToken)
    {
        var stale = new List<TxnOp>();
        foreach (var (replica, key) in observed.Released)
        {
            if (replica >= observed.Workload!.Value.Value.Replicas)
            {
                stale.Add(TxnOp.Delete(key));
            }
        }
        if (stale.Count > 0)
        {
            // Compared on the workload, so a scale-up in between keeps its markers.
            await _store.TxnAsync([Compare.ModRevision(KeyLayout.Workload(workload), CompareOp.Equal, observed.Workload!.Value.ModRevision)], stale, [], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(WorkloadKey workload, List<ReconciliationRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }
        foreach (var record in records)
        {
            ReconcilerLog.Action(_logger, workload.ToString(), record.Replica, record.Case, record.Action, record.Result, record.Detail);
            _metrics?.RecordReconcileAction(record.Action, record.Result);
        }
        await Records.AppendAsync(workload, records, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Observation> ObserveAsync(WorkloadKey workload, CancellationToken cancellationToken)
    {
        // Node health comes from the cache when it follows the store: reading every node and heartbeat for every
        // workload would make a sweep quadratic. The workload's own keys are read here, at one revision.
        var cache = _placer.Cache;
        bool cached = cache.IsFollowing;
        var reads = new List<TxnOp>
        {
            TxnOp.Get(KeyLayout.Workload(workload)),
            TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsOf(workload))),
            TxnOp.Get(KeyRange.Prefix(KeyLayout.RetriesOf(workload))),
            TxnOp.Get(KeyRange.Prefix(KeyLayout.ReconciliationOf(workload))),
        };
        if (!cached)
        {
            reads.Add(TxnOp.Get(KeyRange.Prefix(KeyLayout.NodesPrefix)));
            reads.Add(TxnOp.Get(KeyRange.Prefix(KeyLayout.HeartbeatsPrefix)));
        }
        var read = await _store.TxnAsync([], reads, [], cancellationToken).ConfigureAwait(false);
        // A fleet workload runs nothing itself: its derived workloads are reconciled instead.
        var spec = Fleet.FleetWorkloads.PlacedLocally(cache.WorkloadOf(workload, read.Responses[0].Single));
        var assignments = cache.AssignmentsOf(workload, read.Responses[1].Kvs);
        IReadOnlySet<string> ready;
        IReadOnlySet<string> lost;
        if (cached)
        {
            (ready, lost) = cache.NodeHealth();
        }
        else
        {
            var readNodes = new HashSet<string>(StringComparer.Ordinal);
            var lostNodes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var kv in read.Responses[4].Kvs)
            {
                if (KeyLayout.TryParseNode(kv.Key, out var name) && StateSerializer.Read<NodeRecord>(kv).Status.Ready)
                {
                    readNodes.Add(name);
                }
            }
            foreach (var kv in read.Responses[5].Kvs)
            {
                if (KeyLayout.TryParseHeartbeat(kv.Key, out var name) && StateSerializer.Read<NodeHeartbeat>(kv).LostAt is not null)
                {
                    lostNodes.Add(name);
                }
            }
            (ready, lost) = (readNodes, lostNodes);
        }
        var retries = new Dictionary<int, RetryState>();
        foreach (var kv in read.Responses[2].Kvs)
        {
            if (KeyLayout.TryParseRetry(kv.Key, out var key, out int replica) && key == workload)
            {
                retries[replica] = StateSerializer.Read<RetryState>(kv);
            }
        }
        Stored<RolloutState>? rollout = null;
        bool summaries = false;
        var released = new Dictionary<int, string>();
        foreach (var kv in read.Responses[3].Kvs)
        {
            if (KeyLayout.TryParseRollout(kv.Key, out var key) && key == workload)
            {
                rollout = new Stored<RolloutState>(kv.Key, StateSerializer.Read<RolloutState>(kv), kv.ModRevision);
            }
            else if (KeyLayout.TryParseUnschedulable(kv.Key, out key, out _) && key == workload)
            {
                summaries = true;
            }
            else if (KeyLayout.TryParseReleased(kv.Key, out key, out int releasedReplica) && key == workload)
            {
                released[releasedReplica] = kv.Key;
            }
        }
        return new Observation(spec, assignments, ready, lost, retries, rollout, summaries, released);
    }

    private static string Observed(Assignment assignment) => ReconcilerMessages.Assigned(assignment.State, assignment.Node, assignment.WorkloadRevision);

    private static ReconciliationRecord Record(DateTimeOffset now, WorkloadKey workload, int? replica, ReconcileCase @case, string observed, string desired,
        ReconcileAction action, ReconcileResult result, string detail) =>
        new(now, workload, replica, @case, observed, desired, action, result, detail);

    // Subjects are namespace/name/replica (AssignmentApplier.ReplicaSubject).
    private static bool TryParseSubject(string subject, out WorkloadKey workload, out int replica)
    {
        workload = default;
        replica = -1;
        int slash = subject.LastIndexOf('/');
        if (slash <= 0 || !int.TryParse(subject.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out replica))
        {
            return false;
        }
        try
        {
            workload = WorkloadKey.Parse(subject[..slash]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private sealed record Observation(
        Stored<WorkloadSpec>? Workload,
        SortedDictionary<int, Stored<Assignment>> Assignments,
        IReadOnlySet<string> ReadyNodes,
        IReadOnlySet<string> LostNodes,
        Dictionary<int, RetryState> Retries,
        Stored<RolloutState>? Rollout,
        bool HasSummaries,
        Dictionary<int, string> Released)
    {
        public bool IsLost(string node) => LostNodes.Contains(node);

        public bool IsReady(string node) => ReadyNodes.Contains(node) && !LostNodes.Contains(node);
    }
}
