using Berth.Core.Resources;
using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Retries;

/// <summary>
/// Retries of failing replicas (DESIGN.md, "Failure model"): agents report exits, the engine applies the workload's
/// <see cref="RestartPolicy"/> and <see cref="RetryPolicy"/> and keeps a <see cref="RetryState"/> per replica at
/// <c>/retries/{namespace}/{workload}/{replica}</c>, so a restarted server continues where the last one stopped.
/// </summary>
/// <remarks>
/// <para><b>Restart policy</b>, as Kubernetes' restartPolicy: <see cref="RestartPolicy.Always"/> restarts after any exit
/// (a service that exits, even with 0, is down: the exit counts as a failed attempt and backs off);
/// <see cref="RestartPolicy.OnFailure"/> restarts after a non-zero exit, and a 0 exit completes the replica;
/// <see cref="RestartPolicy.Never"/> never restarts: a 0 exit completes the replica (Stopped,
/// <see cref="ClusterEventType.ReplicaSucceeded"/>) and a non-zero exit ends it Failed at once
/// (<see cref="ClusterEventType.WorkloadFailed"/>), with its retry state written exhausted so nothing retries it.</para>
/// <para><b>Counting.</b> <see cref="RetryState.Attempts"/> counts the starts that failed. <see cref="RetryPolicy.MaxAttempts"/>
/// counts starts, the first included, so failure number <c>n</c> below the limit schedules retry <c>n</c> after
/// <see cref="RetryPolicy.DelayBefore"/>(<c>n</c>): 5 s, 10 s, 20 s, 40 s, 80 s, then 120 s. Failure number
/// <c>MaxAttempts</c> exhausts the replica: its assignment stays Failed, <see cref="RetryState.NextAttemptAt"/> is null,
/// and one <see cref="ClusterEventType.WorkloadFailed"/> is appended. <see cref="ResetAsync(WorkloadKey, int, CancellationToken)"/> (on a re-apply) starts over.</para>
/// <para><b>Backoff and restart.</b> During the backoff the assignment is Failed (it holds no room; the placer leaves it,
/// as a Failed assignment counts as live there). <see cref="DueAsync"/> then sets it Pending again on the same node when
/// that node exists, is Ready and still has room and devices for it; otherwise it deletes the assignment so the placement
/// loop places the replica elsewhere. Only a Failed assignment is re-armed, which makes the pass idempotent.</para>
/// <para><b>Concurrency.</b> Each change is one transaction comparing the mod revisions of everything it read (workload,
/// assignment, retry state; for a restart also the node and its allocation guard, which it rewrites as the applier does
/// so that room is taken in one order) with its event in the same commit; on a conflict it re-reads and decides again,
/// at most <see cref="RetryEngineOptions.MaxAttempts"/> times.</para>
/// <para>Time comes from the injected <see cref="TimeProvider"/>; nothing runs on its own: the server calls
/// <see cref="DueAsync"/> every <see cref="RetryEngineOptions.DueInterval"/>.</para>
/// </remarks>
public sealed class RetryEngine
{
    private readonly IKeyValueStore _store;
    private readonly EventLog _events;
    private readonly RetryEngineOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the engine.</summary>
    /// <param name="store">The cluster store.</param>
    /// <param name="events">Where events are appended.</param>
    /// <param name="options">Interval and conflict retries; null for the defaults. Validated here.</param>
    /// <param name="time">The clock; null for <paramref name="events"/>' clock.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names the config key.</exception>
    public RetryEngine(IKeyValueStore store, EventLog events, RetryEngineOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        _store = store;
        _events = events;
        _options = options ?? new RetryEngineOptions();
        _options.Validate();
        _time = time ?? events.Time;
    }

    /// <summary>The options in force.</summary>
    public RetryEngineOptions Options => _options;

