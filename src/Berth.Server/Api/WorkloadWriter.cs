using Berth.Core.Specs;
using Berth.Server.State;
using Berth.Store;

namespace Berth.Server.Api;

/// <summary>
/// Writes workloads for the API: an apply of several workloads is one transaction (all or nothing) that also appends a
/// <see cref="ClusterEventType.WorkloadApplied"/> event per changed workload; a delete removes the key with a
/// <see cref="ClusterEventType.WorkloadDeleted"/> event. Both compare the revisions they read, so a concurrent write
/// makes them read again rather than overwrite it.
/// </summary>
public sealed class WorkloadWriter
{
    /// <summary>How many times a write is re-read and retried after a concurrent write won. Five: applies are rare, and a conflict means someone else is applying the same workloads.</summary>
    public const int MaxAttempts = 5;

    private readonly IKeyValueStore _store;
    private readonly EventLog _events;

    /// <summary>Creates the writer.</summary>
    public WorkloadWriter(IKeyValueStore store, EventLog events)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        _store = store;
        _events = events;
    }

    /// <summary>
    /// Creates or updates every workload in one transaction. Workloads whose stored spec is the same are left alone
    /// (no write, no event), so applying the same manifest twice changes nothing.
    /// </summary>
    /// <returns>What was applied, or null when concurrent writes kept winning and nothing was written.</returns>
    public Task<ApplyResponse?> ApplyAsync(IReadOnlyList<WorkloadSpec> workloads, CancellationToken cancellationToken = default) =>
        ApplyAsync(workloads, [], cancellationToken);

    /// <summary>
    /// Creates or updates every workload and every object of another kind (<see cref="ObjectKinds"/>) in one transaction,
    /// all or nothing. What is stored unchanged is left alone (no write, no event).
    /// </summary>
    /// <returns>What was applied, or null when concurrent writes kept winning and nothing was written.</returns>
    public async Task<ApplyResponse?> ApplyAsync(IReadOnlyList<WorkloadSpec> workloads, IReadOnlyList<StoredObject> objects, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        ArgumentNullException.ThrowIfNull(objects);
        int count = workloads.Count + objects.Count;
        var keys = new string[count];
        var bytes = new byte[count][];
        var reads = new List<TxnOp>(count);
        for (int i = 0; i < count; i++)
        {
            if (i < workloads.Count)
            {
                keys[i] = KeyLayout.Workload(WorkloadKey.Of(workloads[i]));
                bytes[i] = StateSerializer.Serialize(workloads[i]);
            }
            else
            {
                var stored = objects[i - workloads.Count];
                keys[i] = stored.Key;
                bytes[i] = stored.Kind.Serialize(stored.Spec);
            }
            reads.Add(TxnOp.Get(keys[i]));
        }

        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await _store.TxnAsync([], reads, [], cancellationToken).ConfigureAwait(false);
            var compares = new List<Compare>();
            var operations = new List<TxnOp>();
            var outcomes = new ApplyOutcome[count];
            var revisions = new long[count];
            var now = _events.Time.GetUtcNow();
            for (int i = 0; i < count; i++)
            {
                var existing = current.Responses[i].Single;
                compares.Add(Compare.ModRevision(keys[i], CompareOp.Equal, existing?.ModRevision ?? 0));
                if (existing is not null && existing.Value.Span.SequenceEqual(bytes[i]))
                {
                    outcomes[i] = ApplyOutcome.Unchanged;
                    revisions[i] = existing.ModRevision;
                    continue;
                }
                outcomes[i] = existing is null ? ApplyOutcome.Created : ApplyOutcome.Configured;
                operations.Add(TxnOp.Put(keys[i], bytes[i]));
                _events.Append(compares, operations, i < workloads.Count
                    ? WorkloadAppliedEvent(workloads[i], existing is null, now)
                    : ObjectAppliedEvent(objects[i - workloads.Count], existing is null, now));
            }

            long revision = current.Revision;
            if (operations.Count > 0)
            {
                var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
                if (!commit.Succeeded)
                {
                    continue;
                }
                revision = commit.Revision;
            }
            var applied = new AppliedWorkload[workloads.Count];
            var appliedObjects = new AppliedObject[objects.Count];
            for (int i = 0; i < count; i++)
            {
                // Every written key carries the transaction's revision.
                long keyRevision = outcomes[i] == ApplyOutcome.Unchanged ? revisions[i] : revision;
                if (i < workloads.Count)
                {
                    applied[i] = new AppliedWorkload(keys[i], workloads[i].Namespace, workloads[i].Name, keyRevision, outcomes[i]);
                }
                else
                {
                    var stored = objects[i - workloads.Count];
                    appliedObjects[i - workloads.Count] = new AppliedObject(stored.Kind.Kind, keys[i], stored.Namespace, stored.Name, keyRevision, outcomes[i]);
                }
            }
            return new ApplyResponse(revision, applied) { Objects = appliedObjects };
        }
        return null;
    }

    /// <summary>Deletes an object of another kind than Workload with its event. Returns null when it does not exist.</summary>
    /// <exception cref="InvalidOperationException">Concurrent writes kept winning; nothing was deleted.</exception>
    public async Task<DeleteResponse?> DeleteAsync(ObjectKind kind, string ns, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var key = KeyLayout.Object(kind, ns, name);
        var subject = ns.Length == 0 ? name : $"{ns}/{name}";
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var existing = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                return null;
            }
            var compares = new List<Compare> { Compare.ModRevision(key, CompareOp.Equal, existing.ModRevision) };
            var operations = new List<TxnOp> { TxnOp.Delete(key) };
            _events.Append(compares, operations, _events.Create(ClusterEventType.ObjectDeleted, subject, ApiMessages.ObjectDeleted(kind.Kind, subject)));
            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            if (commit.Succeeded)
            {
                return new DeleteResponse(key, commit.Revision);
            }
        }
        throw new InvalidOperationException(ApiMessages.TooManyConflicts(MaxAttempts));
    }

    private static ClusterEvent WorkloadAppliedEvent(WorkloadSpec workload, bool created, DateTimeOffset now)
    {
        var subject = WorkloadKey.Of(workload).ToString();
        var message = created ? ApiMessages.WorkloadCreated(subject, workload.Replicas) : ApiMessages.WorkloadConfigured(subject, workload.Replicas);
        return new ClusterEvent(ClusterEventType.WorkloadApplied, subject, message, now);
    }

    private static ClusterEvent ObjectAppliedEvent(StoredObject stored, bool created, DateTimeOffset now) =>
        new(ClusterEventType.ObjectApplied, stored.Subject, created ? ApiMessages.ObjectCreated(stored.Kind.Kind, stored.Subject) : ApiMessages.ObjectConfigured(stored.Kind.Kind, stored.Subject), now);

    /// <summary>Deletes a workload with its event; the placer then removes its assignments. Returns null when the workload does not exist.</summary>
    /// <exception cref="InvalidOperationException">Concurrent writes kept winning; nothing was deleted.</exception>
    public async Task<DeleteResponse?> DeleteAsync(WorkloadKey workload, CancellationToken cancellationToken = default)
    {
        var key = KeyLayout.Workload(workload);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var existing = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                return null;
            }
            var compares = new List<Compare> { Compare.ModRevision(key, CompareOp.Equal, existing.ModRevision) };
            var operations = new List<TxnOp> { TxnOp.Delete(key) };
            var subject = workload.ToString();
            _events.Append(compares, operations, _events.Create(ClusterEventType.WorkloadDeleted, subject, ApiMessages.WorkloadDeleted(subject)));
            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            if (commit.Succeeded)
            {
                return new DeleteResponse(key, commit.Revision);
            }
        }
        throw new InvalidOperationException(ApiMessages.TooManyConflicts(MaxAttempts));
    }

    /// <summary>
    /// Sets the workload's replica count (<c>berth scale</c>): a new revision with a <see cref="ClusterEventType.WorkloadScaled"/>
    /// event, compared against the revision read. The placer then adds or removes replicas. The same count writes nothing.
    /// </summary>
    /// <param name="workload">The workload.</param>
    /// <param name="replicas">The wanted count, zero or more; within the workload's <see cref="ReplicaRange"/> when it declares one.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="InvalidOperationException">Concurrent writes kept winning; nothing was written.</exception>
    public Task<WorkloadChange> ScaleAsync(WorkloadKey workload, int replicas, CancellationToken cancellationToken = default) =>
        ChangeAsync(
            workload,
            spec =>
            {
                if (replicas < 0)
                {
                    return (null, ApiMessages.NegativeReplicas(replicas));
                }
                if (spec.ReplicaRange is { } range && (replicas < range.Min || replicas > range.Max))
                {
                    return (null, ApiMessages.ReplicasOutsideRange(workload.ToString(), replicas, range.Min, range.Max));
                }
                return (spec with { Replicas = replicas }, "");
            },
            (subject, before, after) => new ClusterEvent(
                ClusterEventType.WorkloadScaled, subject, ApiMessages.WorkloadScaled(subject, before.Replicas, after.Replicas), _events.Time.GetUtcNow()),
            cancellationToken);

    /// <summary>
    /// Sets the workload's desired state to Stopped (<c>berth stop</c>) with a <see cref="ClusterEventType.WorkloadStopped"/>
    /// event; the placer stops its replicas, which release their room. Already stopped: nothing is written.
    /// </summary>
    /// <exception cref="InvalidOperationException">Concurrent writes kept winning; nothing was written.</exception>
    public Task<WorkloadChange> StopAsync(WorkloadKey workload, CancellationToken cancellationToken = default) =>
        SetDesiredStateAsync(workload, DesiredState.Stopped, cancellationToken);

    /// <summary>
    /// Sets a stopped workload's desired state back to Running (<c>berth start</c>) with a
    /// <see cref="ClusterEventType.WorkloadStarted"/> event; the placer places its replicas again. Already running: nothing is written.
    /// </summary>
    /// <exception cref="InvalidOperationException">Concurrent writes kept winning; nothing was written.</exception>
    public Task<WorkloadChange> StartAsync(WorkloadKey workload, CancellationToken cancellationToken = default) =>
        SetDesiredStateAsync(workload, DesiredState.Running, cancellationToken);

    private Task<WorkloadChange> SetDesiredStateAsync(WorkloadKey workload, DesiredState state, CancellationToken cancellationToken) =>
        ChangeAsync(
            workload,
            spec => (spec with { DesiredState = state }, ""),
            (subject, _, after) => state == DesiredState.Stopped
                ? new ClusterEvent(ClusterEventType.WorkloadStopped, subject, ApiMessages.WorkloadStopped(subject), _events.Time.GetUtcNow())
                : new ClusterEvent(ClusterEventType.WorkloadStarted, subject, ApiMessages.WorkloadStarted(subject, after.Replicas), _events.Time.GetUtcNow()),
            cancellationToken);

    // Read, change, compare-and-write: the compare on the workload's mod revision makes a concurrent apply or scale
    // win cleanly, and the change is then made again on what it wrote.
    private async Task<WorkloadChange> ChangeAsync(
        WorkloadKey workload,
        Func<WorkloadSpec, (WorkloadSpec? Spec, string Error)> change,
        Func<string, WorkloadSpec, WorkloadSpec, ClusterEvent> describe,
        CancellationToken cancellationToken)
    {
        var key = KeyLayout.Workload(workload);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var existing = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                return WorkloadChange.NotFound;
            }
            var before = StateSerializer.Read<WorkloadSpec>(existing);
            var (after, error) = change(before);
            if (after is null)
            {
                return WorkloadChange.Invalid(error);
            }
            var bytes = StateSerializer.Serialize(after);
            if (existing.Value.Span.SequenceEqual(bytes))
            {
                return new WorkloadChange(WorkloadChangeOutcome.Unchanged, Response(key, after, existing.ModRevision, changed: false), "");
            }
            var compares = new List<Compare> { Compare.ModRevision(key, CompareOp.Equal, existing.ModRevision) };
            var operations = new List<TxnOp> { TxnOp.Put(key, bytes) };
            _events.Append(compares, operations, describe(workload.ToString(), before, after));
            var commit = await _store.TxnAsync(compares, operations, [], cancellationToken).ConfigureAwait(false);
            if (commit.Succeeded)
            {
                return new WorkloadChange(WorkloadChangeOutcome.Changed, Response(key, after, commit.Revision, changed: true), "");
            }
        }
        throw new InvalidOperationException(ApiMessages.TooManyConflicts(MaxAttempts));
    }

    private static WorkloadChangeResponse Response(string key, WorkloadSpec spec, long revision, bool changed) =>
        new(key, spec.Namespace, spec.Name, revision, changed, spec.Replicas, spec.DesiredState);
}
