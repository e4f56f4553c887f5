using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Nodes;

/// <summary>
/// Node lifecycle in the store (DESIGN.md, "Failure model"): registration, heartbeats, readiness, loss, cordon and
/// drain. Every change is one store transaction that compares the mod revisions of what it read and appends its events
/// in the same commit; on a conflict the operation re-reads and retries, at most <see cref="NodeManagerOptions.MaxAttempts"/> times.
/// </summary>
/// <remarks>
/// <para>Heartbeats go to <c>/heartbeats/{node}</c> (<see cref="NodeHeartbeat"/>), not to <c>/nodes/{node}</c>: the
/// assignment applier compares node mod revisions, so writing the node on every beat would make every plan stale. The node
/// record is written only when readiness or the cordon changes.</para>
/// <para>Timeline of a silent node, from its last heartbeat (or registration): after <see cref="NodeManagerOptions.HeartbeatGrace"/>
/// it turns NotReady (<see cref="ClusterEventType.NodeNotReady"/>, once); after a further <see cref="NodeManagerOptions.LostGrace"/>
/// it is lost (<see cref="ClusterEventType.NodeLost"/>, once, recorded as <see cref="NodeHeartbeat.LostAt"/>) and the
/// assignments on it that hold room are deleted, one <see cref="ClusterEventType.ReplicaReleased"/> each, so the placement
/// loop sees those replicas as missing and places them elsewhere (a <see cref="ReleaseMarker"/> remembers the node, so that
/// placement is recorded as <see cref="ClusterEventType.Rescheduled"/>). Failed and Stopped assignments hold nothing and are left
/// to the reconciler. A heartbeat at any point makes the node Ready again (<see cref="ClusterEventType.NodeReady"/>).</para>
/// <para>Time comes from the injected <see cref="TimeProvider"/>; nothing here runs on its own: the server calls
/// <see cref="CheckAsync"/> every <see cref="NodeManagerOptions.CheckInterval"/>.</para>
/// </remarks>
public sealed class NodeManager
{
    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly NodeManagerOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the manager.</summary>
    /// <param name="store">The cluster store.</param>
    /// <param name="events">Where events are appended.</param>
    /// <param name="options">Graces and retries; null for the defaults. Validated here.</param>
    /// <param name="time">The clock; null for <paramref name="events"/>' clock.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names the config key.</exception>
    public NodeManager(IKeyValueStore store, EventLog events, NodeManagerOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        _store = store;
        _events = events;
        _options = options ?? new NodeManagerOptions();
        _options.Validate();
        _time = time ?? events.Time;
    }

    /// <summary>The options in force.</summary>
    public NodeManagerOptions Options => _options;

    /// <summary>The clock heartbeats and checks are judged by.</summary>
    public TimeProvider Time => _time;

    /// <summary>
    /// Creates or replaces <c>/nodes/{name}</c> from <paramref name="spec"/>, Ready, with a
    /// <see cref="ClusterEventType.NodeRegistered"/> event; registration counts as a heartbeat. Re-registering keeps the
    /// stored cordon flag (an agent restart must not undo an operator's cordon); a new node takes <see cref="NodeSpec.Unschedulable"/> from the spec.
    /// </summary>
    /// <returns>The record written.</returns>
    /// <exception cref="ArgumentException">The node name is invalid.</exception>
    /// <exception cref="InvalidOperationException">Concurrent writes kept winning; nothing was written.</exception>
    public async Task<NodeRecord> RegisterAsync(NodeSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var nodeKey = KeyLayout.Node(spec.Name);
        var heartbeatKey = KeyLayout.Heartbeat(spec.Name);
        for (int attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            var current = await _store.GetAsync(nodeKey, cancellationToken).ConfigureAwait(false);
            bool cordoned = current is null ? spec.Unschedulable : StateSerializer.Read<NodeRecord>(current).Spec.Unschedulable;
            var now = _time.GetUtcNow();
            var record = new NodeRecord(spec with { Unschedulable = cordoned, Ready = true }, new NodeStatus(true, now));
            var compares = new List<Compare> { Compare.ModRevision(nodeKey, CompareOp.Equal, current?.ModRevision ?? 0) };
            var operations = new List<TxnOp>
            {
                TxnOp.Put(nodeKey, StateSerializer.Serialize(record)),
                TxnOp.Put(heartbeatKey, StateSerializer.Serialize(new NodeHeartbeat(now))),
            };
            _events.Append(compares, operations, new ClusterEvent(ClusterEventType.NodeRegistered, spec.Name, NodeMessages.Registered(spec.Name, cordoned), now));
            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            if (commit.Succeeded)
            {
                return record;
            }
        }
        throw new InvalidOperationException(NodeMessages.TooManyConflicts(spec.Name, _options.MaxAttempts));
    }

