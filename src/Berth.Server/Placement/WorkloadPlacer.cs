using System.Text;
using System.Threading.Channels;
using Berth.Core.Specs;
using Berth.Core.Manifests;
using Berth.Scheduling.Framework;
using Berth.Scheduling.Quotas;
using Berth.Scheduling.Snapshot;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Placement;

/// <summary>
/// The control loop step that makes a workload's assignments match the workload (no HTTP, no timer): places replicas
/// that have no live assignment, removes replicas above the wanted count, stops replicas of a Stopped workload, and
/// removes the assignments of a deleted workload. Every placement goes through the single
/// <see cref="AssignmentApplier"/>; replicas it refuses are planned again.
/// </summary>
/// <remarks>
/// <para>A pass works in steps, each committing at most one change and each starting from a fresh read of the
/// workload's own keys, so a step always plans against what the previous one wrote: (1) a deleted workload's
/// assignments are removed; (2) replicas above <see cref="WorkloadSpec.Replicas"/> are removed, and a Stopped
/// workload's replicas stopped; (3) replicas without a live assignment are scheduled one at a time, each placed into
/// the planner's snapshot before the next is scheduled, and the whole batch goes to the applier as one plan; (4)
/// unschedulable summaries are recorded, with one event when a replica's summary changes. A pass ends at the first
/// read that needs no write, so running it again on unchanged state writes nothing.</para>
/// <para><b>Concurrency.</b> Passes over different workloads run at once. Scheduling takes one of
/// <see cref="PlacerOptions.Planners"/> planners, each a <see cref="Scheduler"/> with its own
/// <see cref="SnapshotMirror"/> of the <see cref="ClusterCache"/>, brought up to date before each plan and left as it
/// was after it; the applier checks every plan against the latest state, so planners never need to agree.</para>
/// <para>Removing and stopping free room rather than take it, so they do not go through the applier; they are guarded
/// by compares on the workload key and every assignment they touch, which also orders them against an applier placing
/// the same replica.</para>
/// <para>Without a cache that follows the store (tests, tools), the placer loads a private one before each step.</para>
/// </remarks>
public sealed class WorkloadPlacer : IDisposable
{
    // Steps that can commit in one pass: removal, scale-down/stop, placement, bookkeeping; plus the final read.
    // Stale retries come on top. The cap only stops a bug from looping forever.
    private const int MaxProgressSteps = 8;

    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly ClusterCache _cache;
    private readonly AssignmentApplier _applier;
    private readonly PlacerOptions _options;
    private readonly Planner[] _planners;
    private readonly Channel<Planner> _idle;

