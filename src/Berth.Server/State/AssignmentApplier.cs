using System.Globalization;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Scheduling.Framework;
using Berth.Store;

namespace Berth.Server.State;

/// <summary>
/// The single applier of DESIGN.md ("State and concurrency"), after Nomad's plan applier: planners schedule in parallel
/// against their own snapshots; this checks each plan against the latest state and commits what still holds, in groups,
/// returning the rest to be planned again. No room is ever promised twice.
/// </summary>
/// <remarks>
/// <para><b>Check.</b> Plans are checked one after another against the <see cref="ClusterCache"/>'s snapshot, each
/// replica with the profile's filters on its chosen node (<see cref="Scheduler.WhyNot"/>) and, when it passes, placed
/// in that snapshot at once, so the next replica and the next plan are checked against it: two plans can never both
/// take the last room. A replica that no longer fits is refused on its own (the others commit); a plan that evicts is
/// taken whole or not at all.</para>
/// <para><b>Group commit.</b> Plans that arrive while a commit is under way wait and are checked and committed together,
/// in as few transactions as <see cref="ApplierOptions.MaxOperationsPerTransaction"/> allows. Each transaction compares
/// what the check relied on and the cache may not have seen yet: each plan's workload key, each target node key and
/// allocation guard (<see cref="KeyLayout.Allocation"/>, which restarts in place rewrite too), each replica's own
/// assignment key and each victim's. It writes the assignments, the guards, the evictions and one event per change at
/// one revision. When a compare fails, the parts it guarded are refused and the rest is committed again.</para>
/// <para>A replica placed again after a release is <see cref="ClusterEventType.Rescheduled"/> when its
/// <see cref="ReleaseMarker"/> names another node, and the marker goes in the same commit.</para>
/// <para><b>Gangs.</b> A plan that makes its workload's gang stand (<see cref="WorkloadSpec.Gang"/>) is checked whole: one
/// replica that no longer fits refuses it all, so of two gangs competing for the same room the first checked stands and
/// the other holds nothing. It gets a transaction of its own when it fits in one; when it spans several and a later one
/// fails, what the earlier ones wrote is deleted again at once.</para>
/// <para>Without a cache that follows the store, the applier loads a private one before each group, which reads the
/// whole state: right for tests and tools, too slow for the control loop.</para>
/// </remarks>
public sealed class AssignmentApplier : IDisposable
{
    private const int MaxCommitAttempts = 4;
    private const int FenceHeadroom = 2;

    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly ClusterCache _cache;
    private readonly ApplierOptions _options;
    private readonly Scheduler _scheduler;
    private readonly Lock _queueGate = new();
    private readonly List<Pending> _queue = [];
    private bool _committing;

