using System.Globalization;
using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Store;

namespace Berth.Server.State;

/// <summary>
/// The single applier of DESIGN.md ("State and concurrency"): validates a plan against the latest state and commits it
/// in one store transaction, or refuses it as <see cref="ApplyOutcome.Stale"/> with nothing written, so the caller
/// plans again (optimistic concurrency, as Nomad's plan applier).
/// </summary>
/// <remarks>
/// <para>The commit compares, each against the revision the plan (or the applier's own read) saw: the workload key; each
/// target node key; each target node's allocation guard (<see cref="KeyLayout.Allocation"/>); each victim's
/// assignment; and each replica's own assignment key. It then writes the assignments, bumps the allocation guards,
/// deletes the victims' assignments and appends one event per change, all at one revision. A replica placed again after
/// a release is <see cref="ClusterEventType.Rescheduled"/> when its <see cref="ReleaseMarker"/> names another node, and
/// the marker goes in the same commit.</para>
/// <para>Room is checked at apply time from the stored assignments (requests against allocatable), not from the
/// plan's snapshot. The check and the commit are two store calls; the allocation guard closes the gap: every apply
/// that places on a node rewrites the node's guard, so of two plans that both passed the check for the last space,
/// the second commit's guard compare fails.</para>
/// </remarks>
public sealed class AssignmentApplier
{
    private readonly IKeyValueStore _store;
    private readonly EventLog _events;