    /// <summary>
    /// Records a heartbeat at <c>/heartbeats/{node}</c>. The node record is written only when the node was NotReady or
    /// lost, which makes it Ready again with a <see cref="ClusterEventType.NodeReady"/> event; a beat of a Ready node
    /// leaves <c>/nodes/{node}</c> and its mod revision alone.
    /// </summary>
    /// <exception cref="ArgumentException">The node name is invalid.</exception>
    /// <exception cref="InvalidOperationException">Concurrent writes kept winning; nothing was written.</exception>
    public async Task<HeartbeatOutcome> HeartbeatAsync(string nodeName, CancellationToken cancellationToken = default)
    {
        var nodeKey = KeyLayout.Node(nodeName);
        var heartbeatKey = KeyLayout.Heartbeat(nodeName);
        for (int attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            var read = await _store.TxnAsync([], [TxnOp.Get(nodeKey), TxnOp.Get(heartbeatKey)], [], cancellationToken).ConfigureAwait(false);
            if (read.Responses[0].Single is not { } nodeKv)
            {
                return HeartbeatOutcome.UnknownNode;
            }
            var record = StateSerializer.Read<NodeRecord>(nodeKv);
            var heartbeat = read.Responses[1].Single is { } heartbeatKv ? StateSerializer.Read<NodeHeartbeat>(heartbeatKv) : null;
            var now = _time.GetUtcNow();
            bool becomesReady = !record.Status.Ready || heartbeat?.LostAt is not null;

            // The node compare orders this beat against a check that turns the node NotReady: whichever commits second
            // re-reads. The check compares the heartbeat key in turn.
            var compares = new List<Compare> { Compare.ModRevision(nodeKey, CompareOp.Equal, nodeKv.ModRevision) };
            var operations = new List<TxnOp> { TxnOp.Put(heartbeatKey, StateSerializer.Serialize(new NodeHeartbeat(now))) };
            if (becomesReady)
            {
                operations.Add(TxnOp.Put(nodeKey, StateSerializer.Serialize(record with { Status = new NodeStatus(true, now) })));
                _events.Append(compares, operations, new ClusterEvent(ClusterEventType.NodeReady, nodeName, NodeMessages.Ready(nodeName), now));
            }
            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            if (commit.Succeeded)
            {
                return becomesReady ? HeartbeatOutcome.BecameReady : HeartbeatOutcome.Recorded;
            }
        }
        throw new InvalidOperationException(NodeMessages.TooManyConflicts(nodeName, _options.MaxAttempts));
    }