    /// <summary>Creates the applier; its events go to <paramref name="events"/>, stamped with that log's clock.</summary>
    /// <param name="store">The store plans are committed to.</param>
    /// <param name="events">The event log.</param>
    /// <param name="cache">The cache whose snapshot plans are checked against; a private one (loaded per group) when null.</param>
    /// <param name="options">Profile and transaction limits; <see cref="ApplierOptions.Default"/> when null.</param>
    public AssignmentApplier(IKeyValueStore store, EventLog events, ClusterCache? cache = null, ApplierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        _options = options ?? ApplierOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxOperationsPerTransaction, 8, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxPlansPerBatch, 1, nameof(options));
        _store = store;
        _events = events;
        _cache = cache ?? new ClusterCache(store);
        // One node at a time needs no worker threads.
        _scheduler = new Scheduler(_options.Profile, options: new SchedulerOptions(1));
    }

    /// <summary>
    /// Checks <paramref name="plan"/> against the latest state and commits what still holds (with other plans arriving
    /// meanwhile). <see cref="ApplyOutcome.Applied"/> when at least one replica (or the plan's evictions) committed,
    /// with <see cref="ApplyResult.Rejected"/> naming the replicas to plan again; <see cref="ApplyOutcome.Stale"/> with
    /// nothing of the plan written otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">The plan names the same replica twice or has invalid names.</exception>
    public async Task<ApplyResult> ApplyAsync(AssignmentPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _ = KeyLayout.Workload(plan.Workload);
        var seen = new HashSet<int>();
        foreach (var replica in plan.Replicas)
        {
            if (!seen.Add(replica.Replica))
            {
                throw new ArgumentException(StateMessages.DuplicateReplica(replica.Replica), nameof(plan));
            }
            _ = KeyLayout.Node(replica.Node);
        }
        var pending = new Pending(plan);
        bool lead;
        lock (_queueGate)
        {
            _queue.Add(pending);
            lead = !_committing;
            _committing = true;
        }
        if (lead)
        {
            await CommitQueuedAsync(cancellationToken).ConfigureAwait(false);
        }
        return await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose() => _scheduler.Dispose();

    /// <summary>What one replica of <paramref name="workload"/> holds on its node: its requests, and one pod.</summary>
    public static ResourceList RequestsOf(WorkloadSpec workload)
    {
        var requests = ReplicaResources.Requests(workload);
        return requests.ContainsKey(ResourceNames.Pods) ? requests : requests.With(ResourceNames.Pods, new Quantity(1));
    }

    /// <summary>The event subject of a replica: <c>namespace/name/replica</c>.</summary>
    public static string ReplicaSubject(WorkloadKey workload, int replica) =>
        string.Create(CultureInfo.InvariantCulture, $"{workload}/{replica}");

    // The caller that found no commit under way commits every queued plan, group by group, until none is left; the
    // others wait for their results. A failure fails the whole group (and whatever is queued), never leaves a caller waiting.
    private async Task CommitQueuedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            List<Pending> group;
            lock (_queueGate)
            {
                if (_queue.Count == 0)
                {
                    _committing = false;
                    return;
                }
                int take = Math.Min(_queue.Count, _options.MaxPlansPerBatch);
                group = _queue.GetRange(0, take);
                _queue.RemoveRange(0, take);
            }
            try
            {
                await CommitGroupAsync(group, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                List<Pending> stranded;
                lock (_queueGate)
                {
                    stranded = [.. _queue];
                    _queue.Clear();
                    _committing = false;
                }
                foreach (var p in group.Concat(stranded))
                {
                    p.Done.TrySetException(e);
                }
                return;
            }
        }
    }

    private async Task CommitGroupAsync(List<Pending> group, CancellationToken cancellationToken)
    {
        if (!_cache.IsFollowing)
        {
            await _cache.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        await ReadAsync(group, cancellationToken).ConfigureAwait(false);
        _cache.WithMaster(master =>
        {
            foreach (var p in group)
            {
                if (!p.IsRefused)
                {
                    Check(p, master);
                }
            }
            return 0;
        });

        var units = new List<Unit>();
        foreach (var p in group)
        {
            if (p.IsRefused)
            {
                continue;
            }
            for (int i = 0; i < p.Taken.Count; i++)
            {
                units.Add(new Unit(p, p.Taken[i]));
            }
        }
        for (int attempt = 0; attempt < MaxCommitAttempts && units.Count > 0; attempt++)
        {
            var refused = new List<Unit>();
            foreach (var chunk in Chunk(units))
            {
                await CommitChunkAsync(chunk, units, refused, cancellationToken).ConfigureAwait(false);
            }
            if (refused.Count == 0)
            {
                break;
            }
            // Units refused by a compare of another part of their chunk go round again on their own terms.
            units = [.. refused.Where(u => !u.Plan.IsRefused && !u.Taken.IsRefused)];
        }
        foreach (var unit in units.Where(u => !u.Taken.IsCommitted && !u.Taken.IsRefused))
        {
            Refuse(unit.Plan, unit.Taken, StaleReason.AssignmentChanged, StateMessages.ConcurrentChange(unit.Plan.Plan.Workload));
        }
        foreach (var p in group)
        {
            if (p.IsGang && p.Taken.Exists(t => t.IsCommitted) && p.Taken.Exists(t => !t.IsCommitted))
            {
                await ReleasePartialGangAsync(p, cancellationToken).ConfigureAwait(false);
            }
        }
        long revision = _cache.Revision;
        foreach (var p in group)
        {
            p.Complete(revision);
        }
    }

    // Step 1: what the check needs from the store itself: the workload as it is now, and where released replicas ran.
    private async Task ReadAsync(List<Pending> group, CancellationToken cancellationToken)
    {
        int perRead = Math.Max(1, _options.MaxOperationsPerTransaction / 2);
        for (int start = 0; start < group.Count; start += perRead)
        {
            var slice = group.GetRange(start, Math.Min(perRead, group.Count - start));
            var reads = new List<TxnOp>(slice.Count * 2);
            foreach (var p in slice)
            {
                reads.Add(TxnOp.Get(KeyLayout.Workload(p.Plan.Workload)));
                reads.Add(TxnOp.Get(KeyRange.Prefix(KeyLayout.ReleasedOf(p.Plan.Workload))));
            }
            var read = await _store.TxnAsync([], reads, [], cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < slice.Count; i++)
            {
                var p = slice[i];
                var workloadKv = read.Responses[2 * i].Single;
                if (workloadKv is null || workloadKv.ModRevision != p.Plan.WorkloadModRevision)
                {
                    p.RefuseAll(StaleReason.WorkloadChanged, workloadKv is null
                        ? StateMessages.WorkloadGone(p.Plan.Workload)
                        : StateMessages.WorkloadChanged(p.Plan.Workload, p.Plan.WorkloadModRevision, workloadKv.ModRevision));
                    continue;
                }
                p.Spec = ClusterStateReader.Workload(workloadKv);
                foreach (var kv in read.Responses[2 * i + 1].Kvs)
                {
                    if (KeyLayout.TryParseReleased(kv.Key, out var owner, out int replica) && owner == p.Plan.Workload)
                    {
                        p.Released[replica] = kv;
                    }
                }
            }
        }
    }

    // Step 2, under the cache's lock: each replica must still pass the filters on its node in the latest snapshot
    // (including every placement checked before it); what passes is placed there now.
    private void Check(Pending p, SnapshotMirror master)
    {
        var plan = p.Plan;
        var spec = p.Spec!.Value;
        var info = master.Compiled(spec) ?? master.Snapshot.Compile(spec.Value);
        p.Requests = RequestsOf(spec.Value);

        foreach (var eviction in plan.Evictions)
        {
            var key = KeyLayout.Assignment(eviction.Workload, eviction.Replica);
            var current = _cache.Assignment(eviction.Workload, eviction.Replica);
            long currentRevision = current?.ModRevision ?? 0;
            if (currentRevision != eviction.AssignmentModRevision || current is null)
            {
                p.RefuseAll(StaleReason.VictimChanged, StateMessages.VictimChanged(key, eviction.AssignmentModRevision, currentRevision));
                Undo(p, master);
                return;
            }
            p.Victims.Add(new Victim(eviction, key, current.Value, master.Lift(key)));
        }

        foreach (var replica in plan.Replicas)
        {
            var key = KeyLayout.Assignment(plan.Workload, replica.Replica);
            int node = master.Snapshot.IndexOf(replica.Node);
            if (node < 0)
            {
                p.Refuse(replica.Replica, StaleReason.NodeChanged, StateMessages.NodeGone(replica.Node));
                continue;
            }
            long nodeRevision = master.NodeModRevisions[node];
            if (nodeRevision != replica.NodeModRevision)
            {
                p.Refuse(replica.Replica, StaleReason.NodeChanged, StateMessages.NodeChanged(replica.Node, replica.NodeModRevision, nodeRevision));
                continue;
            }
            var previous = _cache.Assignment(plan.Workload, replica.Replica);
            long known = previous?.ModRevision ?? 0;
            if (known > plan.SnapshotRevision)
            {
                // Placed (or changed) since the plan's view: placing it from that view could place it twice.
                p.Refuse(replica.Replica, StaleReason.AssignmentChanged, StateMessages.AssignmentChanged(key, replica.AssignmentModRevision, known));
                continue;
            }
            // What the planner read is at least as new as what the cache knows (the cache may lag the store): the
            // commit compares against it.
            var lifted = master.Lift(key);
            if (_scheduler.WhyNot(master.Snapshot, info, node, replica.Replica) is { } why)
            {
                master.Restore(key, lifted);
                p.Refuse(replica.Replica, StaleReason.NodeFull, StateMessages.NoLongerFits(replica.Node, why));
                continue;
            }
            var placed = master.Place(key, plan.Workload, replica.Replica, info, node, replica.Devices);
            if (info.GpuMilli > 0 && replica.Devices.Count > 0 && placed.Devices.Count == 0)
            {
                // Another plan took the very devices this one chose.
                master.Remove(key);
                master.Restore(key, lifted);
                p.Refuse(replica.Replica, StaleReason.NodeFull, StateMessages.NoLongerFits(replica.Node, StateMessages.DevicesTaken));
                continue;
            }
            p.Taken.Add(new Taken(replica, key, previous, replica.AssignmentModRevision >= 0 ? replica.AssignmentModRevision : known, lifted, _cache.AllocationGuard(replica.Node)));
        }

        if (plan.Evictions.Count > 0 && p.Rejected.Count > 0)
        {
            // Evicting for a plan that cannot place everything it evicted for would evict for nothing.
            var (_, reason, message) = p.Rejected[0];
            Undo(p, master);
            p.RefuseAll(reason, message);
        }

        // A gang that this plan makes stand is taken whole or not at all: a plan short of minAvailable holds nothing,
        // so two gangs checked one after the other never each keep part of the room the other needs.
        if (!p.IsRefused && spec.Value.Gang is { } gang)
        {
            int placed = Berth.Scheduling.Plugins.Coscheduling.PlacedOf(master.Snapshot, info);
            p.IsGang = placed - p.Taken.Count < gang.MinAvailable;
            if (p.IsGang && p.Rejected.Count > 0 && placed < gang.MinAvailable)
            {
                var (replica, reason, message) = p.Rejected[0];
                Undo(p, master);
                p.RefuseAll(reason, StateMessages.GangIncomplete(plan.Workload, gang.MinAvailable, placed, replica, message));
            }
        }
    }

    // A gang plan that spanned several transactions and lost a later one: what it committed would be a partial gang,
    // so it is deleted again at once (each key compared with the revision that wrote it), and the plan is refused
    // whole. Should this fail too (or the server stop in between), the partial gang is released after its timeout.
    private async Task ReleasePartialGangAsync(Pending p, CancellationToken cancellationToken)
    {
        const int PerTransaction = 40;
        var committed = p.Taken.Where(t => t.IsCommitted).ToList();
        var reason = p.Rejected.Count > 0 ? p.Rejected[0].Message : StateMessages.ConcurrentChange(p.Plan.Workload);
        for (int start = 0; start < committed.Count; start += PerTransaction)
        {
            var slice = committed.GetRange(start, Math.Min(PerTransaction, committed.Count - start));
            var compares = new List<Compare>();
            var operations = new List<TxnOp>();
            foreach (var taken in slice)
            {
                compares.Add(Compare.ModRevision(taken.Key, CompareOp.Equal, taken.CommittedRevision));
                operations.Add(TxnOp.Delete(taken.Key));
                var subject = ReplicaSubject(p.Plan.Workload, taken.Replica.Replica);
                _events.Append([], operations, _events.Create(ClusterEventType.ReplicaRemoved, subject,
                    StateMessages.GangPartlyCommitted(subject, taken.Replica.Node, reason)));
            }
            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            if (!commit.Succeeded)
            {
                return;
            }
            foreach (var taken in slice)
            {
                taken.IsCommitted = false;
            }
        }
        p.RefuseAll(StaleReason.AssignmentChanged, reason);
    }

    // Takes back what the check placed for a plan (its own replicas and its victims), newest first.
    private static void Undo(Pending p, SnapshotMirror master)
    {
        for (int i = p.Taken.Count - 1; i >= 0; i--)
        {
            var taken = p.Taken[i];
            if (!taken.IsCommitted)
            {
                master.Remove(taken.Key);
                master.Restore(taken.Key, taken.Lifted);
            }
        }
        p.Taken.RemoveAll(t => !t.IsCommitted);
        foreach (var victim in p.Victims)
        {
            master.Restore(victim.Key, victim.Lifted);
        }
        p.Victims.Clear();
    }

    private IEnumerable<List<Unit>> Chunk(List<Unit> units)
    {
        // Room for the compare the leadership fence adds to every write of the leader's (and one to spare).
        int limit = _options.MaxOperationsPerTransaction - FenceHeadroom;
        var chunk = new List<Unit>();
        var nodes = new HashSet<string>(StringComparer.Ordinal);
        var plans = new HashSet<Pending>();
        int compares = 0;
        int operations = 0;
        foreach (var unit in units)
        {
            if (unit.Plan.IsGang && !plans.Contains(unit.Plan) && chunk.Count > 0)
            {
                // A gang's plan starts a transaction of its own when it would not fit in what is left of this one but
                // fits in one, so it commits at one revision; a larger gang spans several, and a partial gang left by a
                // failure in between is released after its timeout (GangTimeouts).
                int gangUnits = units.Count(u => u.Plan == unit.Plan);
                // At most 4 compares or operations per replica (own key, node and guard; put, event, marker, guard put).
                int gangCost = 4 * gangUnits + 2 * unit.Plan.Victims.Count + 1;
                if (gangCost <= limit && (compares + gangCost > limit || operations + gangCost > limit))
                {
                    yield return chunk;
                    chunk = [];
                    nodes.Clear();
                    plans.Clear();
                    compares = 0;
                    operations = 0;
                }
            }
            bool newNode = !nodes.Contains(unit.Taken.Replica.Node);
            bool newPlan = !plans.Contains(unit.Plan);
            int victims = newPlan ? unit.Plan.Victims.Count : 0;
            int addCompares = 1 + (newNode ? 2 : 0) + (newPlan ? 1 + victims : 0);
            int addOperations = 3 + (newNode ? 1 : 0) + 2 * victims;
            if (chunk.Count > 0 && (compares + addCompares > limit || operations + addOperations > limit))
            {
                yield return chunk;
                chunk = [];
                nodes.Clear();
                plans.Clear();
                compares = 0;
                operations = 0;
                newNode = newPlan = true;
                victims = unit.Plan.Victims.Count;
                addCompares = 3 + 1 + victims;
                addOperations = 4 + 2 * victims;
            }
            chunk.Add(unit);
            nodes.Add(unit.Taken.Replica.Node);
            plans.Add(unit.Plan);
            compares += addCompares;
            operations += addOperations;
        }
        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private async Task CommitChunkAsync(List<Unit> chunk, List<Unit> all, List<Unit> refused, CancellationToken cancellationToken)
    {
        var compares = new List<Compare>();
        var guards = new List<Guard>();
        var operations = new List<TxnOp>();
        // Event keys are unique per writer and sequence: their "missing" compares could never fail, and would count
        // against the transaction's compare limit.
        var eventCompares = new List<Compare>();
        var planned = new HashSet<Pending>();
        var nodes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var written = new List<(Unit Unit, Stored<Assignment> Assignment)>();

        void Guard(Guard guard)
        {
            guards.Add(guard);
            compares.Add(Compare.ModRevision(guard.Key, CompareOp.Equal, guard.Expected));
        }

        foreach (var unit in chunk)
        {
            var p = unit.Plan;
            var plan = p.Plan;
            var replica = unit.Taken.Replica;
            if (planned.Add(p))
            {
                Guard(new Guard(KeyLayout.Workload(plan.Workload), plan.WorkloadModRevision, GuardKind.Workload, p, null, null));
                if (!p.VictimsCommitted)
                {
                    foreach (var victim in p.Victims)
                    {
                        Guard(new Guard(victim.Key, victim.Eviction.AssignmentModRevision, GuardKind.Victim, p, null, null));
                        if (!p.Taken.Exists(t => t.Key == victim.Key))
                        {
                            // A victim that this plan re-places is overwritten below; a put and a delete of one key cannot share a branch.
                            operations.Add(TxnOp.Delete(victim.Key));
                        }
                        var subject = ReplicaSubject(victim.Eviction.Workload, victim.Eviction.Replica);
                        _events.Append(eventCompares, operations, _events.Create(ClusterEventType.ReplicaEvicted, subject,
                            StateMessages.Evicted(subject, victim.Assignment.Value.Node, victim.Eviction.Reason)));
                    }
                }
            }
            if (!nodes.ContainsKey(replica.Node))
            {
                nodes[replica.Node] = unit.Taken.GuardRevision;
                Guard(new Guard(KeyLayout.Node(replica.Node), replica.NodeModRevision, GuardKind.Node, null, replica.Node, null));
                Guard(new Guard(KeyLayout.Allocation(replica.Node), unit.Taken.GuardRevision, GuardKind.Allocation, null, replica.Node, null));
            }
            long ownExpected = unit.Taken.Expected;
            bool ownIsVictim = p.Victims.Exists(v => v.Key == unit.Taken.Key);
            if (!ownIsVictim)
            {
                Guard(new Guard(unit.Taken.Key, ownExpected, GuardKind.Own, p, null, unit));
            }

            var assignment = new Assignment(plan.Workload, replica.Replica, replica.Node, plan.WorkloadModRevision, p.Requests!, [.. replica.Devices], replica.Explanation, AssignmentState.Pending);
            operations.Add(TxnOp.Put(unit.Taken.Key, StateSerializer.Serialize(assignment)));
            written.Add((unit, new Stored<Assignment>(unit.Taken.Key, assignment, 0)));
            var subjectOfReplica = ReplicaSubject(plan.Workload, replica.Replica);
            var previous = unit.Taken.Previous?.Value;
            string? from = previous is not null && previous.HoldsResources && previous.Node != replica.Node ? previous.Node : null;
            if (p.Released.TryGetValue(replica.Replica, out var marker))
            {
                // Released from a node (lost, drained, never started there): placed again, it moved unless it is back on that node.
                operations.Add(TxnOp.Delete(marker.Key));
                var releasedFrom = ReleaseMarker.NodeOf(marker);
                if (from is null && !(previous?.HoldsResources ?? false) && releasedFrom != replica.Node)
                {
                    from = releasedFrom;
                }
            }
            _events.Append(eventCompares, operations, from is not null
                ? _events.Create(ClusterEventType.Rescheduled, subjectOfReplica, StateMessages.Rescheduled(subjectOfReplica, from, replica.Node, replica.Explanation))
                : _events.Create(ClusterEventType.WorkloadScheduled, subjectOfReplica, StateMessages.Scheduled(subjectOfReplica, replica.Node, replica.Explanation)));
        }
        foreach (var node in nodes.Keys)
        {
            // The value is informational; what matters is that the key's mod revision moves.
            operations.Add(TxnOp.Put(KeyLayout.Allocation(node), System.Text.Encoding.UTF8.GetBytes(chunk[0].Plan.Plan.Workload.ToString())));
        }

        var failureReads = new List<TxnOp>(guards.Count);
        foreach (var guard in guards)
        {
            failureReads.Add(TxnOp.Get(guard.Key));
        }
        var commit = await _store.TxnAsync(compares, operations, failureReads, cancellationToken).ConfigureAwait(false);
        if (commit.Succeeded)
        {
            foreach (var p in planned)
            {
                p.VictimsCommitted = true;
                p.Revision = Math.Max(p.Revision, commit.Revision);
            }
            foreach (var (unit, _) in written)
            {
                unit.Taken.IsCommitted = true;
                unit.Taken.CommittedRevision = commit.Revision;
            }
            foreach (var byPlan in written.GroupBy(w => w.Unit.Plan))
            {
                _cache.RecordCommitted(commit.Revision, byPlan.Key.Spec, [.. byPlan.Select(w => w.Assignment)], [.. nodes.Keys]);
            }
            // This commit rewrote these guards: later chunks of the group compare against it, not what the check saw.
            foreach (var unit in all)
            {
                if (!unit.Taken.IsCommitted && nodes.ContainsKey(unit.Taken.Replica.Node))
                {
                    unit.Taken.GuardRevision = commit.Revision;
                }
            }
            return;
        }

        // Name what moved and refuse what it guarded; everything else in the chunk goes round again.
        _cache.WithMaster(master =>
        {
            for (int i = 0; i < guards.Count; i++)
            {
                var guard = guards[i];
                long current = commit.Responses[i].Single?.ModRevision ?? 0;
                if (current == guard.Expected)
                {
                    continue;
                }
                switch (guard.Kind)
                {
                    case GuardKind.Workload:
                        guard.Plan!.RefuseAll(StaleReason.WorkloadChanged, current == 0
                            ? StateMessages.WorkloadGone(guard.Plan.Plan.Workload)
                            : StateMessages.WorkloadChanged(guard.Plan.Plan.Workload, guard.Expected, current));
                        Undo(guard.Plan, master);
                        break;
                    case GuardKind.Victim:
                        guard.Plan!.RefuseAll(StaleReason.VictimChanged, StateMessages.VictimChanged(guard.Key, guard.Expected, current));
                        Undo(guard.Plan, master);
                        break;
                    case GuardKind.Node:
                        foreach (var unit in chunk.Where(u => u.Taken.Replica.Node == guard.Node))
                        {
                            RefuseTaken(master, unit, StaleReason.NodeChanged, current == 0 ? StateMessages.NodeGone(guard.Node!) : StateMessages.NodeChanged(guard.Node!, guard.Expected, current));
                        }
                        break;
                    case GuardKind.Allocation:
                        // Room on the node was taken outside the applier (a restart in place) after the check: plan again.
                        foreach (var unit in chunk.Where(u => u.Taken.Replica.Node == guard.Node))
                        {
                            RefuseTaken(master, unit, StaleReason.NodeAllocationChanged, StateMessages.NodeAllocationChanged(guard.Node!));
                        }
                        break;
                    default:
                        RefuseTaken(master, guard.Unit!, StaleReason.AssignmentChanged, StateMessages.AssignmentChanged(guard.Key, guard.Expected, current));
                        break;
                }
            }
            return 0;
        });
        foreach (var unit in chunk)
        {
            if (!unit.Plan.IsRefused && !unit.Taken.IsRefused)
            {
                refused.Add(unit);
            }
        }
    }

    private static void RefuseTaken(SnapshotMirror master, Unit unit, StaleReason reason, string message)
    {
        if (unit.Taken.IsRefused)
        {
            return;
        }
        master.Remove(unit.Taken.Key);
        master.Restore(unit.Taken.Key, unit.Taken.Lifted);
        Refuse(unit.Plan, unit.Taken, reason, message);
    }

    private static void Refuse(Pending p, Taken taken, StaleReason reason, string message)
    {
        taken.IsRefused = true;
        p.Refuse(taken.Replica.Replica, reason, message);
        if (p.Plan.Evictions.Count > 0 || p.IsGang)
        {
            p.RefuseAll(reason, message);
        }
    }

    private sealed record Victim(PlannedEviction Eviction, string Key, Stored<Assignment> Assignment, SnapshotMirror.Lifted? Lifted);

    private sealed class Taken(PlannedReplica replica, string key, Stored<Assignment>? previous, long expected, SnapshotMirror.Lifted? lifted, long guardRevision)
    {
        public long Expected { get; } = expected;

        public PlannedReplica Replica { get; } = replica;

        public string Key { get; } = key;

        public Stored<Assignment>? Previous { get; } = previous;

        public SnapshotMirror.Lifted? Lifted { get; } = lifted;

        public long GuardRevision { get; set; } = guardRevision;

        public bool IsCommitted { get; set; }

        public long CommittedRevision { get; set; }

        public bool IsRefused { get; set; }
    }

    private sealed record Unit(Pending Plan, Taken Taken);

    private enum GuardKind
    {
        Workload,
        Victim,
        Node,
        Allocation,
        Own,
    }

    private sealed record Guard(string Key, long Expected, GuardKind Kind, Pending? Plan, string? Node, Unit? Unit);

    private sealed class Pending(AssignmentPlan plan)
    {
        public AssignmentPlan Plan { get; } = plan;

        public TaskCompletionSource<ApplyResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Stored<WorkloadSpec>? Spec { get; set; }

        public ResourceList? Requests { get; set; }

        public Dictionary<int, KeyValue> Released { get; } = [];

        public List<Taken> Taken { get; } = [];

        public List<Victim> Victims { get; } = [];

        public List<(int Replica, StaleReason Reason, string Message)> Rejected { get; } = [];

        public bool VictimsCommitted { get; set; }

        /// <summary>The plan makes its workload's gang stand: any refused replica refuses it whole.</summary>
        public bool IsGang { get; set; }

        public long Revision { get; set; }

        public bool IsRefused { get; private set; }

        private (StaleReason Reason, string Message) _refusal;

        public void Refuse(int replica, StaleReason reason, string message)
        {
            if (!Rejected.Exists(r => r.Replica == replica))
            {
                Rejected.Add((replica, reason, message));
            }
        }

        public void RefuseAll(StaleReason reason, string message)
        {
            if (IsRefused)
            {
                return;
            }
            IsRefused = true;
            _refusal = (reason, message);
        }

        public void Complete(long revision)
        {
            bool anyCommitted = Taken.Exists(t => t.IsCommitted) || (VictimsCommitted && Plan.Replicas.Count == 0);
            if (IsRefused && !anyCommitted)
            {
                Done.TrySetResult(ApplyResult.Stale(revision, _refusal.Reason, _refusal.Message));
                return;
            }
            var committed = new HashSet<int>(Taken.Where(t => t.IsCommitted).Select(t => t.Replica.Replica));
            var rejected = Plan.Replicas.Where(r => !committed.Contains(r.Replica)).Select(r => r.Replica).ToList();
            if (!anyCommitted)
            {
                var (_, reason, message) = Rejected.Count > 0 ? Rejected[0] : (0, StaleReason.AssignmentChanged, StateMessages.ConcurrentChange(Plan.Workload));
                Done.TrySetResult(ApplyResult.Stale(revision, reason, message));
                return;
            }
            var why = Rejected.Count > 0 ? Rejected[0].Message : "";
            Done.TrySetResult(new ApplyResult(ApplyOutcome.Applied, Revision, StaleReason.None, why) { Rejected = rejected });
        }
    }
}
