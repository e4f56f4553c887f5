using System.Text;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Placement;

/// <summary>
/// The control loop step that makes a workload's assignments match the workload (no HTTP, no timer): places replicas
/// that have no live assignment, removes replicas above the wanted count, stops replicas of a Stopped workload, and
/// removes the assignments of a deleted workload. Every placement goes through the single
/// <see cref="AssignmentApplier"/>; a plan it refuses as stale is planned again from a fresh read.
/// </summary>
/// <remarks>
/// <para>A pass works in steps, each committing at most one transaction and each starting from a fresh read, so a step
/// always plans against what the previous one wrote: (1) a deleted workload's assignments are removed; (2) replicas
/// above <see cref="WorkloadSpec.Replicas"/> are removed, and a Stopped workload's replicas stopped; (3) replicas
/// without a live assignment are scheduled one at a time against the snapshot, each placed into it before the next
/// is scheduled, and the whole batch goes to the applier as one plan; (4) unschedulable summaries are recorded, with
/// one event when a replica's summary changes. A pass ends at the first read that needs no write, so running it
/// again on unchanged state writes nothing.</para>
/// <para>Removing and stopping free room rather than take it, so they do not go through the applier's room check;
/// they are guarded by compares on the workload key and every assignment they touch, which also orders them against
/// an applier placing the same replica.</para>
/// <para>A placer runs one pass at a time (its <see cref="Scheduler"/> keeps per-cycle buffers); passes of two placers
/// may race, and the store's compares decide.</para>
/// </remarks>
public sealed class WorkloadPlacer : IDisposable
{
    // Steps that can commit in one pass: removal, scale-down/stop, placement, bookkeeping; plus the final read.
    // Stale retries come on top. The cap only stops a bug from looping forever.
    private const int MaxProgressSteps = 8;

    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly ClusterStateReader _reader;
    private readonly AssignmentApplier _applier;
    private readonly PlacerOptions _options;
    private readonly Scheduler _scheduler;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates a placer over <paramref name="store"/>; its events go to <paramref name="events"/>.</summary>
    /// <param name="options">Profile and stale retries; <see cref="PlacerOptions.Default"/> when null.</param>
    /// <param name="schedulerOptions">The scheduler's parallelism; <see cref="SchedulerOptions.Default"/> when null.</param>
    /// <exception cref="Berth.Scheduling.Profiles.ProfileException">The profile is invalid; the message names profile and plugin.</exception>
    public WorkloadPlacer(IKeyValueStore store, EventLog events, PlacerOptions? options = null, SchedulerOptions? schedulerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        _options = options ?? PlacerOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxStaleRetries, nameof(options));
        _store = store;
        _events = events;
        _reader = new ClusterStateReader(store);
        _applier = new AssignmentApplier(store, events);
        _scheduler = new Scheduler(_options.Profile, options: schedulerOptions);
    }

    /// <summary>Runs after a placement plan is made and before the applier sees it; tests use it to move the state under the plan.</summary>
    internal Func<CancellationToken, Task>? BeforeApply { get; set; }

    /// <summary>One pass over every workload: deleted ones first (they free room), then by priority, highest first, then by key.</summary>
    public async Task<IReadOnlyList<PlacementPass>> PlaceAllAsync(CancellationToken cancellationToken = default)
    {
        var state = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var gone = new SortedSet<string>(StringComparer.Ordinal);
        var goneKeys = new Dictionary<string, WorkloadKey>(StringComparer.Ordinal);
        foreach (var assignment in state.Assignments)
        {
            var key = assignment.Value.Workload;
            if (!state.Workloads.ContainsKey(key) && gone.Add(key.ToString()))
            {
                goneKeys[key.ToString()] = key;
            }
        }
        var summaries = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.ReconciliationPrefix), cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var kv in summaries.Kvs)
        {
            if (KeyLayout.TryParseUnschedulable(kv.Key, out var key, out _) && !state.Workloads.ContainsKey(key) && gone.Add(key.ToString()))
            {
                goneKeys[key.ToString()] = key;
            }
        }
        var living = new List<(int Priority, string Name, WorkloadKey Key)>(state.Workloads.Count);
        foreach (var (key, workload) in state.Workloads)
        {
            living.Add((workload.Value.Priority, key.ToString(), key));
        }
        living.Sort((a, b) => a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority) : string.CompareOrdinal(a.Name, b.Name));

        var passes = new List<PlacementPass>(gone.Count + living.Count);
        foreach (var name in gone)
        {
            passes.Add(await PlaceAsync(goneKeys[name], cancellationToken).ConfigureAwait(false));
        }
        foreach (var (_, _, key) in living)
        {
            passes.Add(await PlaceAsync(key, cancellationToken).ConfigureAwait(false));
        }
        return passes;
    }

    /// <summary>One pass over one workload (which may no longer exist). Stale plans are retried; giving up is reported in the result, not thrown.</summary>
    /// <exception cref="ArgumentException">The key has an invalid namespace or name.</exception>
    public async Task<PlacementPass> PlaceAsync(WorkloadKey workload, CancellationToken cancellationToken = default)
    {
        _ = KeyLayout.Workload(workload);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PassAsync(workload, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _scheduler.Dispose();
        _gate.Dispose();
    }

    private async Task<PlacementPass> PassAsync(WorkloadKey workload, CancellationToken cancellationToken)
    {
        var outcomes = new SortedDictionary<int, ReplicaOutcome>();
        int stale = 0;
        long revision = 0;
        for (int step = 0; step < MaxProgressSteps + _options.MaxStaleRetries; step++)
        {
            var state = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            revision = state.Revision;
            var summaries = await ReadSummariesAsync(workload, cancellationToken).ConfigureAwait(false);
            var result = await StepAsync(workload, state, summaries, outcomes, cancellationToken).ConfigureAwait(false);
            if (result.Kind == StepKind.Done)
            {
                break;
            }
            if (result.Kind == StepKind.Stale)
            {
                if (stale == _options.MaxStaleRetries)
                {
                    foreach (var (replica, node) in result.Pending)
                    {
                        outcomes[replica] = new ReplicaOutcome(replica, ReplicaOutcomeKind.StaleGaveUp, node, result.Message);
                    }
                    break;
                }
                stale++;
            }
        }
        return new PlacementPass(workload, [.. outcomes.Values], stale, revision);
    }

    private async Task<StepResult> StepAsync(
        WorkloadKey workload,
        ClusterState state,
        SortedDictionary<int, (string Summary, long ModRevision)> summaries,
        SortedDictionary<int, ReplicaOutcome> outcomes,
        CancellationToken cancellationToken)
    {
        var mine = new SortedDictionary<int, Stored<Assignment>>();
        foreach (var stored in state.Assignments)
        {
            if (stored.Value.Workload == workload)
            {
                mine[stored.Value.Replica] = stored;
            }
        }
        var workloadKey = KeyLayout.Workload(workload);

        // 1. A deleted workload: remove its assignments (highest index first) and its summaries, in one transaction.
        if (!state.Workloads.TryGetValue(workload, out var storedWorkload))
        {
            if (mine.Count == 0 && summaries.Count == 0)
            {
                return StepResult.Done;
            }
            var compares = new List<Compare> { Compare.Missing(workloadKey) };
            var operations = new List<TxnOp>();
            var removed = new List<(int, string?)>();
            foreach (var (replica, stored) in mine.Reverse())
            {
                compares.Add(Compare.ModRevision(stored.Key, CompareOp.Equal, stored.ModRevision));
                operations.Add(TxnOp.Delete(stored.Key));
                var subject = AssignmentApplier.ReplicaSubject(workload, replica);
                _events.Append(compares, operations, _events.Create(ClusterEventType.ReplicaRemoved, subject, PlacementMessages.WorkloadGone(subject, stored.Value.Node)));
                removed.Add((replica, stored.Value.Node));
            }
            AddSummaryDeletes(workload, summaries, static _ => true, compares, operations);
            return await CommitAsync(compares, operations, removed, ReplicaOutcomeKind.Removed, outcomes, cancellationToken).ConfigureAwait(false);
        }

        var spec = storedWorkload.Value;
        var stopped = spec.DesiredState == DesiredState.Stopped;

        // 2. Scale down (highest index first) and stop, in one transaction guarded by the workload's revision, so a
        //    change of the replica count in between is seen by the next read rather than acted on from this one.
        {
            var compares = new List<Compare> { Compare.ModRevision(workloadKey, CompareOp.Equal, storedWorkload.ModRevision) };
            var operations = new List<TxnOp>();
            var changed = new List<(int Replica, string? Node, ReplicaOutcomeKind Kind)>();
            foreach (var (replica, stored) in mine.Reverse())
            {
                if (replica < spec.Replicas)
                {
                    continue;
                }
                compares.Add(Compare.ModRevision(stored.Key, CompareOp.Equal, stored.ModRevision));
                operations.Add(TxnOp.Delete(stored.Key));
                var subject = AssignmentApplier.ReplicaSubject(workload, replica);
                _events.Append(compares, operations, _events.Create(ClusterEventType.ReplicaRemoved, subject, PlacementMessages.ScaledDown(subject, stored.Value.Node, spec.Replicas)));
                changed.Add((replica, stored.Value.Node, ReplicaOutcomeKind.Removed));
            }
            if (stopped)
            {
                foreach (var (replica, stored) in mine)
                {
                    if (replica >= spec.Replicas || stored.Value.State == AssignmentState.Stopped)
                    {
                        continue;
                    }
                    compares.Add(Compare.ModRevision(stored.Key, CompareOp.Equal, stored.ModRevision));
                    operations.Add(TxnOp.Put(stored.Key, StateSerializer.Serialize(stored.Value with { State = AssignmentState.Stopped })));
                    var subject = AssignmentApplier.ReplicaSubject(workload, replica);
                    _events.Append(compares, operations, _events.Create(ClusterEventType.ReplicaStopped, subject, PlacementMessages.Stopped(subject, stored.Value.Node)));
                    changed.Add((replica, stored.Value.Node, ReplicaOutcomeKind.Stopped));
                }
            }
            if (changed.Count > 0)
            {
                var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
                if (!commit.Succeeded)
                {
                    return StepResult.Stale(PlacementMessages.BookkeepingRaced, [.. changed.Select(c => (c.Replica, c.Node))]);
                }
                foreach (var (replica, node, kind) in changed)
                {
                    outcomes[replica] = new ReplicaOutcome(replica, kind, node, "");
                }
                return StepResult.Progress;
            }
        }

        // 3. Place every replica without a live assignment, one at a time against the snapshot, as one plan.
        var unschedulable = new SortedDictionary<int, string>();
        if (!stopped)
        {
            var planned = new List<PlannedReplica>();
            var evictions = new List<PlannedEviction>();
            var info = CompiledReplica(state, spec, mine);
            for (int replica = 0; replica < spec.Replicas; replica++)
            {
                if (mine.TryGetValue(replica, out var existing) && IsLive(state, existing.Value))
                {
                    continue;
                }
                var result = _scheduler.Schedule(state.Snapshot, info, replica);
                if (!result.IsPlaced)
                {
                    unschedulable[replica] = PlacementMessages.Summary(result);
                    continue;
                }
                var node = state.Snapshot.Node(result.Node).Name;
                var subject = AssignmentApplier.ReplicaSubject(workload, replica);
                var victims = new List<PlannedEviction>(result.Victims.Count);
                foreach (var victim in result.Victims)
                {
                    if (state.AssignmentOf(victim) is not { } victimAssignment)
                    {
                        victims = null;
                        unschedulable[replica] = PlacementMessages.UnknownVictim(victim.Key);
                        break;
                    }
                    victims.Add(new PlannedEviction(victimAssignment.Value.Workload, victimAssignment.Value.Replica, victimAssignment.ModRevision,
                        PlacementMessages.Preempted(workload, spec.Priority, subject, node)));
                }
                if (victims is null)
                {
                    continue;
                }
                // Victims leave the snapshot and the replica enters it, so the next replica is scheduled against the
                // cluster as this plan leaves it (spread, anti-affinity and room all see the earlier replicas).
                foreach (var victim in result.Victims)
                {
                    state.Snapshot.Remove(victim);
                }
                evictions.AddRange(victims);
                var placed = state.Snapshot.Place(info, result.Node, ClusterState.ReplicaName(workload, replica));
                planned.Add(new PlannedReplica(replica, node, state.Nodes[node].ModRevision, placed.Devices, PlacementMessages.Explanation(result)));
            }
            if (planned.Count > 0)
            {
                if (BeforeApply is { } hook)
                {
                    await hook(cancellationToken).ConfigureAwait(false);
                }
                var apply = await _applier.ApplyAsync(new AssignmentPlan(workload, storedWorkload.ModRevision, state.Revision, planned, evictions), cancellationToken).ConfigureAwait(false);
                if (!apply.IsApplied)
                {
                    return StepResult.Stale(apply.Message, [.. planned.Select(p => (p.Replica, (string?)null))]);
                }
                foreach (var p in planned)
                {
                    outcomes[p.Replica] = new ReplicaOutcome(p.Replica, ReplicaOutcomeKind.Placed, p.Node, p.Explanation);
                }
                return StepResult.Progress;
            }
        }

        // 4. Bookkeeping: one event per changed unschedulable summary; summaries of replicas that no longer need one
        //    (placed, scaled away, stopped) are dropped. Each write compares the summary key it read, so two placers
        //    racing report a summary once.
        {
            var compares = new List<Compare>();
            var operations = new List<TxnOp>();
            foreach (var (replica, summary) in unschedulable)
            {
                outcomes[replica] = new ReplicaOutcome(replica, ReplicaOutcomeKind.Unschedulable, null, summary);
                summaries.TryGetValue(replica, out var previous);
                if (previous.Summary == summary)
                {
                    continue;
                }
                var key = KeyLayout.Unschedulable(workload, replica);
                compares.Add(Compare.ModRevision(key, CompareOp.Equal, previous.ModRevision));
                operations.Add(TxnOp.Put(key, Encoding.UTF8.GetBytes(summary)));
                var subject = AssignmentApplier.ReplicaSubject(workload, replica);
                _events.Append(compares, operations, _events.Create(ClusterEventType.WorkloadUnschedulable, subject, PlacementMessages.Unschedulable(subject, summary)));
            }
            AddSummaryDeletes(workload, summaries, replica => !unschedulable.ContainsKey(replica), compares, operations);
            if (operations.Count == 0)
            {
                return StepResult.Done;
            }
            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            return commit.Succeeded
                ? StepResult.Progress
                : StepResult.Stale(PlacementMessages.BookkeepingRaced, [.. unschedulable.Keys.Select(r => (r, (string?)null))]);
        }
    }

    private async Task<StepResult> CommitAsync(
        List<Compare> compares,
        List<TxnOp> operations,
        List<(int Replica, string? Node)> changed,
        ReplicaOutcomeKind kind,
        SortedDictionary<int, ReplicaOutcome> outcomes,
        CancellationToken cancellationToken)
    {
        var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
        if (!commit.Succeeded)
        {
            return StepResult.Stale(PlacementMessages.BookkeepingRaced, changed);
        }
        foreach (var (replica, node) in changed)
        {
            outcomes[replica] = new ReplicaOutcome(replica, kind, node, "");
        }
        return StepResult.Progress;
    }

    private static void AddSummaryDeletes(
        WorkloadKey workload,
        SortedDictionary<int, (string Summary, long ModRevision)> summaries,
        Func<int, bool> drop,
        List<Compare> compares,
        List<TxnOp> operations)
    {
        foreach (var (replica, (_, modRevision)) in summaries)
        {
            if (drop(replica))
            {
                var key = KeyLayout.Unschedulable(workload, replica);
                compares.Add(Compare.ModRevision(key, CompareOp.Equal, modRevision));
                operations.Add(TxnOp.Delete(key));
            }
        }
    }

    private async Task<SortedDictionary<int, (string Summary, long ModRevision)>> ReadSummariesAsync(WorkloadKey workload, CancellationToken cancellationToken)
    {
        var range = await _store.RangeAsync(KeyRange.Prefix(KeyLayout.UnschedulableOf(workload)), cancellationToken: cancellationToken).ConfigureAwait(false);
        var summaries = new SortedDictionary<int, (string, long)>();
        foreach (var kv in range.Kvs)
        {
            if (KeyLayout.TryParseUnschedulable(kv.Key, out var key, out var replica) && key == workload)
            {
                summaries[replica] = (Encoding.UTF8.GetString(kv.Value.Span), kv.ModRevision);
            }
        }
        return summaries;
    }

    // The snapshot groups replicas by their compiled ReplicaInfo object: reuse the one the reader placed this
    // workload's stored replicas with, so spread and anti-affinity count them together with the new ones.
    private static ReplicaInfo CompiledReplica(ClusterState state, WorkloadSpec spec, SortedDictionary<int, Stored<Assignment>> mine)
    {
        foreach (var stored in mine.Values)
        {
            if (state.Placed.TryGetValue(stored.Key, out var placed))
            {
                return placed.Info;
            }
        }
        return state.Snapshot.Compile(spec);
    }

    // Live: the replica has an assignment on a node that still exists, and it was not stopped. A Failed replica is
    // live here: retries and giving up are the reconciler's (DESIGN.md, "Failure model"), not placement's.
    // A succeeded replica is done, not missing: placing it again would run a finished job twice.
    private static bool IsLive(ClusterState state, Assignment assignment) =>
        assignment.State == AssignmentState.Succeeded
        || (assignment.State != AssignmentState.Stopped && state.Nodes.ContainsKey(assignment.Node));

    private enum StepKind
    {
        Done,
        Progress,
        Stale,
    }

    private readonly record struct StepResult(StepKind Kind, string Message, IReadOnlyList<(int Replica, string? Node)> Pending)
    {
        public static StepResult Done => new(StepKind.Done, "", []);

        public static StepResult Progress => new(StepKind.Progress, "", []);

        public static StepResult Stale(string message, IReadOnlyList<(int Replica, string? Node)> pending) => new(StepKind.Stale, message, pending);
    }
}