    /// <summary>
    /// Records that a replica's processes ended with <paramref name="exitCode"/> and applies the workload's restart and
    /// retry policies (see the class remarks). A report for a replica that already ended, or that has no assignment, writes nothing.
    /// </summary>
    /// <param name="workload">The replica's workload.</param>
    /// <param name="replica">The replica's index.</param>
    /// <param name="exitCode">The exit code; non-zero (or a signal, reported as non-zero) is a failure.</param>
    /// <param name="reason">What the agent saw (e.g. "OOMKilled"), or null.</param>
    /// <exception cref="ArgumentException">The workload or replica is invalid.</exception>
    /// <exception cref="InvalidOperationException">Concurrent writes kept winning; nothing was written.</exception>
    public async Task<ExitResult> ReportExitAsync(WorkloadKey workload, int replica, int exitCode, string? reason, CancellationToken cancellationToken = default)
    {
        var workloadKey = KeyLayout.Workload(workload);
        var assignmentKey = KeyLayout.Assignment(workload, replica);
        var retryKey = KeyLayout.Retry(workload, replica);
        var subject = AssignmentApplier.ReplicaSubject(workload, replica);
        for (int attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            var read = await _store.TxnAsync([], [TxnOp.Get(workloadKey), TxnOp.Get(assignmentKey), TxnOp.Get(retryKey)], [], cancellationToken).ConfigureAwait(false);
            if (read.Responses[0].Single is not { } workloadKv || read.Responses[1].Single is not { } assignmentKv)
            {
                return ExitResult.Nothing(ExitOutcome.UnknownReplica);
            }
            var spec = StateSerializer.Read<WorkloadSpec>(workloadKv);
            var assignment = StateSerializer.Read<Assignment>(assignmentKv);
            if (assignment.State is AssignmentState.Failed or AssignmentState.Stopped or AssignmentState.Succeeded)
            {
                // The agent reports again after a lost reply, or reports an exit of a replica the engine already ended.
                return ExitResult.Nothing(ExitOutcome.AlreadyEnded);
            }
            var retryKv = read.Responses[2].Single;
            var previous = retryKv is null ? null : StateSerializer.Read<RetryState>(retryKv);
            var now = _time.GetUtcNow();

            var compares = new List<Compare>
            {
                Compare.ModRevision(workloadKey, CompareOp.Equal, workloadKv.ModRevision),
                Compare.ModRevision(assignmentKey, CompareOp.Equal, assignmentKv.ModRevision),
                Compare.ModRevision(retryKey, CompareOp.Equal, retryKv?.ModRevision ?? 0),
            };
            var operations = new List<TxnOp>();
            ExitResult result;
            bool restart = spec.RestartPolicy switch
            {
                RestartPolicy.Always => true,
                RestartPolicy.OnFailure => exitCode != 0,
                _ => false,
            };
            if (!restart && exitCode == 0)
            {
                operations.Add(TxnOp.Put(assignmentKey, StateSerializer.Serialize(assignment with { State = AssignmentState.Succeeded })));
                if (retryKv is not null)
                {
                    // The replica completed: earlier failures no longer count against anything.
                    operations.Add(TxnOp.Delete(retryKey));
                }
                _events.Append(compares, operations, new ClusterEvent(ClusterEventType.ReplicaSucceeded, subject, RetryMessages.Succeeded(subject, spec.RestartPolicy), now));
                result = ExitResult.Nothing(ExitOutcome.Succeeded);
            }
            else
            {
                int attempts = (previous?.Attempts ?? 0) + 1;
                var error = RetryMessages.ExitError(exitCode, reason);
                operations.Add(TxnOp.Put(assignmentKey, StateSerializer.Serialize(assignment with { State = AssignmentState.Failed })));
                if (restart && attempts < spec.Retry.MaxAttempts)
                {
                    var delay = RetryPolicy.DelayBefore(attempts);
                    var at = now + delay;
                    operations.Add(TxnOp.Put(retryKey, StateSerializer.Serialize(new RetryState(workload, replica, attempts, at, error))));
                    _events.Append(compares, operations, new ClusterEvent(ClusterEventType.RetryTriggered, subject, RetryMessages.RetryTriggered(subject, error, attempts, spec.Retry.MaxAttempts, delay, at), now));
                    result = new ExitResult(ExitOutcome.RetryScheduled, attempts, delay, at);
                }
                else
                {
                    // Kept, exhausted (no next attempt), so that neither a second report nor a restarted server retries it.
                    operations.Add(TxnOp.Put(retryKey, StateSerializer.Serialize(new RetryState(workload, replica, attempts, null, error))));
                    var message = restart ? RetryMessages.Exhausted(subject, error, attempts) : RetryMessages.FailedNoRestart(subject, error);
                    _events.Append(compares, operations, new ClusterEvent(ClusterEventType.WorkloadFailed, subject, message, now));
                    result = new ExitResult(ExitOutcome.Failed, attempts, null, null);
                }
            }
            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            if (commit.Succeeded)
            {
                return result;
            }
        }
        throw new InvalidOperationException(RetryMessages.TooManyConflicts(subject, _options.MaxAttempts));
    }