    /// <summary>
    /// Turns nodes silent for <see cref="NodeManagerOptions.HeartbeatGrace"/> NotReady, and declares nodes silent for
    /// both graces lost, releasing their replicas (see the class remarks). Idempotent: each transition happens once, and
    /// a later check only releases replicas that were placed on a lost node since. One transaction per node; nodes whose
    /// transaction lost to a concurrent write are re-read and retried, and left for the next check after
    /// <see cref="NodeManagerOptions.MaxAttempts"/> tries.
    /// </summary>
    public async Task<NodeCheckResult> CheckAsync(CancellationToken cancellationToken = default)
    {
        var notReady = new List<string>();
        var lost = new List<string>();
        var released = new List<string>();
        HashSet<string>? pending = null;
        for (int attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            var read = await _store.TxnAsync(
                [],
                [
                    TxnOp.Get(KeyRange.Prefix(KeyLayout.NodesPrefix)),
                    TxnOp.Get(KeyRange.Prefix(KeyLayout.HeartbeatsPrefix)),
                    TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsPrefix)),
                ],
                [],
                cancellationToken).ConfigureAwait(false);
            var heartbeats = new Dictionary<string, KeyValue>(StringComparer.Ordinal);
            foreach (var kv in read.Responses[1].Kvs)
            {
                if (KeyLayout.TryParseHeartbeat(kv.Key, out var name))
                {
                    heartbeats[name] = kv;
                }
            }
            var assignments = ReadAssignments(read.Responses[2]);
            var now = _time.GetUtcNow();
            var conflicts = new HashSet<string>(StringComparer.Ordinal);
            foreach (var nodeKv in read.Responses[0].Kvs)
            {
                if (!KeyLayout.TryParseNode(nodeKv.Key, out var name) || (pending is not null && !pending.Contains(name)))
                {
                    continue;
                }
                var change = CheckNode(name, nodeKv, heartbeats.GetValueOrDefault(name), assignments, now);
                if (change is null)
                {
                    continue;
                }
                var commit = await _store.TxnAsync(change.Compares, change.Operations, [], cancellationToken).ConfigureAwait(false);
                if (!commit.Succeeded)
                {
                    conflicts.Add(name);
                    continue;
                }
                if (change.TurnedNotReady)
                {
                    notReady.Add(name);
                }
                if (change.Lost)
                {
                    lost.Add(name);
                }
                released.AddRange(change.Released);
            }
            if (conflicts.Count == 0)
            {
                return new NodeCheckResult(notReady, lost, released, []);
            }
            pending = conflicts;
        }
        var left = new List<string>(pending!);
        left.Sort(StringComparer.Ordinal);
        return new NodeCheckResult(notReady, lost, released, left);
    }

    /// <summary>Cordons the node: no new replicas are placed on it (<see cref="ClusterEventType.NodeCordoned"/>). Already cordoned: nothing is written.</summary>
    /// <returns>False when no such node is registered.</returns>
    /// <exception cref="InvalidOperationException">Concurrent writes kept winning; nothing was written.</exception>
    public Task<bool> CordonAsync(string nodeName, CancellationToken cancellationToken = default) => SetCordonAsync(nodeName, true, cancellationToken);

    /// <summary>Uncordons the node (<see cref="ClusterEventType.NodeUncordoned"/>). Not cordoned: nothing is written.</summary>
    /// <returns>False when no such node is registered.</returns>
    /// <exception cref="InvalidOperationException">Concurrent writes kept winning; nothing was written.</exception>
    public Task<bool> UncordonAsync(string nodeName, CancellationToken cancellationToken = default) => SetCordonAsync(nodeName, false, cancellationToken);

    /// <summary>
    /// One step of a drain: cordons the node, then releases at most one replica per workload from it, so the placement
    /// loop places it elsewhere. Call again (after the loop has run) until <see cref="DrainResult.IsComplete"/>.
    /// </summary>
    /// <remarks>
    /// A simple availability rule stands in for disruption budgets: a replica is released only when every replica its
    /// workload wants (<see cref="WorkloadSpec.Replicas"/>; none when it is Stopped) holds an assignment, so a drain never
    /// leaves a workload with fewer than <c>Replicas - 1</c> assigned. A workload with a replica already missing (released
    /// by the previous step and not yet placed again) is <see cref="DrainResult.Blocked"/> until it is whole. Assignments
    /// on other NotReady nodes still count as assigned. Failed and Stopped assignments hold no room and are not drained.
    /// The cordon, the deletes and their events commit in one transaction that compares every assignment counted.
    /// </remarks>
    /// <returns>What was released and what is left, or null when no such node is registered.</returns>
    /// <exception cref="InvalidOperationException">Concurrent writes kept winning; nothing was written.</exception>
    public async Task<DrainResult?> DrainAsync(string nodeName, CancellationToken cancellationToken = default)
    {
        var nodeKey = KeyLayout.Node(nodeName);
        for (int attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            var read = await _store.TxnAsync(
                [],
                [TxnOp.Get(nodeKey), TxnOp.Get(KeyRange.Prefix(KeyLayout.WorkloadsPrefix)), TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsPrefix))],
                [],
                cancellationToken).ConfigureAwait(false);
            if (read.Responses[0].Single is not { } nodeKv)
            {
                return null;
            }
            var record = StateSerializer.Read<NodeRecord>(nodeKv);
            var workloads = new Dictionary<WorkloadKey, (WorkloadSpec Spec, long ModRevision)>();
            foreach (var kv in read.Responses[1].Kvs)
            {
                if (KeyLayout.TryParseWorkload(kv.Key, out var key))
                {
                    workloads[key] = (StateSerializer.Read<WorkloadSpec>(kv), kv.ModRevision);
                }
            }
            var assignments = ReadAssignments(read.Responses[2]);
            var now = _time.GetUtcNow();

            var compares = new List<Compare> { Compare.ModRevision(nodeKey, CompareOp.Equal, nodeKv.ModRevision) };
            var operations = new List<TxnOp>();
            if (!record.Spec.Unschedulable)
            {
                // Cordon first, in the same commit, so nothing released here can be placed back on this node.
                operations.Add(TxnOp.Put(nodeKey, StateSerializer.Serialize(record with { Spec = record.Spec with { Unschedulable = true } })));
                _events.Append(compares, operations, new ClusterEvent(ClusterEventType.NodeCordoned, nodeName, NodeMessages.Cordoned(nodeName), now));
            }

            var compared = new HashSet<string>(StringComparer.Ordinal);
            var handled = new HashSet<WorkloadKey>();
            var releasedKeys = new HashSet<string>(StringComparer.Ordinal);
            var releasedNames = new List<string>();
            var blockedWorkloads = new HashSet<WorkloadKey>();
            foreach (var candidate in assignments)
            {
                var assignment = candidate.Value;
                // Assignments come in key order, so the first one of a workload on this node is its lowest replica.
                if (assignment.Node != nodeName || !assignment.HoldsResources || !handled.Add(assignment.Workload))
                {
                    continue;
                }
                int wanted = 0;
                if (workloads.TryGetValue(assignment.Workload, out var workload))
                {
                    wanted = workload.Spec.DesiredState == DesiredState.Running ? workload.Spec.Replicas : 0;
                    compares.Add(Compare.ModRevision(KeyLayout.Workload(assignment.Workload), CompareOp.Equal, workload.ModRevision));
                }
                else
                {
                    compares.Add(Compare.Missing(KeyLayout.Workload(assignment.Workload)));
                }
                int assigned = 0;
                foreach (var other in assignments)
                {
                    if (other.Value.Workload == assignment.Workload && other.Value.HoldsResources)
                    {
                        assigned++;
                        if (compared.Add(other.Key))
                        {
                            compares.Add(Compare.ModRevision(other.Key, CompareOp.Equal, other.ModRevision));
                        }
                    }
                }
                if (assigned < wanted)
                {
                    blockedWorkloads.Add(assignment.Workload);
                    continue;
                }
                var subject = AssignmentApplier.ReplicaSubject(assignment.Workload, assignment.Replica);
                operations.Add(TxnOp.Delete(candidate.Key));
                ReleaseMarker.Add(operations, assignment.Workload, assignment.Replica, nodeName);
                _events.Append(compares, operations, new ClusterEvent(ClusterEventType.ReplicaReleased, subject, NodeMessages.ReleasedDrain(subject, nodeName), now));
                releasedKeys.Add(candidate.Key);
                releasedNames.Add(subject);
            }

            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            if (!commit.Succeeded)
            {
                continue;
            }
            var remaining = new List<string>();
            var blocked = new List<string>();
            foreach (var stored in assignments)
            {
                var assignment = stored.Value;
                if (assignment.Node == nodeName && assignment.HoldsResources && !releasedKeys.Contains(stored.Key))
                {
                    var subject = AssignmentApplier.ReplicaSubject(assignment.Workload, assignment.Replica);
                    remaining.Add(subject);
                    if (blockedWorkloads.Contains(assignment.Workload))
                    {
                        blocked.Add(subject);
                    }
                }
            }
            return new DrainResult(nodeName, releasedNames, remaining, blocked);
        }
        throw new InvalidOperationException(NodeMessages.TooManyConflicts(nodeName, _options.MaxAttempts));
    }

    private NodeChange? CheckNode(string name, KeyValue nodeKv, KeyValue? heartbeatKv, List<Stored<Assignment>> assignments, DateTimeOffset now)
    {
        var record = StateSerializer.Read<NodeRecord>(nodeKv);
        var heartbeat = heartbeatKv is null ? null : StateSerializer.Read<NodeHeartbeat>(heartbeatKv);
        var nodeKey = nodeKv.Key;
        var heartbeatKey = KeyLayout.Heartbeat(name);
        var compares = new List<Compare>
        {
            Compare.ModRevision(nodeKey, CompareOp.Equal, nodeKv.ModRevision),
            // A heartbeat committed after this read moves the key, and the change is re-judged.
            Compare.ModRevision(heartbeatKey, CompareOp.Equal, heartbeatKv?.ModRevision ?? 0),
        };
        var operations = new List<TxnOp>();

        if ((heartbeat?.Time ?? record.Status.LastHeartbeat) is not { } last)
        {
            // Written without ever beating (not through RegisterAsync): its grace starts now rather than already being over.
            operations.Add(TxnOp.Put(heartbeatKey, StateSerializer.Serialize(new NodeHeartbeat(now))));
            return new NodeChange(compares, operations, false, false, []);
        }

        var silence = now - last;
        bool alreadyLost = heartbeat?.LostAt is not null;
        bool lostNow = !alreadyLost && silence >= _options.HeartbeatGrace + _options.LostGrace;
        bool turnsNotReady = record.Status.Ready && silence >= _options.HeartbeatGrace;
        if (turnsNotReady)
        {
            operations.Add(TxnOp.Put(nodeKey, StateSerializer.Serialize(record with { Status = new NodeStatus(false, last) })));
            _events.Append(compares, operations, new ClusterEvent(ClusterEventType.NodeNotReady, name, NodeMessages.NotReady(name, silence, _options.HeartbeatGrace), now));
        }

        var released = new List<string>();
        if (lostNow || alreadyLost)
        {
            // On a node already lost this only finds replicas placed there since, which must not stay either.
            foreach (var stored in assignments)
            {
                if (stored.Value.Node == name && stored.Value.HoldsResources)
                {
                    var subject = AssignmentApplier.ReplicaSubject(stored.Value.Workload, stored.Value.Replica);
                    compares.Add(Compare.ModRevision(stored.Key, CompareOp.Equal, stored.ModRevision));
                    operations.Add(TxnOp.Delete(stored.Key));
                    ReleaseMarker.Add(operations, stored.Value.Workload, stored.Value.Replica, name);
                    _events.Append(compares, operations, new ClusterEvent(ClusterEventType.ReplicaReleased, subject, NodeMessages.ReleasedLost(subject, name), now));
                    released.Add(subject);
                }
            }
        }
        if (lostNow)
        {
            operations.Add(TxnOp.Put(heartbeatKey, StateSerializer.Serialize(new NodeHeartbeat(last, now))));
            _events.Append(compares, operations, new ClusterEvent(ClusterEventType.NodeLost, name, NodeMessages.Lost(name, silence, released), now));
        }
        return operations.Count == 0 ? null : new NodeChange(compares, operations, turnsNotReady, lostNow, released);
    }

    private async Task<bool> SetCordonAsync(string nodeName, bool cordon, CancellationToken cancellationToken)
    {
        var nodeKey = KeyLayout.Node(nodeName);
        for (int attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            var current = await _store.GetAsync(nodeKey, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return false;
            }
            var record = StateSerializer.Read<NodeRecord>(current);
            if (record.Spec.Unschedulable == cordon)
            {
                return true;
            }
            var now = _time.GetUtcNow();
            var compares = new List<Compare> { Compare.ModRevision(nodeKey, CompareOp.Equal, current.ModRevision) };
            var operations = new List<TxnOp> { TxnOp.Put(nodeKey, StateSerializer.Serialize(record with { Spec = record.Spec with { Unschedulable = cordon } })) };
            _events.Append(compares, operations, cordon
                ? new ClusterEvent(ClusterEventType.NodeCordoned, nodeName, NodeMessages.Cordoned(nodeName), now)
                : new ClusterEvent(ClusterEventType.NodeUncordoned, nodeName, NodeMessages.Uncordoned(nodeName), now));
            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            if (commit.Succeeded)
            {
                return true;
            }
        }
        throw new InvalidOperationException(NodeMessages.TooManyConflicts(nodeName, _options.MaxAttempts));
    }

    private static List<Stored<Assignment>> ReadAssignments(TxnOpResult result)
    {
        var assignments = new List<Stored<Assignment>>(result.Kvs.Count);
        foreach (var kv in result.Kvs)
        {
            if (KeyLayout.TryParseAssignment(kv.Key, out _, out _))
            {
                assignments.Add(new Stored<Assignment>(kv.Key, StateSerializer.Read<Assignment>(kv), kv.ModRevision));
            }
        }
        return assignments;
    }

    private sealed record NodeChange(List<Compare> Compares, List<TxnOp> Operations, bool TurnedNotReady, bool Lost, IReadOnlyList<string> Released);
}