    /// <summary>Creates the applier; its events go to <paramref name="events"/>, stamped with that log's clock.</summary>
    public AssignmentApplier(IKeyValueStore store, EventLog events)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        _store = store;
        _events = events;
    }

    /// <summary>Commits <paramref name="plan"/> in one transaction, or reports it stale with nothing written.</summary>
    /// <exception cref="ArgumentException">The plan names the same replica twice or has invalid names.</exception>
    public async Task<ApplyResult> ApplyAsync(AssignmentPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var workloadKey = KeyLayout.Workload(plan.Workload);
        var targetNodes = new SortedSet<string>(StringComparer.Ordinal);
        var ownKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var replica in plan.Replicas)
        {
            if (!ownKeys.Add(KeyLayout.Assignment(plan.Workload, replica.Replica)))
            {
                throw new ArgumentException(StateMessages.DuplicateReplica(replica.Replica), nameof(plan));
            }
            targetNodes.Add(replica.Node);
        }
        var victimKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var victim in plan.Evictions)
        {
            victimKeys.Add(KeyLayout.Assignment(victim.Workload, victim.Replica));
        }

        // Step 1: read what the checks need, in one transaction so the pieces agree.
        var reads = new List<TxnOp> { TxnOp.Get(workloadKey), TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsPrefix)) };
        foreach (var node in targetNodes)
        {
            reads.Add(TxnOp.Get(KeyLayout.Node(node)));
            reads.Add(TxnOp.Get(KeyLayout.Allocation(node)));
        }
        // Last, so the positions above stay as they are: where released replicas ran (ReleaseMarker).
        reads.Add(TxnOp.Get(KeyRange.Prefix(KeyLayout.ReleasedOf(plan.Workload))));
        var read = await _store.TxnAsync([], reads, [], cancellationToken).ConfigureAwait(false);

        var workloadKv = read.Responses[0].Single;
        if (workloadKv is null || workloadKv.ModRevision != plan.WorkloadModRevision)
        {
            return WorkloadStale(plan, read.Revision, workloadKv);
        }
        var workload = StateSerializer.Deserialize<WorkloadSpec>(workloadKv.Value.Span);
        var assignments = new Dictionary<string, (Assignment Value, long ModRevision)>(StringComparer.Ordinal);
        foreach (var kv in read.Responses[1].Kvs)
        {
            if (KeyLayout.TryParseAssignment(kv.Key, out _, out _))
            {
                assignments[kv.Key] = (StateSerializer.Deserialize<Assignment>(kv.Value.Span), kv.ModRevision);
            }
        }
        var nodes = new Dictionary<string, (NodeRecord Value, long ModRevision, long AllocationModRevision)>(StringComparer.Ordinal);
        int position = 2;
        foreach (var node in targetNodes)
        {
            var nodeKv = read.Responses[position++].Single;
            var allocationKv = read.Responses[position++].Single;
            long planned = PlannedNodeRevision(plan, node);
            if (nodeKv is null || nodeKv.ModRevision != planned)
            {
                return NodeStale(node, planned, read.Revision, nodeKv);
            }
            nodes[node] = (StateSerializer.Deserialize<NodeRecord>(nodeKv.Value.Span), nodeKv.ModRevision, allocationKv?.ModRevision ?? 0);
        }
        foreach (var victim in plan.Evictions)
        {
            var key = KeyLayout.Assignment(victim.Workload, victim.Replica);
            long current = assignments.TryGetValue(key, out var found) ? found.ModRevision : 0;
            if (current != victim.AssignmentModRevision)
            {
                return ApplyResult.Stale(read.Revision, StaleReason.VictimChanged, StateMessages.VictimChanged(key, victim.AssignmentModRevision, current));
            }
        }

        var released = new Dictionary<int, KeyValue>();
        foreach (var kv in read.Responses[^1].Kvs)
        {
            if (KeyLayout.TryParseReleased(kv.Key, out var markerWorkload, out int markerReplica) && markerWorkload == plan.Workload)
            {
                released[markerReplica] = kv;
            }
        }

        // Step 2: room, from the stored assignments rather than the plan's snapshot.
        var requests = RequestsOf(workload);
        foreach (var node in targetNodes)
        {
            if (RoomError(node, nodes[node].Value.Spec.Allocatable, plan, requests, assignments, ownKeys, victimKeys) is { } full)
            {
                return ApplyResult.Stale(read.Revision, StaleReason.NodeFull, full);
            }
        }

        // Step 3: commit, guarded by every revision the checks relied on.
        var compares = new List<Compare> { Compare.ModRevision(workloadKey, CompareOp.Equal, plan.WorkloadModRevision) };
        var guards = new List<(StaleReason Reason, string Key, string Subject, long Expected)>();
        foreach (var node in targetNodes)
        {
            guards.Add((StaleReason.NodeChanged, KeyLayout.Node(node), node, nodes[node].ModRevision));
            guards.Add((StaleReason.NodeAllocationChanged, KeyLayout.Allocation(node), node, nodes[node].AllocationModRevision));
        }
        foreach (var victim in plan.Evictions)
        {
            var key = KeyLayout.Assignment(victim.Workload, victim.Replica);
            guards.Add((StaleReason.VictimChanged, key, key, victim.AssignmentModRevision));
        }
        foreach (var key in ownKeys)
        {
            if (!victimKeys.Contains(key))
            {
                guards.Add((StaleReason.AssignmentChanged, key, key, assignments.TryGetValue(key, out var own) ? own.ModRevision : 0));
            }
        }
        foreach (var guard in guards)
        {
            compares.Add(Compare.ModRevision(guard.Key, CompareOp.Equal, guard.Expected));
        }

        var operations = new List<TxnOp>();
        foreach (var victim in plan.Evictions)
        {
            var key = KeyLayout.Assignment(victim.Workload, victim.Replica);
            if (!ownKeys.Contains(key))
            {
                // A victim that this plan re-places is overwritten below; a put and a delete of one key cannot share a branch.
                operations.Add(TxnOp.Delete(key));
            }
            var evicted = assignments[key].Value;
            _events.Append(compares, operations, _events.Create(
                ClusterEventType.ReplicaEvicted,
                ReplicaSubject(victim.Workload, victim.Replica),
                StateMessages.Evicted(ReplicaSubject(victim.Workload, victim.Replica), evicted.Node, victim.Reason)));
        }
        foreach (var replica in plan.Replicas)
        {
            var key = KeyLayout.Assignment(plan.Workload, replica.Replica);
            var assignment = new Assignment(plan.Workload, replica.Replica, replica.Node, plan.WorkloadModRevision, requests, [.. replica.Devices], replica.Explanation, AssignmentState.Pending);
            operations.Add(TxnOp.Put(key, StateSerializer.Serialize(assignment)));
            var subject = ReplicaSubject(plan.Workload, replica.Replica);
            string? from = assignments.TryGetValue(key, out var previous) && previous.Value.HoldsResources && previous.Value.Node != replica.Node ? previous.Value.Node : null;
            if (released.TryGetValue(replica.Replica, out var marker))
            {
                // Released from a node (lost, drained, never started there): placed again, it moved unless it is back on that node.
                operations.Add(TxnOp.Delete(marker.Key));
                var releasedFrom = ReleaseMarker.NodeOf(marker);
                if (from is null && !(previous.Value?.HoldsResources ?? false) && releasedFrom != replica.Node)
                {
                    from = releasedFrom;
                }
            }
            _events.Append(compares, operations, from is not null
                ? _events.Create(ClusterEventType.Rescheduled, subject, StateMessages.Rescheduled(subject, from, replica.Node, replica.Explanation))
                : _events.Create(ClusterEventType.WorkloadScheduled, subject, StateMessages.Scheduled(subject, replica.Node, replica.Explanation)));
        }
        foreach (var node in targetNodes)
        {
            // The value is informational; what matters is that the key's mod revision moves.
            operations.Add(TxnOp.Put(KeyLayout.Allocation(node), System.Text.Encoding.UTF8.GetBytes(plan.Workload.ToString())));
        }

        var failureReads = new List<TxnOp> { TxnOp.Get(workloadKey) };
        foreach (var guard in guards)
        {
            failureReads.Add(TxnOp.Get(guard.Key));
        }
        var commit = await _store.TxnAsync(compares, operations, failureReads, cancellationToken).ConfigureAwait(false);
        if (commit.Succeeded)
        {
            return new ApplyResult(ApplyOutcome.Applied, commit.Revision, StaleReason.None, "");
        }

        // Name the first guard that moved; the event keys' "missing" compares cannot fail (keys are unique per writer).
        var nowWorkload = commit.Responses[0].Single;
        if (nowWorkload?.ModRevision != plan.WorkloadModRevision)
        {
            return WorkloadStale(plan, commit.Revision, nowWorkload);
        }
        for (int i = 0; i < guards.Count; i++)
        {
            var guard = guards[i];
            long current = commit.Responses[i + 1].Single?.ModRevision ?? 0;
            if (current != guard.Expected)
            {
                var message = guard.Reason switch
                {
                    StaleReason.NodeChanged => current == 0 ? StateMessages.NodeGone(guard.Subject) : StateMessages.NodeChanged(guard.Subject, guard.Expected, current),
                    StaleReason.NodeAllocationChanged => StateMessages.NodeAllocationChanged(guard.Subject),
                    StaleReason.VictimChanged => StateMessages.VictimChanged(guard.Subject, guard.Expected, current),
                    _ => StateMessages.AssignmentChanged(guard.Subject, guard.Expected, current),
                };
                return ApplyResult.Stale(commit.Revision, guard.Reason, message);
            }
        }
        return ApplyResult.Stale(commit.Revision, StaleReason.AssignmentChanged, StateMessages.ConcurrentChange(plan.Workload));
    }

    /// <summary>What one replica of <paramref name="workload"/> holds on its node: its requests, and one pod.</summary>
    public static ResourceList RequestsOf(WorkloadSpec workload)
    {
        var requests = ReplicaResources.Requests(workload);
        return requests.ContainsKey(ResourceNames.Pods) ? requests : requests.With(ResourceNames.Pods, new Quantity(1));
    }

    /// <summary>The event subject of a replica: <c>namespace/name/replica</c>.</summary>
    public static string ReplicaSubject(WorkloadKey workload, int replica) =>
        string.Create(CultureInfo.InvariantCulture, $"{workload}/{replica}");

    private static string? RoomError(
        string node,
        ResourceList allocatable,
        AssignmentPlan plan,
        ResourceList requests,
        Dictionary<string, (Assignment Value, long ModRevision)> assignments,
        HashSet<string> ownKeys,
        HashSet<string> victimKeys)
    {
        int placedHere = 0;
        foreach (var replica in plan.Replicas)
        {
            if (replica.Node == node)
            {
                placedHere++;
            }
        }
        foreach (var (name, perReplica) in requests)
        {
            // A node that does not advertise a pod limit has none, as the snapshot treats it.
            if (perReplica.Amount == 0 || (name == ResourceNames.Pods && !allocatable.ContainsKey(ResourceNames.Pods)))
            {
                continue;
            }
            decimal used = 0;
            foreach (var (key, (assignment, _)) in assignments)
            {
                // Replicas this plan replaces or evicts give their room back.
                if (assignment.Node == node && assignment.HoldsResources && !ownKeys.Contains(key) && !victimKeys.Contains(key))
                {
                    used += assignment.Requests.Get(name).Amount;
                }
            }
            var needed = perReplica.Amount * placedHere;
            var capacity = allocatable.Get(name).Amount;
            if (used + needed > capacity)
            {
                return StateMessages.NodeFull(node, name, QuantityJsonConverter.Format(new Quantity(needed)), QuantityJsonConverter.Format(new Quantity(used)), QuantityJsonConverter.Format(new Quantity(capacity)));
            }
        }
        return null;
    }

    private static long PlannedNodeRevision(AssignmentPlan plan, string node)
    {
        long planned = -1;
        foreach (var replica in plan.Replicas)
        {
            if (replica.Node == node)
            {
                if (planned >= 0 && planned != replica.NodeModRevision)
                {
                    // Two replicas saw the node at different revisions: the plan cannot have seen one state of it.
                    return -1;
                }
                planned = replica.NodeModRevision;
            }
        }
        return planned;
    }

    private static ApplyResult WorkloadStale(AssignmentPlan plan, long revision, KeyValue? current) =>
        ApplyResult.Stale(revision, StaleReason.WorkloadChanged, current is null
            ? StateMessages.WorkloadGone(plan.Workload)
            : StateMessages.WorkloadChanged(plan.Workload, plan.WorkloadModRevision, current.ModRevision));

    private static ApplyResult NodeStale(string node, long planned, long revision, KeyValue? current) =>
        ApplyResult.Stale(revision, StaleReason.NodeChanged, current is null
            ? StateMessages.NodeGone(node)
            : StateMessages.NodeChanged(node, planned, current.ModRevision));
}