    /// <summary>Creates a placer over <paramref name="store"/>; its events go to <paramref name="events"/>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="events">The event log.</param>
    /// <param name="options">Profile, planners and stale retries; <see cref="PlacerOptions.Default"/> when null.</param>
    /// <param name="schedulerOptions">Each planner's scheduler parallelism; <see cref="SchedulerOptions.Default"/> when null.</param>
    /// <param name="cache">The cluster cache the control loop keeps current; a private one, loaded per step, when null.</param>
    /// <exception cref="Berth.Scheduling.Profiles.ProfileException">The profile is invalid; the message names profile and plugin.</exception>
    public WorkloadPlacer(IKeyValueStore store, EventLog events, PlacerOptions? options = null, SchedulerOptions? schedulerOptions = null, ClusterCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        _options = options ?? PlacerOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxStaleRetries, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Planners, 1, nameof(options));
        _store = store;
        _events = events;
        _cache = cache ?? new ClusterCache(store);
        _applier = new AssignmentApplier(store, events, _cache, new ApplierOptions
        {
            Profile = _options.Profile,
            MaxOperationsPerTransaction = _options.MaxOperationsPerTransaction,
        });
        _planners = new Planner[_options.Planners];
        _idle = Channel.CreateUnbounded<Planner>();
        for (int i = 0; i < _planners.Length; i++)
        {
            // Gangs wait at Permit (Coscheduling) whatever profile is configured.
            _planners[i] = new Planner(new Scheduler(Berth.Scheduling.Plugins.Coscheduling.Enable(_options.Profile), options: schedulerOptions), _cache.CreateMirror());
            _idle.Writer.TryWrite(_planners[i]);
        }
    }

    /// <summary>The cache this placer reads the cluster from.</summary>
    public ClusterCache Cache => _cache;

    /// <summary>Runs after a placement plan is made and before the applier sees it; tests use it to move the state under the plan.</summary>
    internal Func<CancellationToken, Task>? BeforeApply { get; set; }

    /// <summary>One pass over every workload: deleted ones first (they free room), then by priority, highest first, then by key.</summary>
    public async Task<IReadOnlyList<PlacementPass>> PlaceAllAsync(CancellationToken cancellationToken = default)
    {
        if (!_cache.IsFollowing)
        {
            await _cache.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        var (living, goneWithAssignments) = _cache.Workloads();
        var known = new HashSet<WorkloadKey>();
        var ordered = new List<(int Priority, string Name, WorkloadKey Key)>(living.Count);
        foreach (var workload in living)
        {
            if (KeyLayout.TryParseWorkload(workload.Key, out var key))
            {
                known.Add(key);
                ordered.Add((workload.Value.Priority, key.ToString(), key));
            }
        }
        ordered.Sort((a, b) => a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority) : string.CompareOrdinal(a.Name, b.Name));
        var gone = new SortedDictionary<string, WorkloadKey>(StringComparer.Ordinal);
        foreach (var key in goneWithAssignments)
        {
            gone[key.ToString()] = key;
        }
        var summaries = await _store.TxnAsync([], [TxnOp.Get(KeyLayout.BookkeepingRanges[0]), TxnOp.Get(KeyLayout.BookkeepingRanges[1])], [], cancellationToken).ConfigureAwait(false);
        foreach (var kv in summaries.Responses.SelectMany(r => r.Kvs))
        {
            if (KeyLayout.TryParseUnschedulable(kv.Key, out var key, out _) && !known.Contains(key))
            {
                gone[key.ToString()] = key;
            }
        }

        var passes = new List<PlacementPass>(gone.Count + ordered.Count);
        foreach (var key in gone.Values)
        {
            passes.Add(await PlaceAsync(key, cancellationToken).ConfigureAwait(false));
        }
        foreach (var (_, _, key) in ordered)
        {
            passes.Add(await PlaceAsync(key, cancellationToken).ConfigureAwait(false));
        }
        return passes;
    }

    /// <summary>One pass over one workload (which may no longer exist). Stale plans are retried; giving up is reported in the result, not thrown.</summary>
    /// <exception cref="ArgumentException">The key has an invalid namespace or name.</exception>
    public Task<PlacementPass> PlaceAsync(WorkloadKey workload, CancellationToken cancellationToken = default)
    {
        _ = KeyLayout.Workload(workload);
        return PassAsync(workload, cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var planner in _planners)
        {
            planner.Scheduler.Dispose();
        }
        _applier.Dispose();
    }

    private async Task<PlacementPass> PassAsync(WorkloadKey workload, CancellationToken cancellationToken)
    {
        var outcomes = new SortedDictionary<int, ReplicaOutcome>();
        int stale = 0;
        long revision = 0;
        for (int step = 0; step < MaxProgressSteps + _options.MaxStaleRetries; step++)
        {
            if (!_cache.IsFollowing)
            {
                await _cache.LoadAsync(cancellationToken).ConfigureAwait(false);
            }
            var own = await ReadOwnAsync(workload, cancellationToken).ConfigureAwait(false);
            revision = own.Revision;
            var result = await StepAsync(workload, own, outcomes, cancellationToken).ConfigureAwait(false);
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
        OwnState own,
        SortedDictionary<int, ReplicaOutcome> outcomes,
        CancellationToken cancellationToken)
    {
        var mine = own.Assignments;
        var summaries = own.Summaries;
        var workloadKey = KeyLayout.Workload(workload);

        // 1. A deleted workload: remove its assignments (highest index first) and its summaries, in one transaction.
        if (own.Workload is not { } storedWorkload)
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

        // 3. Place every replica without a live assignment, one at a time against a planner's snapshot, as one plan.
        var unschedulable = new SortedDictionary<int, string>();
        if (!stopped)
        {
            var (planned, evictions) = await PlanAsync(workload, storedWorkload, mine, unschedulable, cancellationToken).ConfigureAwait(false);
            if (planned.Count > 0)
            {
                if (BeforeApply is { } hook)
                {
                    await hook(cancellationToken).ConfigureAwait(false);
                }
                var apply = await _applier.ApplyAsync(new AssignmentPlan(workload, storedWorkload.ModRevision, own.Revision, planned, evictions), cancellationToken).ConfigureAwait(false);
                if (!apply.IsApplied)
                {
                    return StepResult.Stale(apply.Message, [.. planned.Select(p => (p.Replica, (string?)null))]);
                }
                var rejected = new HashSet<int>(apply.Rejected);
                foreach (var p in planned)
                {
                    if (!rejected.Contains(p.Replica))
                    {
                        outcomes[p.Replica] = new ReplicaOutcome(p.Replica, ReplicaOutcomeKind.Placed, p.Node, p.Explanation) { Victims = p.Victims };
                    }
                }
                // Refused replicas are planned again from the next read, counted as a stale retry.
                return rejected.Count == 0 ? StepResult.Progress : StepResult.Stale(apply.Message, [.. rejected.Select(r => (r, (string?)null))]);
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

    // Schedules every replica without a live assignment on an idle planner's snapshot, brought up to date first. Each
    // replica (and its victims leaving) goes into the snapshot before the next is scheduled, so spread, anti-affinity
    // and room all see the earlier ones; afterwards the snapshot is put back as it was, for the committed state to
    // arrive through the cache.
    private async Task<(List<PlannedReplica> Planned, List<PlannedEviction> Evictions)> PlanAsync(
        WorkloadKey workload,
        Stored<WorkloadSpec> storedWorkload,
        SortedDictionary<int, Stored<Assignment>> mine,
        SortedDictionary<int, string> unschedulable,
        CancellationToken cancellationToken)
    {
        var spec = storedWorkload.Value;
        var planned = new List<PlannedReplica>();
        var evictions = new List<PlannedEviction>();
        var planner = await _idle.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var mirror = planner.Mirror;
        var undo = new List<(string Key, SnapshotMirror.Lifted? Lifted, bool Placed)>();
        try
        {
            _cache.Sync(mirror);
            var snapshot = mirror.Snapshot;
            // Soft quota limits tell burst replicas apart: the first preemption evicts, and never evicting themselves.
            snapshot.Quotas = _cache.Specs<QuotaSpec>(QuotaKind);
            snapshot.UseDisruptionBudgets(WorkloadDisruptionBudgets.Of(_cache));
            var info = mirror.Compiled(storedWorkload) ?? snapshot.Compile(spec);
            // Gang: members the Permit point holds (Waiting) are planned like placed ones, so the next member sees
            // them; if a member finds no room before the gang stands, nothing of the plan goes to the applier.
            var gang = new GangPlanning(workload, spec.Gang);
            for (int replica = 0; replica < spec.Replicas; replica++)
            {
                mine.TryGetValue(replica, out var existing);
                if (existing.Key is not null && IsLive(snapshot, existing.Value))
                {
                    continue;
                }
                if (gang.FailedAt >= 0)
                {
                    unschedulable[replica] = gang.NotTried();
                    continue;
                }
                var result = planner.Scheduler.Schedule(snapshot, info, replica);
                bool got = result.IsPlaced || result.Outcome == PlacementOutcome.Waiting;
                if ((!got || result.Victims.Count > 0 || result.Diagnostics.FeasibleNodes == 0) && BurstReplicas.IsBurst(snapshot, info))
                {
                    // Bursting borrows idle capacity only: a burst replica waits rather than evict anyone.
                    unschedulable[replica] = QuotaMessages.BurstNeedsIdleCapacity(spec.Namespace, PlacementMessages.Summary(result));
                    gang.Unplaced(replica, snapshot, info, unschedulable);
                    continue;
                }
                if (!got)
                {
                    unschedulable[replica] = PlacementMessages.Summary(result);
                    gang.Unplaced(replica, snapshot, info, unschedulable);
                    continue;
                }
                gang.Planned(result.Outcome == PlacementOutcome.Waiting);
                var node = snapshot.Node(result.Node).Name;
                var subject = AssignmentApplier.ReplicaSubject(workload, replica);
                var victims = new List<(string Key, PlannedEviction Eviction)>(result.Victims.Count);
                foreach (var victim in result.Victims)
                {
                    if (mirror.KeyOf(victim) is not { } victimKey
                        || !KeyLayout.TryParseAssignment(victimKey, out var victimWorkload, out int victimReplica)
                        || _cache.Assignment(victimWorkload, victimReplica) is not { } victimAssignment)
                    {
                        victims = null;
                        unschedulable[replica] = PlacementMessages.UnknownVictim(victim.Key);
                        break;
                    }
                    victims.Add((victimKey, new PlannedEviction(victimWorkload, victimReplica, victimAssignment.ModRevision,
                        PlacementMessages.Preempted(workload, spec.Priority, subject, node))));
                }
                if (victims is null)
                {
                    continue;
                }
                foreach (var (victimKey, eviction) in victims)
                {
                    undo.Add((victimKey, mirror.Lift(victimKey), false));
                    evictions.Add(eviction);
                }
                var key = KeyLayout.Assignment(workload, replica);
                undo.Add((key, mirror.Lift(key), true));
                var placed = mirror.Place(key, workload, replica, info, result.Node, null);
                var explanation = victims.Count == 0
                    ? PlacementMessages.Explanation(result)
                    : PlacementMessages.Explanation(result, [.. victims.Select(v => AssignmentApplier.ReplicaSubject(v.Eviction.Workload, v.Eviction.Replica))]);
                planned.Add(new PlannedReplica(replica, node, mirror.NodeModRevisions[result.Node], placed.Devices, explanation,
                    existing.Key is null ? 0 : existing.ModRevision) { Victims = victims.Count });
            }
            gang.Settle(planned, evictions, unschedulable);
        }
        finally
        {
            for (int i = undo.Count - 1; i >= 0; i--)
            {
                var (key, lifted, placedHere) = undo[i];
                if (placedHere)
                {
                    mirror.Remove(key);
                }
                mirror.Restore(key, lifted);
            }
            _idle.Writer.TryWrite(planner);
        }
        return (planned, evictions);
    }

    // The workload's own keys, read from the store at one revision: what this step decides on and compares against.
    private async Task<OwnState> ReadOwnAsync(WorkloadKey workload, CancellationToken cancellationToken)
    {
        var read = await _store.TxnAsync(
            [],
            [
                TxnOp.Get(KeyLayout.Workload(workload)),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsOf(workload))),
                TxnOp.Get(KeyRange.Prefix(KeyLayout.UnschedulableOf(workload))),
            ],
            [],
            cancellationToken).ConfigureAwait(false);
        // Records the cache holds at the revisions read are not deserialized again.
        // A fleet workload's replicas run in its derived workloads; the fleet controller places it, by pools and clusters.
        var spec = Fleet.FleetWorkloads.PlacedLocally(_cache.WorkloadOf(workload, read.Responses[0].Single));
        var assignments = _cache.AssignmentsOf(workload, read.Responses[1].Kvs);
        var summaries = new SortedDictionary<int, (string, long)>();
        foreach (var kv in read.Responses[2].Kvs)
        {
            if (KeyLayout.TryParseUnschedulable(kv.Key, out var key, out var replica) && key == workload)
            {
                summaries[replica] = (Encoding.UTF8.GetString(kv.Value.Span), kv.ModRevision);
            }
        }
        return new OwnState(read.Revision, spec, assignments, summaries);
    }

    // Live: the replica has an assignment on a node that still exists, and it was not stopped. A Failed replica is
    // live here: retries and giving up are the reconciler's (DESIGN.md, "Failure model"), not placement's.
    // A succeeded replica is done, not missing: placing it again would run a finished job twice.
    private static readonly ObjectKind QuotaKind = ObjectKinds.Find(QuotaManifestReader.Kind)!;

    private static bool IsLive(ClusterSnapshot snapshot, Assignment assignment) =>
        assignment.State == AssignmentState.Succeeded
        || (assignment.State != AssignmentState.Stopped && snapshot.IndexOf(assignment.Node) >= 0);

    private sealed record Planner(Scheduler Scheduler, SnapshotMirror Mirror);

    private sealed record OwnState(
        long Revision,
        Stored<WorkloadSpec>? Workload,
        SortedDictionary<int, Stored<Assignment>> Assignments,
        SortedDictionary<int, (string Summary, long ModRevision)> Summaries);

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