    /// <summary>
    /// Makes every replica whose backoff has run out run again (see the class remarks): retry states with a
    /// <see cref="RetryState.NextAttemptAt"/> at or before now whose assignment is still Failed, of a workload that still
    /// wants the replica running. One transaction per replica with a <see cref="ClusterEventType.ReplicaRestarted"/>
    /// event; replicas that lost to a concurrent write are re-read and retried, and left for the next pass after
    /// <see cref="RetryEngineOptions.MaxAttempts"/> tries. Idempotent: a second pass finds the assignments no longer Failed.
    /// </summary>
    public async Task<DueResult> DueAsync(CancellationToken cancellationToken = default)
    {
        var restarted = new List<RestartedReplica>();
        HashSet<string>? pending = null;
        for (int attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            var read = await _store.TxnAsync(
                [],
                [
                    TxnOp.Get(KeyRange.Prefix(KeyLayout.RetriesPrefix)),
                    TxnOp.Get(KeyRange.Prefix(KeyLayout.AssignmentsPrefix)),
                    TxnOp.Get(KeyRange.Prefix(KeyLayout.NodesPrefix)),
                    TxnOp.Get(KeyRange.Prefix(KeyLayout.WorkloadsPrefix)),
                    TxnOp.Get(KeyRange.Prefix(KeyLayout.AllocationsPrefix)),
                ],
                [],
                cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var assignments = new Dictionary<string, Stored<Assignment>>(StringComparer.Ordinal);
            foreach (var kv in read.Responses[1].Kvs)
            {
                if (KeyLayout.TryParseAssignment(kv.Key, out _, out _))
                {
                    assignments[kv.Key] = new Stored<Assignment>(kv.Key, StateSerializer.Read<Assignment>(kv), kv.ModRevision);
                }
            }
            var nodes = ByKey(read.Responses[2]);
            var workloads = ByKey(read.Responses[3]);
            var allocations = ByKey(read.Responses[4]);
            var conflicts = new HashSet<string>(StringComparer.Ordinal);
            foreach (var retryKv in read.Responses[0].Kvs)
            {
                if (!KeyLayout.TryParseRetry(retryKv.Key, out var workload, out var replica))
                {
                    continue;
                }
                var subject = AssignmentApplier.ReplicaSubject(workload, replica);
                if (pending is not null && !pending.Contains(subject))
                {
                    continue;
                }
                var retry = StateSerializer.Read<RetryState>(retryKv);
                if (retry.NextAttemptAt is not { } due || due > now
                    || !assignments.TryGetValue(KeyLayout.Assignment(workload, replica), out var stored)
                    || stored.Value.State != AssignmentState.Failed
                    || !workloads.TryGetValue(KeyLayout.Workload(workload), out var workloadKv))
                {
                    continue;
                }
                var spec = StateSerializer.Read<WorkloadSpec>(workloadKv);
                if (spec.DesiredState != DesiredState.Running || replica >= spec.Replicas)
                {
                    // Not wanted any more: the placer stops or removes it; a retry would only start it to be stopped.
                    continue;
                }
                var change = Restart(retry, retryKv, stored, workloadKv, nodes, allocations, assignments, now);
                var commit = await _store.TxnAsync(change.Compares, change.Operations, [], cancellationToken).ConfigureAwait(false);
                if (!commit.Succeeded)
                {
                    conflicts.Add(subject);
                    continue;
                }
                restarted.Add(change.Restarted);
            }
            if (conflicts.Count == 0)
            {
                return new DueResult(restarted, []);
            }
            pending = conflicts;
        }
        var left = new List<string>(pending!);
        left.Sort(StringComparer.Ordinal);
        return new DueResult(restarted, left);
    }

    /// <summary>
    /// Clears a replica's retry state, so its next failure is attempt 1 again (used when the workload is re-applied with
    /// a new revision). Writes no event: the re-apply records its own.
    /// </summary>
    /// <returns>True when a retry state was deleted.</returns>
    /// <exception cref="ArgumentException">The workload or replica is invalid.</exception>
    public async Task<bool> ResetAsync(WorkloadKey workload, int replica, CancellationToken cancellationToken = default)
    {
        // A single delete is atomic on its own; there is nothing read to compare.
        long deleted = await _store.DeleteAsync(KeyLayout.Retry(workload, replica), cancellationToken).ConfigureAwait(false);
        return deleted > 0;
    }

    /// <summary>Clears the retry state of every replica of <paramref name="workload"/> (a re-apply or a delete).</summary>
    /// <returns>How many retry states were deleted.</returns>
    /// <exception cref="ArgumentException">The workload is invalid.</exception>
    public Task<long> ResetAsync(WorkloadKey workload, CancellationToken cancellationToken = default) =>
        _store.DeleteAsync(KeyRange.Prefix(KeyLayout.RetriesOf(workload)), cancellationToken);

    /// <summary>Adds clearing every retry state of <paramref name="workload"/> to a transaction the caller is building (e.g. the re-apply itself).</summary>
    /// <exception cref="ArgumentException">The workload is invalid.</exception>
    public static void AddReset(ICollection<TxnOp> operations, WorkloadKey workload)
    {
        ArgumentNullException.ThrowIfNull(operations);
        operations.Add(TxnOp.Delete(KeyRange.Prefix(KeyLayout.RetriesOf(workload))));
    }

    private RestartChange Restart(
        RetryState retry,
        KeyValue retryKv,
        Stored<Assignment> stored,
        KeyValue workloadKv,
        Dictionary<string, KeyValue> nodes,
        Dictionary<string, KeyValue> allocations,
        Dictionary<string, Stored<Assignment>> assignments,
        DateTimeOffset now)
    {
        var assignment = stored.Value;
        var subject = AssignmentApplier.ReplicaSubject(assignment.Workload, assignment.Replica);
        var nodeKey = KeyLayout.Node(assignment.Node);
        var compares = new List<Compare>
        {
            Compare.ModRevision(retryKv.Key, CompareOp.Equal, retryKv.ModRevision),
            Compare.ModRevision(stored.Key, CompareOp.Equal, stored.ModRevision),
            Compare.ModRevision(workloadKv.Key, CompareOp.Equal, workloadKv.ModRevision),
        };
        var operations = new List<TxnOp>();

        string? why;
        if (!nodes.TryGetValue(nodeKey, out var nodeKv))
        {
            compares.Add(Compare.Missing(nodeKey));
            why = RetryMessages.NodeGone;
        }
        else
        {
            compares.Add(Compare.ModRevision(nodeKey, CompareOp.Equal, nodeKv.ModRevision));
            var node = StateSerializer.Read<NodeRecord>(nodeKv);
            why = !node.Status.Ready ? RetryMessages.NodeNotReady : WhyNoRoom(assignment, stored.Key, node.Spec.Allocatable, assignments);
        }

        RestartKind kind;
        if (why is null)
        {
            // Room is taken again: compare and rewrite the node's allocation guard, as the applier does, so this
            // restart and any apply placing on the node commit in one order and the later one re-checks room.
            var allocationKey = KeyLayout.Allocation(assignment.Node);
            compares.Add(Compare.ModRevision(allocationKey, CompareOp.Equal, allocations.TryGetValue(allocationKey, out var guard) ? guard.ModRevision : 0));
            operations.Add(TxnOp.Put(allocationKey, System.Text.Encoding.UTF8.GetBytes(assignment.Workload.ToString())));
            operations.Add(TxnOp.Put(stored.Key, StateSerializer.Serialize(assignment with { State = AssignmentState.Pending })));
            _events.Append(compares, operations, new ClusterEvent(ClusterEventType.ReplicaRestarted, subject, RetryMessages.RestartedInPlace(subject, retry.Attempts, assignment.Node), now));
            kind = RestartKind.InPlace;
        }
        else
        {
            operations.Add(TxnOp.Delete(stored.Key));
            _events.Append(compares, operations, new ClusterEvent(ClusterEventType.ReplicaRestarted, subject, RetryMessages.RestartedElsewhere(subject, retry.Attempts, assignment.Node, why), now));
            kind = RestartKind.Released;
        }
        return new RestartChange(compares, operations, new RestartedReplica(subject, retry.Attempts, assignment.Node, kind));
    }

    // Why the replica cannot take its room on its node again, or null when it can: during the backoff its assignment
    // held nothing, so another replica may have taken the room or its GPU devices.
    private static string? WhyNoRoom(Assignment assignment, string ownKey, ResourceList allocatable, Dictionary<string, Stored<Assignment>> assignments)
    {
        foreach (var (name, mine) in assignment.Requests)
        {
            // A node that does not advertise a pod limit has none, as the applier treats it.
            if (mine.Amount == 0 || (name == ResourceNames.Pods && !allocatable.ContainsKey(ResourceNames.Pods)))
            {
                continue;
            }
            decimal used = 0;
            foreach (var (key, other) in assignments)
            {
                if (key != ownKey && other.Value.Node == assignment.Node && other.Value.HoldsResources)
                {
                    used += other.Value.Requests.Get(name).Amount;
                }
            }
            if (used + mine.Amount > allocatable.Get(name).Amount)
            {
                return RetryMessages.NodeFull(name);
            }
        }
        if (assignment.Devices.Count > 0)
        {
            foreach (var (key, other) in assignments)
            {
                if (key != ownKey && other.Value.Node == assignment.Node && other.Value.HoldsResources && other.Value.Devices.Intersect(assignment.Devices).Any())
                {
                    return RetryMessages.DevicesTaken;
                }
            }
        }
        return null;
    }

    private static Dictionary<string, KeyValue> ByKey(TxnOpResult result)
    {
        var byKey = new Dictionary<string, KeyValue>(result.Kvs.Count, StringComparer.Ordinal);
        foreach (var kv in result.Kvs)
        {
            byKey[kv.Key] = kv;
        }
        return byKey;
    }

    private sealed record RestartChange(List<Compare> Compares, List<TxnOp> Operations, RestartedReplica Restarted);
}
